/**
 * Node 22+ runs the compiled code it finds in its compile cache. Node's default folder,
 * os.tmpdir()/node-compile-cache, is one any local user can create first and fill with code of
 * their own for xacct's files; so the built CLI keeps its cache in the user's own cache folder
 * (…/xacct/compile-cache, 0700), and in no folder it did not make private. Node 20 has no
 * compile cache: there xacct makes no folder at all.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type ProcessRun } from "./support/xacct-process.js";

const hasCompileCache = typeof createRequire(import.meta.url)("node:module").enableCompileCache === "function";
let dir: string;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-compile-cache-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh HOME and TMPDIR, and `xacct --help` run there. */
async function helpIn(prepare: (home: string) => Promise<void> = async () => undefined): Promise<{ home: string; temp: string; run: ProcessRun }> {
  count += 1;
  const home = join(dir, `home-${count}`);
  const temp = join(home, "tmp");
  await mkdir(temp, { recursive: true });
  await prepare(home);
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: home, TMPDIR: temp };
  const run = await new Promise<ProcessRun>((done) => {
    execFile(process.execPath, [BIN, "--help"], { env, cwd: home }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  return { home, temp, run };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("the compile cache", () => {
  it.runIf(hasCompileCache)("is kept in ~/.cache/xacct/compile-cache, 0700, and never in the shared temporary folder", async () => {
    const { home, temp, run } = await helpIn();
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const folder = join(home, ".cache", "xacct", "compile-cache");
    for (const path of [join(home, ".cache", "xacct"), folder]) expect((await stat(path)).mode & 0o777).toBe(0o700);
    const [version] = await readdir(folder);
    expect((await readdir(join(folder, version!))).length).toBeGreaterThan(0);
    expect(await exists(join(temp, "node-compile-cache"))).toBe(false);
  });

  it("is not used, and nothing is written through it, when xacct's cache folder is a link elsewhere", async () => {
    const elsewhere = join(dir, `elsewhere-${count + 1}`);
    const { temp, run } = await helpIn(async (home) => {
      await mkdir(join(home, ".cache"), { recursive: true });
      await mkdir(elsewhere, { mode: 0o700 });
      await symlink(elsewhere, join(home, ".cache", "xacct"));
    });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("Usage: xacct");
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await exists(join(temp, "node-compile-cache"))).toBe(false);
  });

  it("is not used when xacct's cache folder is open to other users", async () => {
    const { home, temp, run } = await helpIn(async (home) => {
      await mkdir(join(home, ".cache", "xacct"), { recursive: true });
      await chmod(join(home, ".cache", "xacct"), 0o755);
    });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(await exists(join(home, ".cache", "xacct", "compile-cache"))).toBe(false);
    expect(await exists(join(temp, "node-compile-cache"))).toBe(false);
  });

  it.skipIf(hasCompileCache)("is not made on a Node without one", async () => {
    const { home, run } = await helpIn();
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(await exists(join(home, ".cache"))).toBe(false);
  });
});
