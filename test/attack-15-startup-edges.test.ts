/**
 * The edges of the start-up (bin/xacct.js and the front): output that cannot be written, a
 * package with a file missing (a damaged or half-done install), and Node run with
 * --frozen-intrinsics. Each gives one line a user can act on and the right exit code, never a
 * stack trace.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type ProcessRun } from "./support/xacct-process.js";

const ROOT = resolve(__dirname, "..");
let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-startup-edges-"));
  home = join(dir, "home");
  await mkdir(home);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `xacct ARGS` through a shell, for its redirections (`> /dev/full`). */
function sh(bin: string, args: string, redirect = "", extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: home, ...extraEnv };
  const line = `exec "${process.execPath}" "${bin}" ${args} ${redirect}`;
  return new Promise((done) => {
    const child = execFile("/bin/sh", ["-c", line], { env, cwd: dir }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

const NO_SPACE = "✘ xacct could not write its output (ENOSPC: no space left on device).\n";

describe("output that cannot be written (a full disk)", () => {
  for (const args of ["--help", "--version", "setup --help", "completion bash", "list"]) {
    it(`xacct ${args} > /dev/full says so in one line and exits 1`, async () => {
      for (let i = 0; i < 2; i++) expect(await sh(BIN, args, "> /dev/full")).toEqual({ code: 1, stdout: "", stderr: NO_SPACE });
    });
  }

  it("a usage error whose message cannot be written keeps its own exit code, 2, without a word on stdout", async () => {
    expect(await sh(BIN, "--no-such-flag", "2> /dev/full")).toEqual({ code: 2, stdout: "", stderr: "" });
  });
});

describe("a package with a file missing", () => {
  let count = 0;
  /** A copy of the built package (bin, dist, package.json) without FILE. */
  async function without(file: string): Promise<string> {
    count += 1;
    const copy = join(dir, `package-${count}`);
    for (const part of ["bin", "dist", "package.json"]) await cp(join(ROOT, part), join(copy, part), { recursive: true });
    await rm(join(copy, file));
    return join(copy, "bin", "xacct.js");
  }
  const incomplete = (file: string) => ({ code: 1, stdout: "", stderr: `✘ xacct's installation is incomplete (${file} is missing): reinstall xacct.\n` });

  it("dist/main.cjs: every command says so, credentials on a cache miss too", async () => {
    const bin = await without("dist/main.cjs");
    for (const args of ["--help", "--no-such-flag", "list", "credentials", "--debug list"])
      expect(await sh(bin, args), args).toEqual(incomplete("dist/main.cjs"));
  });

  it("dist/cli-failure.js: a usage error says so", async () => {
    const bin = await without("dist/cli-failure.js");
    expect(await sh(bin, "--no-such-flag")).toEqual(incomplete("dist/cli-failure.js"));
    expect((await sh(bin, "--help")).code).toBe(0);
  });

  const damaged = (file: string) => ({ code: 1, stdout: "", stderr: `✘ xacct's installation is damaged (${file} cannot be loaded): reinstall xacct.\n` });

  /** Cut before the last statement: what is left still compiles. */
  const cutAtLastStatement = async (path: string) => {
    const text = await readFile(path, "utf8");
    await writeFile(path, text.slice(0, text.lastIndexOf(";", text.lastIndexOf("//# sourceMappingURL")) + 1) + "\n");
  };

  it("dist/main.cjs empty, cut short or a folder: every command but --version says so", async () => {
    for (const [file, damage] of [
      ["dist/main.cjs", (path: string) => truncate(path, 0)],
      ["dist/main.cjs", cutAtLastStatement],
      ["dist/main.cjs", (path: string) => truncate(path, 5000)],
      ["dist/main.cjs", (path: string) => rm(path).then(() => mkdir(path))],
    ] as const) {
      const bin = await without(file);
      await writeFile(join(bin, "..", "..", file), await readFile(join(ROOT, file)));
      await damage(join(bin, "..", "..", file));
      for (const args of ["--help", "list", "--debug list"]) expect(await sh(bin, args), `${file} ${args}`).toEqual(damaged(file));
      expect((await sh(bin, "--version")).code).toBe(0);
    }
  });

  it("dist/main.cjs holding only its last lines, or one edited without its stamp: refused, --debug too", async () => {
    const bin = await without("dist/main.cjs");
    const path = join(bin, "..", "..", "dist/main.cjs");
    const whole = await readFile(join(ROOT, "dist/main.cjs"), "utf8");
    for (const text of [whole.slice(whole.lastIndexOf("//# sourceMappingURL")), whole.replace(/\/\/# xacctFront=[0-9a-f]+\n/, "")]) {
      await writeFile(path, text);
      for (const args of ["--help", "list", "--debug list"]) expect(await sh(bin, args), args).toEqual(damaged("dist/main.cjs"));
    }
  });

  it("dist/main.cjs with CRLF line ends (a checkout's), or without its last line end, still runs", async () => {
    const bin = await without("dist/main.cjs");
    const path = join(bin, "..", "..", "dist/main.cjs");
    const whole = await readFile(join(ROOT, "dist/main.cjs"), "utf8");
    const help = await sh(BIN, "--help");
    for (const text of [whole.replace(/\n/g, "\r\n"), whole.slice(0, -1)]) {
      await writeFile(path, text);
      expect(await sh(bin, "--help")).toEqual(help);
    }
  });

  it("dist/credential-process.cjs empty: credentials is served by the full CLI, as on a cache miss", async () => {
    const bin = await without("dist/credential-process.cjs");
    await writeFile(join(bin, "..", "..", "dist/credential-process.cjs"), "");
    const args = "credentials --profile nosuch --role-arn arn:aws:iam::111111111111:role/R";
    const whole = await sh(BIN, args);
    expect(whole.stderr).toMatch(/^✘ /);
    expect(await sh(bin, args)).toEqual(whole);
  });

  it("package.json: --version says so", async () => {
    const bin = await without("package.json");
    expect(await sh(bin, "--version")).toEqual(incomplete("package.json"));
  });

  it("dist/credential-process.cjs: credentials is served by the full CLI, as on a cache miss", async () => {
    const bin = await without("dist/credential-process.cjs");
    for (const args of ["credentials", "credentials --profile nosuch --role-arn arn:aws:iam::111111111111:role/R"]) {
      const whole = await sh(BIN, args);
      expect(whole.stderr).toMatch(/^✘ /);
      expect(await sh(bin, args), args).toEqual(whole);
    }
  });
});

describe("node --frozen-intrinsics", () => {
  it("prints the help as without it (the console, frozen, is left as it is)", async () => {
    const plain = await sh(BIN, "--help");
    expect(plain.code).toBe(0);
    expect(await sh(BIN, "--help", "", { NODE_OPTIONS: "--frozen-intrinsics" })).toEqual(plain);
    expect(await sh(BIN, "--no-such-flag", "", { NODE_OPTIONS: "--frozen-intrinsics" })).toEqual(await sh(BIN, "--no-such-flag"));
  });
});
