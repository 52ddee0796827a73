/**
 * What a `xacct credentials` cache hit loads, as the AWS tools run it (the built CLI, its own
 * process, stdout a pipe): bin/xacct.js and dist/credential-process.cjs, nothing else of
 * xacct's and no package at all. The bundle itself imports nothing but Node's built-ins
 * (esbuild's metafile). A miss still goes the full CLI's way and gets a session from STS.
 */
import { execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { MODULE_LIST_PRELOAD } from "./support/module-list.js";
import { BIN } from "./support/xacct-process.js";

const ROOT = resolve(__dirname, "..");
const sandbox = useSandbox();
const LINE = ["credentials", "--role-arn=arn:aws:iam::111111111111:role/StageRole", "--profile=staging", "--session-name=xacct-staging", "--region=us-east-1"];

const PRELOAD = MODULE_LIST_PRELOAD;

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  /** Files of this repository the process loaded, relative to it. */
  files: string[];
}

async function runCounted(args: string[], env: NodeJS.ProcessEnv): Promise<Loaded> {
  const preload = join(sandbox.dir, "list-modules.mjs");
  const list = join(sandbox.dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(preload, PRELOAD);
  await writeFile(list, "");
  const result = await new Promise<Omit<Loaded, "files">>((done) => {
    const child = execFile(process.execPath, ["--import", preload, BIN, ...args], { env: { ...env, XACCT_TEST_MODULE_LIST: list }, cwd: sandbox.dir });
    child.stdin?.end();
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
  const urls = (await readFile(list, "utf8")).split("\n").filter((url) => url.startsWith("file://"));
  const files = [...new Set(urls.map((url) => relative(ROOT, decodeURIComponent(url.slice("file://".length)))))].filter((file) => !file.startsWith(".."));
  return { ...result, files: files.sort() };
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
});

describe("a credentials cache hit", () => {
  it("loads bin/xacct.js and dist/credential-process.cjs only: no SDK, no commander, no other module of xacct's", async () => {
    const env = { ...process.env, XDG_CACHE_HOME: join(sandbox.dir, "cache-hit") };
    const miss = await runCounted(LINE, env);
    expect(miss.code, miss.stderr).toBe(0);
    expect(miss.files).toContain("dist/main.cjs");
    expect(miss.files.some((file) => file.startsWith("node_modules/@aws-sdk/") || file.includes("chunks/"))).toBe(true);

    const hit = await runCounted(LINE, env);
    expect(hit).toEqual({ code: 0, stdout: miss.stdout, stderr: "", files: ["bin/xacct.js", "dist/credential-process.cjs"] });
  });

  it("a flag the fast path does not take (--debug) goes the full CLI's way, to the same cached session", async () => {
    const env = { ...process.env, XDG_CACHE_HOME: join(sandbox.dir, "cache-hit") };
    const full = await runCounted(["--debug", ...LINE], env);
    expect(full.code, full.stderr).toBe(0);
    expect(full.files).toContain("dist/main.cjs");
    expect(full.stdout).toBe((await runCounted(LINE, env)).stdout);
  });
});

describe("a credentials cache hit into a closed pipe", () => {
  it("ends quietly as SIGPIPE would (exit 141), as the full CLI does: no stack trace", async () => {
    const env = { ...process.env, XDG_CACHE_HOME: join(sandbox.dir, "cache-hit") };
    expect((await runCounted(LINE, env)).files).toEqual(["bin/xacct.js", "dist/credential-process.cjs"]);
    const child = spawn(process.execPath, [BIN, ...LINE], { env, cwd: sandbox.dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // the reader is gone before the keys are written
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((done) => child.on("close", done));
    expect({ code, stderr }).toEqual({ code: 141, stderr: "" });
  });
});

describe("the cache-hit bundle", () => {
  it("is built from xacct's own sources and imports nothing but node: built-ins (esbuild's metafile)", async () => {
    const meta = JSON.parse(await readFile(join(ROOT, "dist-dev", "credential-process.meta.json"), "utf8")) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain("src/credential-process.ts");
    expect(inputs.filter((input) => !input.startsWith("src/"))).toEqual([]);
    // Nothing of the SDK side, even bundled: the AWS clients and the write side of the cache.
    expect(inputs.filter((input) => /^src\/(aws|stages|commands)\/|credentials-cache\.ts$|state-write|awsconfig\/store/.test(input))).toEqual([]);
    const imports = Object.values(meta.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((path) => !path.startsWith("node:"))).toEqual([]);
    expect(imports.filter((path) => path === "node:crypto" || path === "node:tty")).toEqual([]);
  });
});
