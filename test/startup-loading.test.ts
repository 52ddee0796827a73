/**
 * What `xacct --version` and `xacct --help` load, as a shell runs the built CLI (its own
 * process, stdout a pipe): --version bin/xacct.js alone; help bin/xacct.js and
 * the front (dist/main.cjs: commander and the command table), no ES module, no SDK, no chalk,
 * neither node:child_process nor process.stdout's stream (net). Speed itself is the
 * benchmark's (npm run bench); these are the guarantees it rests on. And the front, compiled
 * by bin/xacct.js with its own code cache, prints what it
 * prints when Node loads it as usual, for every command's help.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { closeSync, openSync } from "node:fs";
import { isatty } from "node:tty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPipeOrFile } from "../src/std-streams.js";
import { MODULE_LIST_PRELOAD } from "./support/module-list.js";
import { BIN } from "./support/xacct-process.js";

const ROOT = resolve(__dirname, "..");
const FRONT = join(ROOT, "dist", "main.cjs");

const PRELOAD = MODULE_LIST_PRELOAD;

/** Preloaded with -r (no loader hooks, which load modules of their own): Node's built-ins the process loads after it. */
const BUILTINS_PRELOAD = `
const before = new Set(process.moduleLoadList);
process.on("exit", () => require("node:fs").writeFileSync(process.env.XACCT_TEST_BUILTINS, process.moduleLoadList.filter((name) => !before.has(name)).join("\\n")));
`;

let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-startup-"));
  home = join(dir, "home");
  await writeFile(join(dir, "preload.mjs"), PRELOAD);
  await writeFile(join(dir, "builtins.cjs"), BUILTINS_PRELOAD);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: home, ...extraEnv };
  return new Promise((done) => {
    const child = execFile(process.execPath, args, { env, cwd: dir }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

let lists = 0;
/** `xacct ARGS`, and the files of this repository it loaded, and Node's built-ins it loaded. */
async function loaded(args: string[]): Promise<Run & { files: string[]; builtins: string[] }> {
  lists += 1;
  const list = join(dir, `modules-${lists}.txt`);
  await writeFile(list, "");
  const result = await run(["--import", join(dir, "preload.mjs"), BIN, ...args], { XACCT_TEST_MODULE_LIST: list });
  const urls = (await readFile(list, "utf8")).split("\n").filter((url) => url.startsWith("file://"));
  const files = [...new Set(urls.map((url) => relative(ROOT, decodeURIComponent(url.slice("file://".length)))))].filter((file) => !file.startsWith(".."));
  const again = await run(["-r", join(dir, "builtins.cjs"), BIN, ...args], { XACCT_TEST_BUILTINS: `${list}.node` });
  expect(again).toEqual(result);
  const builtins = (await readFile(`${list}.node`, "utf8")).split("\n");
  return { ...result, files: files.sort(), builtins };
}

describe("start-up", () => {
  it("--version loads bin/xacct.js alone", async () => {
    const version = await loaded(["--version"]);
    expect(version).toMatchObject({ code: 0, stderr: "", files: ["bin/xacct.js"] });
  });

  for (const args of [["--help"], ["setup", "--help"], ["help", "exec"]]) {
    it(`xacct ${args.join(" ")} loads the front only: no ES module, no SDK, no chalk, no child_process`, async () => {
      for (let i = 0; i < 2; i++) {
        // The first run makes the front's code cache, the second uses it.
        const help = await loaded(args);
        expect(help).toMatchObject({ code: 0, stderr: "", files: ["bin/xacct.js", "dist/main.cjs"] });
        expect(help.stdout).toContain("Usage: xacct");
        // Nor process.stdout, a net.Socket on a pipe: help goes straight to the descriptor.
        expect(help.builtins.filter((name) => /^NativeModule (child_process|net|tty|zlib|crypto)$/.test(name))).toEqual([]);
      }
      const sources = (JSON.parse(await readFile(`${FRONT}.map`, "utf8")) as { sources: string[] }).sources;
      expect(sources.filter((source) => /node_modules\/(?!commander\/)|src\/(commands|ui|aws|wizard)\//.test(source))).toEqual([]);
    });
  }
});

describe("the front through its code cache", () => {
  it("prints every command's help as the front does when Node loads it as usual", async () => {
    const root = await run([FRONT, "--help"]);
    const commands = [...root.stdout.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]!).filter((name) => name !== "help");
    expect(commands.length).toBeGreaterThan(10);
    for (const args of [["--help"], ...commands.map((command) => [command, "--help"])]) {
      const plain = await run([FRONT, ...args]);
      expect(plain.code, args.join(" ")).toBe(0);
      for (let i = 0; i < 2; i++) expect(await run([BIN, ...args]), args.join(" ")).toEqual(plain);
    }
  }, 120_000);
});

describe("help without process.stdout", () => {
  it("is the same text to a pipe and to a file", async () => {
    const file = join(dir, "help.txt");
    const piped = await run([BIN, "--help"]);
    const toFile = await run([
      "-e",
      `require("node:child_process").execFileSync(process.execPath, [${JSON.stringify(BIN)}, "--help"], { stdio: ["ignore", require("node:fs").openSync(${JSON.stringify(file)}, "w"), "inherit"] })`,
    ]);
    expect(toFile.code).toBe(0);
    expect(await readFile(file, "utf8")).toBe(piped.stdout);
    // No escape codes: commander strips colours from help where it finds none to show, and xacct's help has none.
    expect(piped.stdout).not.toContain("\u001b");
  });

  it("takes a descriptor for no terminal only when it is a pipe, a socket or a file (else commander asks the stream)", () => {
    const file = openSync(join(dir, "probe.txt"), "w");
    const nul = openSync("/dev/null", "w");
    try {
      expect(isPipeOrFile(file)).toBe(true);
      expect(isatty(file)).toBe(false);
      expect(isPipeOrFile(nul)).toBe(false); // a character device: the stream decides, as before
      for (const fd of [0, 1, 2, file, nul]) if (isPipeOrFile(fd)) expect(isatty(fd)).toBe(false);
    } finally {
      closeSync(file);
      closeSync(nul);
    }
  });
});
