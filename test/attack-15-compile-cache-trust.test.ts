/**
 * The front's code cache (…/xacct/compile-cache/front-*.v8) is code: V8 runs what it holds,
 * and accepts one made from any source of the front's length. So it is used only from a file
 * and a folder no other user can write, and only whole: a cache another user could have
 * placed, or a damaged one, means no cache (the run is the same, only slower), and nothing is
 * made where another user could reach it. Also: the caches other Node versions made for the
 * same install are deleted when a new one is saved.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmod, chown, cp, lchown, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type ProcessRun } from "./support/xacct-process.js";

const FRONT = resolve(__dirname, "..", "dist", "main.cjs");
const USAGE_ERROR = { code: 2, stdout: "", stderr: "✘ xacct has no option --no-such-flag.\n  Run `xacct --help` for its options.\n" };
const ROOT = process.getuid?.() === 0;
let dir: string;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-cache-trust-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function xacct(home: string, args = ["--no-such-flag"], more: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: home, TMPDIR: join(dir, "tmp"), ...more };
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...args], { env, cwd: dir, timeout: 20_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

async function freshHome(parent = dir): Promise<string> {
  count += 1;
  const home = join(parent, `home-${count}`);
  await mkdir(home, { recursive: true });
  await mkdir(join(dir, "tmp"), { recursive: true });
  return home;
}

const cacheFolder = (home: string) => join(home, ".cache", "xacct", "compile-cache");
async function frontFile(home: string): Promise<string> {
  const names = (await readdir(cacheFolder(home))).filter((name) => name.startsWith("front-"));
  expect(names).toHaveLength(1);
  return join(cacheFolder(home), names[0]!);
}

/** Whether a cache file is whole: its first line ends with the cache's length, and the cache follows twice. */
function whole(file: Buffer): boolean {
  const { line, rest } = split(file);
  const length = Number(line.slice(line.lastIndexOf(" ") + 1));
  return rest.length === 2 * length && rest.subarray(0, length).equals(rest.subarray(length));
}

function split(file: Buffer): { line: string; rest: Buffer } {
  const end = file.indexOf(10);
  return { line: file.toString("utf8", 0, end), rest: file.subarray(end + 1) };
}

/** A valid cache file for code of the front's length that prints FORGED: what a cache of another user's could hold. */
async function forge(path: string): Promise<void> {
  const script = `
    const fs = require("node:fs"), vm = require("node:vm");
    const [file, out] = process.argv.slice(1);
    const length = fs.readFileSync(file, "utf8").length;
    const evil = 'process.stdout.write("FORGED\\\\n"); process.exit(0);';
    const forged = evil + "/*" + "x".repeat(length - evil.length - 4) + "*/";
    const wrapped = "(function (exports, require, module, __filename, __dirname, __xacctImport) {\\n" + forged + "\\n})";
    const s = new vm.Script(wrapped, { filename: file, lineOffset: -1 });
    s.runInThisContext();
    fs.writeFileSync(out, s.createCachedData());`;
  const payloadPath = `${path}.payload`;
  execFileSync(process.execPath, ["-e", script, FRONT, payloadPath]);
  const payload = await readFile(payloadPath);
  await rm(payloadPath);
  const { line } = split(await readFile(path));
  // The first line as xacct wrote it, with the forged cache's length when it holds one (then the cache twice).
  const fields = line.split(" ");
  const twice = /^\d+$/.test(fields.at(-1)!) && whole(await readFile(path));
  if (twice) fields[fields.length - 1] = String(payload.length);
  const header = fields.join(" ");
  await rm(path);
  await writeFile(path, Buffer.concat([Buffer.from(`${header}\n`), payload, ...(twice ? [payload] : [])]), { mode: 0o600 });
}

/** A home whose front cache file has been replaced by a forged one (0600, ours). */
async function forgedHome(): Promise<{ home: string; file: string }> {
  const home = await freshHome();
  expect(await xacct(home)).toEqual(USAGE_ERROR);
  const file = await frontFile(home);
  await forge(file);
  return { home, file };
}

