/**
 * `xacct completion bash|zsh|fish`: scripts generated from the commander program (commands,
 * each command's flags, the values of --mode, --format, --profile-style), profile names read
 * from the AWS files by the shell itself (no node start per TAB), setup names from a hidden
 * `xacct __complete setups`. Driven through the real shells: bash always, zsh and fish where
 * installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFile, chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "completion-bucket";
const SETUP_ID = `${BUCKET}/StageRole`;
let scratch = "";
/** A PATH whose `xacct` is the built CLI and which records each start. */
let binDir = "";
let starts = "";
const scripts: Record<string, string> = {};

const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "xacct-completion-"));
  binDir = join(scratch, "bin");
  starts = join(scratch, "starts");
  execFileSync("mkdir", ["-p", binDir]);
  await writeFile(join(binDir, "xacct"), `#!/bin/sh\necho "$*" >> "${starts}"\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(join(binDir, "xacct"), 0o755);
  await appendFile(
    sandbox.configFile,
    "\n[default]\nregion = us-east-1\n\n[profile only-in-config]\nregion = eu-west-1\n\n[sso-session corp]\nsso_region = us-east-1\n",
  );
  await appendFile(sandbox.credentialsFile, "\n[only-in-creds]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = not-a-secret-name\n");
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  for (const shell of ["bash", "zsh", "fish"]) {
    const result = await sandbox.run(["completion", shell]);
    expect(result.code, result.stderr).toBe(0);
    scripts[shell] = join(scratch, `xacct.${shell}`);
    await writeFile(scripts[shell]!, result.stdout);
  }
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function shellEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${binDir}:/usr/bin:/bin` };
}

/** The candidates bash offers for `words` (the last one being completed), through the function `complete -p xacct` names. */
function bashCandidates(words: string[]): string[] {
  const driver = [
    'source "$1"; shift',
    "fn=$(complete -p xacct | sed -E 's/.*-F ([^ ]+).*/\\1/')",
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
    '"$fn" xacct "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("\n");
  const out = execFileSync("bash", ["-c", driver, "_", scripts["bash"]!, ...words], { env: shellEnv(), encoding: "utf8" });
  return out.split("\n").filter(Boolean);
}

/** zsh: compadd and the file helpers stubbed to print what they are given (no prefix filtering). */
function zshCandidates(words: string[]): string[] {
  const driver = [
    "compdef() { :; }",
    'compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
    "_files() { print -r -- '<files>'; }",
    "_path_files() { print -r -- '<dirs>'; }",
    'source "$1"; shift',
    'words=("$@"); CURRENT=$#',
    "_xacct",
  ].join("\n");
  const out = execFileSync("zsh", ["-f", "-c", driver, "_", scripts["zsh"]!, ...words], { env: shellEnv(), encoding: "utf8" });
  const current = words.at(-1)!;
  return out.split("\n").filter((c) => c !== "" && c.startsWith(current));
}

function fishCandidates(words: string[]): string[] {
  const out = execFileSync("fish", ["--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, scripts["fish"]!, words.join(" ")], {
    env: shellEnv(),
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t")[0]!);
}

const shells: [string, (words: string[]) => string[]][] = [
  ["bash", bashCandidates],
  ["zsh", zshCandidates],
  ["fish", fishCandidates],
];

for (const [shell, candidates] of shells) {
  describe.runIf(has(shell))(`${shell} completion`, () => {
    it("offers the commands, and not the hidden one", () => {
      const all = candidates(["xacct", ""]);
      for (const command of ["setup", "teardown", "verify", "export", "list", "assume", "credentials", "console", "test-get", "completion"]) {
        expect(all, command).toContain(command);
      }
      expect(all.some((c) => c.startsWith("__"))).toBe(false);
      expect(candidates(["xacct", "as"])).toEqual(["assume"]);
    });

    it("offers each command's own flags, and the global ones", () => {
      const assume = candidates(["xacct", "assume", "--pro"]);
      expect(assume).toEqual(expect.arrayContaining(["--profile", "--profile-style"]));
      expect(assume).not.toContain("--production-profile");
      expect(candidates(["xacct", "console", "--si"])).toEqual(["--signin"]);
      expect(candidates(["xacct", "verify", "--js"])).toEqual(["--json"]);
    });

    it("offers profile names from both AWS files for profile flags, without sso-session sections", () => {
      const names = candidates(["xacct", "assume", "--profile", ""]);
      expect(names).toEqual(expect.arrayContaining(["prod", "staging", "default", "only-in-config", "only-in-creds"]));
      expect(names).not.toContain("corp");
      expect(names.join("\n")).not.toContain("not-a-secret-name");
      expect(candidates(["xacct", "setup", "--staging-profile", "st"])).toEqual(["staging"]);
      expect(candidates(["xacct", "--json", "setup", "--production-profile", "pr"])).toEqual(["prod"]);
    });

    it("offers setup names for --setup, and the values of --mode, --format and --profile-style", () => {
      expect(candidates(["xacct", "verify", "--setup", ""])).toContain(SETUP_ID);
      expect(candidates(["xacct", "setup", "--mode", ""]).sort()).toEqual(["resource-policy", "role"]);
      expect(candidates(["xacct", "export", "--format", ""]).sort()).toEqual(["cloudformation", "terraform"]);
      expect(candidates(["xacct", "assume", "--profile-style", ""]).sort()).toEqual(["process", "role", "static"]);
      expect(candidates(["xacct", "completion", ""]).sort()).toEqual(["bash", "fish", "zsh"]);
    });

    it("completing a profile name starts no node process", async () => {
      await rm(starts, { force: true });
      candidates(["xacct", "assume", "--profile", ""]);
      candidates(["xacct", "assume", "--"]);
      expect(await readFile(starts, "utf8").catch(() => "")).toBe("");
    });
  });
}

describe("the scripts cannot drift from the program", () => {
  it("every flag a command's --help lists is offered for it", async () => {
    const help = await sandbox.run(["--help"]);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(commands.length).toBeGreaterThan(8);
    for (const command of commands) {
      const own = await sandbox.run([command, "--help"]);
      const flags = new Set([...own.stdout.matchAll(/(?:^|[\s,])(--[a-z][a-z-]*)/gm)].map((m) => m[1]!));
      const offered = bashCandidates(["xacct", command, "--"]);
      for (const flag of flags) expect(offered, `${command} ${flag}`).toContain(flag);
    }
  });
});

describe("xacct __complete setups", () => {
  it("prints the setup names and nothing else", async () => {
    const result = await sandbox.run(["__complete", "setups"]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").filter(Boolean)).toEqual([SETUP_ID]);
  });

  it("is not in the help", async () => {
    expect((await sandbox.run(["--help"])).stdout).not.toContain("__complete");
  });
});

describe("xacct completion", () => {
  it("refuses a shell it has no script for, exit 2", async () => {
    const result = await sandbox.run(["completion", "tcsh"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bash, zsh or fish|bash, zsh, fish/);
  });
});
