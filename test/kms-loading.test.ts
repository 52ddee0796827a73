/**
 * The KMS client loads only when a command sends its first KMS call (a bucket encrypted with
 * SSE-KMS): `--help` loads no SDK at all, and no command loads KMS when it starts, not even
 * those that may read keys (setup, teardown, verify, export). Reads the built dist/.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const DIST = join(ROOT, "dist");
const run = promisify(execFile);

/** Every source a built file was made from, from its source map. */
async function sourcesOf(file: string): Promise<string[]> {
  return (JSON.parse(await readFile(`${file}.map`, "utf8")) as { sources: string[] }).sources;
}

/** The built files a chunk imports statically, and theirs in turn: what loads with it (a dynamic import() loads only when its code runs). */
async function reachable(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = await readFile(file, "utf8");
  for (const match of text.matchAll(/(?:from|import)\s*["'](\.\.?\/[^"']+\.js)["']/g)) await reachable(resolve(dirname(file), match[1]!), seen);
  return seen;
}

/** A command's module: dist/commands/NAME.js, which the front (dist/main.cjs) imports when the command runs. */
async function commandChunk(name: string): Promise<string> {
  const file = join(DIST, "commands", `${name}.js`);
  if (!(await readdir(join(DIST, "commands"))).includes(`${name}.js`)) throw new Error(`no built module for command ${name}: run npm run build`);
  return file;
}

async function reachesKms(command: string): Promise<boolean> {
  for (const file of await reachable(await commandChunk(command))) {
    if ((await sourcesOf(file)).some((s) => s.includes("node_modules/@aws-sdk/client-kms/"))) return true;
  }
  return false;
}

describe("where the KMS client is loaded", () => {
  it("--help loads no AWS SDK, no evaluator and no KMS policy code", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-kms-loading-"));
    try {
      const list = join(dir, "modules.txt");
      await run(process.execPath, ["--import", join(ROOT, "bench/list-modules.mjs"), join(ROOT, "bin/xacct.js"), "--help"], {
        env: { ...process.env, XACCT_BENCH_MODULE_LIST: list },
      });
      const files = (await readFile(list, "utf8"))
        .split("\n")
        .filter((u) => u.startsWith("file:") && u.includes("/dist/"))
        .map((u) => fileURLToPath(u));
      const sources = (await Promise.all(files.map(sourcesOf))).flat();
      expect(sources.filter((s) => s.includes("node_modules/@aws-sdk/"))).toEqual([]);
      // Nor the policy evaluator, nor the KMS policy builders: help is text, not judgement.
      expect(sources.filter((s) => /src\/(policy-eval|verify|resources)\/|src\/policy\/kms\.ts/.test(s))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("no command loads the KMS client when it starts: only a KMS call does (SSE-KMS buckets)", async () => {
    for (const command of ["setup", "teardown", "verify", "export", "assume", "credentials", "console", "test-get"]) {
      expect(await reachesKms(command), command).toBe(false);
    }
  });
});