describe("the front's code cache", () => {
  it("is code: a valid one of the user's own is run (what the refusals below guard against)", async () => {
    const { home } = await forgedHome();
    expect((await xacct(home)).stdout).toBe("FORGED\n");
  });

  it("is not used when the file is readable by others (0644)", async () => {
    const { home, file } = await forgedHome();
    await chmod(file, 0o644);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
  });

  it("is not used through a hard link (a name someone else may hold)", async () => {
    const { home, file } = await forgedHome();
    await link(file, join(home, "other-name"));
    expect(await xacct(home)).toEqual(USAGE_ERROR);
  });

  it("is not used through a symbolic link, and the file it points to is left alone", async () => {
    const { home, file } = await forgedHome();
    const elsewhere = join(home, "elsewhere.v8");
    await writeFile(elsewhere, await readFile(file), { mode: 0o600 });
    await rm(file);
    await symlink(elsewhere, file);
    const before = await readFile(elsewhere);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readFile(elsewhere)).toEqual(before);
  });

  it.runIf(ROOT)("is not used when the file belongs to another user", async () => {
    const { home, file } = await forgedHome();
    await chown(file, 65534, 65534);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
  });

  it("is not waited for when a FIFO stands at its path (opening one for reading waits for a writer)", async () => {
    const { home, file } = await forgedHome();
    await rm(file);
    execFileSync("mkfifo", [file]);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await xacct(home, ["--help"])).toMatchObject({ code: 0, stderr: "" });
  }, 60_000);

  it("is kept apart for other V8 flags, so runs that alternate them remake none", async () => {
    const home = await freshHome();
    const flagged = { NODE_OPTIONS: "--max-old-space-size=4096" };
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await xacct(home, undefined, flagged)).toEqual(USAGE_ERROR);
    const names = (await readdir(cacheFolder(home))).filter((name) => name.startsWith("front-"));
    expect(names).toHaveLength(2);
    const written = async () => Promise.all(names.map(async (name) => (await stat(join(cacheFolder(home), name))).mtimeMs));
    const before = await written();
    for (const more of [{}, flagged, {}, flagged]) expect(await xacct(home, undefined, more)).toEqual(USAGE_ERROR);
    expect(await written()).toEqual(before);
  }, 60_000);

  it("is kept apart for two installs at one path (containers sharing a home), so turns remake none", async () => {
    const home = await freshHome();
    const at = join(dir, `same-path-${count}`);
    const copy = async (to: string) => {
      for (const part of ["bin", "dist", "package.json"]) await cp(join(resolve(__dirname, ".."), part), join(to, part), { recursive: true });
    };
    await copy(join(at, "one"));
    await copy(join(at, "two"));
    const swap = async (from: string, to: string) => rename(join(at, from), join(at, to));
    const run = (env = {}) =>
      new Promise<string>((done) =>
        execFile(
          process.execPath,
          [join(at, "pkg", "bin", "xacct.js"), "--no-such-flag"],
          { env: { PATH: process.env["PATH"], HOME: home, ...env } },
          (_e, _o, stderr) => done(stderr),
        ),
      );
    const fronts = async () => (await readdir(cacheFolder(home))).filter((name) => name.startsWith("front-")).sort();
    const written = async () => Promise.all((await fronts()).map(async (name) => (await stat(join(cacheFolder(home), name))).mtimeMs));
    await swap("one", "pkg");
    expect(await run()).toBe(USAGE_ERROR.stderr);
    await swap("pkg", "one");
    await swap("two", "pkg");
    expect(await run()).toBe(USAGE_ERROR.stderr);
    expect(await fronts()).toHaveLength(2);
    const before = await written();
    for (const turn of [1, 2, 3]) {
      await swap("pkg", turn % 2 ? "two" : "one");
      await swap(turn % 2 ? "one" : "two", "pkg");
      expect(await run()).toBe(USAGE_ERROR.stderr);
    }
    expect(await written()).toEqual(before);
  }, 60_000);

  it("damaged after its first line is not run, and is made again whole", async () => {
    const home = await freshHome();
    const clean = await xacct(home);
    expect(clean).toEqual(USAGE_ERROR);
    const file = await frontFile(home);
    const made = await readFile(file);
    expect(whole(made)).toBe(true);
    const { rest } = split(made);
    const start = made.length - rest.length;
    const length = rest.length / 2;
    const damages: ((bytes: Buffer) => void)[] = [1, 2, 3].map((seed) => (bytes) => {
      for (let i = 0; i < 200; i++) bytes[start + ((i * 7919 * seed) % length)]! ^= 1 << ((i + seed) % 8);
    });
    // One bit, in the second copy.
    damages.push((bytes) => {
      bytes[start + length + 4003]! ^= 0x80;
    });
    for (const damage of damages) {
      const damaged = Buffer.from(made);
      damage(damaged);
      await writeFile(file, damaged, { mode: 0o600 });
      for (const args of [["--no-such-flag"], ["--help"]]) {
        const plain = await xacct(await freshHome(), args); // no cache yet: compiled from the source
        await writeFile(file, damaged, { mode: 0o600 });
        expect(await xacct(home, args)).toEqual(plain);
        expect(whole(await readFile(file))).toBe(true);
        expect(await readFile(file)).not.toEqual(damaged);
      }
    }
  }, 60_000);

  it("of other Node versions and installs are kept while in use; only the user's old cache files are deleted", async () => {
    const home = await freshHome();
    await xacct(home);
    const file = await frontFile(home);
    const id = file.slice(file.lastIndexOf("-") + 1, -".v8".length);
    const folder = cacheFolder(home);
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    const monthAhead = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    const kept = {
      otherVersion: `front-v0.0.1-x64-${id}.v8`, // nvm: the same install run by Node 22 and 24 in turn
      otherInstall: "front-v0.0.1-x64-0000abcd.v8",
      otherFlags: `front-v0.0.1-x64-${id}-1234abcd.v8`,
      // Dated a month ahead of the file just saved (a clock set wrong): the file system's times
      // are compared with each other, never with the process's clock, and this one is not older.
      future: "front-v0.0.3-x64-0000abcf.v8",
    };
    const gone = {
      oldVersion: `front-v0.0.2-x64-${id}.v8`,
      oldInstall: "front-v0.0.2-x64-0000abce.v8",
      oldFlags: `front-v0.0.2-x64-${id}-1234abcd.v8`,
      oldLeftover: `front-v0.0.2-x64-${id}.v8.123.9abc.tmp`, // a write cut short
      oldPrerelease: "front-v0.0.3-rc.1-x64-0000abcf.v8",
    };
    for (const name of Object.values(kept)) await writeFile(join(folder, name), "x", { mode: 0o600 });
    await utimes(join(folder, kept.future), monthAhead, monthAhead);
    for (const name of Object.values(gone)) {
      await writeFile(join(folder, name), "x", { mode: 0o600 });
      await utimes(join(folder, name), monthAgo, monthAgo);
    }
    // Old, but not cache files of the user's: another name, a folder (sorted first: it must not
    // stop the rest), a link (and what it leads to), a FIFO.
    const target = join(home, "target.v8");
    await writeFile(target, "x", { mode: 0o600 });
    const notCaches = ["notes.txt", "front-v0.0.0-x64-00000000.v8", "front-v0.0.4-x64-0000abd0.v8", "front-v0.0.5-x64-0000abd1.v8"];
    await writeFile(join(folder, notCaches[0]!), "x", { mode: 0o600 });
    await mkdir(join(folder, notCaches[1]!));
    await symlink(target, join(folder, notCaches[2]!));
    execFileSync("mkfifo", [join(folder, notCaches[3]!)]);
    for (const name of [notCaches[0]!, notCaches[1]!, notCaches[3]!, target]) await utimes(join(name === target ? "" : folder, name), monthAgo, monthAgo);
    execFileSync("touch", ["-h", "-d", "40 days ago", join(folder, notCaches[2]!)]);
    await rm(file);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    // (Node's own compile cache keeps its folders beside: not xacct's to judge.)
    const left = (await readdir(folder)).filter((name) => name.startsWith("front-") || name === "notes.txt");
    expect(left.sort()).toEqual([file.slice(file.lastIndexOf("/") + 1), ...Object.values(kept), ...notCaches].sort());
    expect(await readFile(target, "utf8")).toBe("x");
  });
});

