/**
 * Profile and setup names are data from files others may write (a shared or generated AWS
 * config, xacct's state file): completion offers them as they are, and never runs what they
 * hold. Names with $(…), backticks, ;, a space and * through bash, zsh and fish: no file
 * appears, and each candidate is the literal name (bash: quoted so the shell reads it back as
 * that name).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const dir = mkdtempSync(join(tmpdir(), "xacct-names-"));
const config = join(dir, "config");
const fakeXacct = join(dir, "fake", "xacct");
const marks = join(dir, "marks");
const scripts: Record<string, string> = {};
const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

/** Each would create a file under marks/ if a shell ran it. */
const hostile = (tag: string) => [
  `${tag}$(touch \${IFS}${marks}/${tag}-dollar)`.replace(" ", ""),
  `${tag}\`touch \${IFS}${marks}/${tag}-tick\``.replace(" ", ""),
  `${tag};touch \${IFS}${marks}/${tag}-semi`.replace(" ", ""),
  `${tag} with space`,
  `${tag}star*`,
];
const PROFILES = hostile("p");
const SETUPS = hostile("s");

beforeAll(() => {
  execFileSync("mkdir", ["-p", marks, join(dir, "fake")]);
  writeFileSync(config, PROFILES.map((n) => `[profile ${n}]\nregion = us-east-1\n`).join("\n"));
  // Setup names come from `xacct __complete setups`, one per line: a stand-in prints the hostile ones.
  writeFileSync(fakeXacct, `#!/bin/sh\nprintf '%s\\n' ${SETUPS.map((n) => `'${n.replaceAll("'", "'\\''")}'`).join(" ")}\n`);
  chmodSync(fakeXacct, 0o755);
  // A file a glob in a name would match.
  writeFileSync(join(dir, "pstarGLOB"), "");
  writeFileSync(join(dir, "sstarGLOB"), "");
  for (const shell of ["bash", "zsh", "fish"]) {
    scripts[shell] = join(dir, `xacct.${shell}`);
    writeFileSync(scripts[shell]!, execFileSync(process.execPath, [BIN, "completion", shell], { encoding: "utf8" }));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
beforeEach(() => {
  for (const f of readdirSync(marks)) rmSync(join(marks, f));
});

const env = () => ({ ...process.env, HOME: dir, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, "none") });

/** bash: COMPREPLY, and each entry read back by the shell as a word (what the command line will hold). */
function bash(words: string[]): { reply: string[]; readBack: string[] } {
  const driver = [
    'source "$1"; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _xacct',
    'for c in "${COMPREPLY[@]}"; do printf "R:%s\\n" "$c"; eval "set -- $c"; printf "W:%s\\n" "$1"; done',
  ].join("\n");
  const out = execFileSync("bash", ["-c", driver, "_", scripts["bash"]!, ...words], { env: env(), cwd: dir, encoding: "utf8" });
  const lines = out.split("\n");
  return { reply: lines.filter((l) => l.startsWith("R:")).map((l) => l.slice(2)), readBack: lines.filter((l) => l.startsWith("W:")).map((l) => l.slice(2)) };
}

function zsh(words: string[]): string[] {
  const driver = [
    "compdef() { :; }",
    'compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
    'source "$1"; shift; words=("$@"); CURRENT=$#; _xacct',
  ].join("\n");
  return execFileSync("zsh", ["-f", "-c", driver, "_", scripts["zsh"]!, ...words], { env: env(), cwd: dir, encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

function fish(line: string): string[] {
  return execFileSync("fish", ["--no-config", "-c", "source $argv[1]; complete -C $argv[2]", scripts["fish"]!, line], {
    env: env(),
    cwd: dir,
    encoding: "utf8",
  })
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t")[0]!);
}

const noMarks = () => expect(readdirSync(marks)).toEqual([]);

describe("bash offers hostile profile and setup names as data", () => {
  it("profile names: nothing runs, each candidate reads back as the literal name", () => {
    const { reply, readBack } = bash(["xacct", "exec", "--profile", ""]);
    noMarks();
    expect(readBack.sort()).toEqual([...PROFILES].sort());
    // Quoted: no candidate puts an unquoted ;, space, $( or * on the command line.
    for (const c of reply) expect(c).not.toMatch(/(^|[^\\])[;` *]|(^|[^\\])\$\(/);
  });

  it("a prefix narrows the profile names, still literal", () => {
    expect(bash(["xacct", "exec", "--profile", "p "]).readBack).toEqual(["p with space"]);
    expect(bash(["xacct", "exec", "--profile", "p\\ w"]).readBack).toEqual(["p with space"]);
    expect(bash(["xacct", "exec", "--profile", "pstar"]).readBack).toEqual(["pstar*"]);
    noMarks();
  });

  it("setup names: nothing runs, each candidate reads back as the literal name", () => {
    const { readBack } = bash([fakeXacct, "verify", "--setup", ""]);
    noMarks();
    expect(readBack.sort()).toEqual([...SETUPS].sort());
  });
});

describe.runIf(has("zsh"))("zsh offers them literally", () => {
  it("profiles and setups", () => {
    expect(zsh(["xacct", "exec", "--profile", ""]).sort()).toEqual([...PROFILES].sort());
    expect(zsh([fakeXacct, "verify", "--setup", ""]).sort()).toEqual([...SETUPS].sort());
    noMarks();
  });
});

describe.runIf(has("fish"))("fish offers them literally", () => {
  it("profiles and setups", () => {
    expect(fish("xacct exec --profile ").sort()).toEqual([...PROFILES].sort());
    expect(fish(`${fakeXacct} verify --setup `).sort()).toEqual([...SETUPS].sort());
    noMarks();
    expect(existsSync(join(dir, "pstarGLOB"))).toBe(true);
  });
});
