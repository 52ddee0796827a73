/**
 * Node runs the compiled code it finds in a compile cache. Node's default folder for it,
 * os.tmpdir()/node-compile-cache, is one any local user can create first and fill with code of
 * their own for xacct's files; so the built CLI keeps compiled code (Node's cache on Node 22+,
 * and its own for dist/main.cjs on every Node) in the user's own cache folder,
 * …/xacct/compile-cache (0700), and in no folder it did not make private.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type ProcessRun } from "./support/xacct-process.js";

const hasNodeCompileCache = typeof createRequire(import.meta.url)("node:module").enableCompileCache === "function";
let dir: string;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-compile-cache-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * A fresh HOME and TMPDIR, and `xacct --no-such-flag` run there twice: a usage error, which
 * runs the front (dist/main.cjs) and imports an ES module (the failure report), and asks nothing of AWS.
 */
async function runIn(prepare: (home: string) => Promise<void> = async () => undefined): Promise<{ home: string; temp: string; runs: ProcessRun[] }> {
  count += 1;
  const home = join(dir, `home-${count}`);
  const temp = join(home, "tmp");
  await mkdir(temp, { recursive: true });
  await prepare(home);
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: home, TMPDIR: temp };
  const once = () =>
    new Promise<ProcessRun>((done) => {
      execFile(process.execPath, [BIN, "--no-such-flag"], { env, cwd: home }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const runs = [await once(), await once()];
  return { home, temp, runs };
}

const USAGE_ERROR = { code: 2, stdout: "", stderr: "✘ xacct has no option --no-such-flag.\n  Run `xacct --help` for its options.\n" };

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("compiled code", () => {
  it("is kept in ~/.cache/xacct/compile-cache, 0700, files 0600, and never in the shared temporary folder", async () => {
    const { home, temp, runs } = await runIn();
    for (const run of runs) expect(run).toEqual(USAGE_ERROR);
    const folder = join(home, ".cache", "xacct", "compile-cache");
    for (const path of [join(home, ".cache", "xacct"), folder]) expect((await stat(path)).mode & 0o777).toBe(0o700);
    const names = await readdir(folder);
    const front = names.filter((name) => name.startsWith("front-"));
    expect(front).toHaveLength(1);
    expect((await stat(join(folder, front[0]!))).mode & 0o777).toBe(0o600);
    // Node's own cache, in a folder per Node version, beside it.
    const nodeCache = names.filter((name) => !name.startsWith("front-"));
    expect(nodeCache).toHaveLength(hasNodeCompileCache ? 1 : 0);
    if (hasNodeCompileCache) expect((await readdir(join(folder, nodeCache[0]!))).length).toBeGreaterThan(0);
    expect(await exists(join(temp, "node-compile-cache"))).toBe(false);
  });

  it("is not kept, and nothing is written through it, when xacct's cache folder is a link elsewhere", async () => {
    const elsewhere = join(dir, `elsewhere-${count + 1}`);
    const { temp, runs } = await runIn(async (home) => {
      await mkdir(join(home, ".cache"), { recursive: true });
      await mkdir(elsewhere, { mode: 0o700 });
      await symlink(elsewhere, join(home, ".cache", "xacct"));
    });
    for (const run of runs) expect(run).toEqual(USAGE_ERROR);
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await exists(join(temp, "node-compile-cache"))).toBe(false);
  });

  it("is not kept when xacct's cache folder is open to other users", async () => {
    const { home, temp, runs } = await runIn(async (home) => {
      await mkdir(join(home, ".cache", "xacct"), { recursive: true });
      await chmod(join(home, ".cache", "xacct"), 0o755);
    });
    for (const run of runs) expect(run).toEqual(USAGE_ERROR);
    expect(await exists(join(home, ".cache", "xacct", "compile-cache"))).toBe(false);
    expect(await exists(join(temp, "node-compile-cache"))).toBe(false);
  });
});