describe("the cache folder", () => {
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  it("is neither made nor used when a folder above it is writable by others and not sticky", async () => {
    const open = join(dir, `open-${count}`);
    await mkdir(open);
    await chmod(open, 0o777);
    const home = await freshHome(open);
    for (let i = 0; i < 2; i++) expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readdir(home)).toEqual([]);
    expect(await exists(join(dir, "tmp", "node-compile-cache"))).toBe(false);
  });

  it("is neither made nor used when the cache root is group-writable", async () => {
    const home = await freshHome();
    await mkdir(join(home, ".cache"));
    await chmod(join(home, ".cache"), 0o770);
    for (let i = 0; i < 2; i++) expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readdir(join(home, ".cache"))).toEqual([]);
  });

  it("is used under a sticky folder writable by all, as /tmp", async () => {
    const sticky = join(dir, `sticky-${count}`);
    await mkdir(sticky);
    await chmod(sticky, 0o1777);
    const home = await freshHome(sticky);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    await frontFile(home);
  });

  it("is followed through a link to the folder it leads to, and refused when that folder is open to others", async () => {
    const home = await freshHome();
    const target = join(dir, `target-${count}`);
    await mkdir(target, { mode: 0o700 });
    await symlink(target, join(home, ".cache"));
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readdir(target)).toEqual(["xacct"]);
    const open = join(dir, `open-target-${count}`);
    await mkdir(open);
    await chmod(open, 0o777);
    const home2 = await freshHome();
    await symlink(open, join(home2, ".cache"));
    expect(await xacct(home2)).toEqual(USAGE_ERROR);
    expect(await readdir(open)).toEqual([]);
  });

  it.runIf(ROOT)("is neither made nor used through a link another user owns (they could point it elsewhere between check and use)", async () => {
    const home = await freshHome();
    const target = join(dir, `linked-target-${count}`);
    await mkdir(target, { mode: 0o700 });
    await symlink(target, join(home, ".cache"));
    await lchown(join(home, ".cache"), 65534, 65534);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readdir(target)).toEqual([]);
  });

  it.runIf(ROOT)("is neither made nor used in a home that belongs to another user (sudo keeping HOME): no ~/.cache of root's there", async () => {
    const home = await freshHome();
    await chown(home, 65534, 65534);
    for (let i = 0; i < 2; i++) expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readdir(home)).toEqual([]);
    await mkdir(join(home, ".cache"));
    await chown(join(home, ".cache"), 65534, 65534);
    expect(await xacct(home)).toEqual(USAGE_ERROR);
    expect(await readdir(join(home, ".cache"))).toEqual([]);
  });
});
