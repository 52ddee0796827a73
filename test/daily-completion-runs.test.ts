/**
 * A command that runs another program (a variadic argument, as `xacct exec -- COMMAND ARGS…`):
 * completion hands over to the shell's own, program names first, then files. Checked on a
 * program built here, so it holds for whichever command declares such an argument.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { completionScript } from "../src/completion/script.js";

const program = new Command("xacct").option("--debug", "details");
program.command("exec").argument("<command>", "program").argument("[args...]", "its arguments").option("--setup <name>", "setup");
program.command("list");

const dir = mkdtempSync(join(tmpdir(), "xacct-runs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

function bash(words: string[]): string[] {
  const script = join(dir, "x.bash");
  writeFileSync(script, completionScript("bash", program));
  const driver = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _xacct; printf "%s\\n" "${COMPREPLY[@]}"';
  return execFileSync("bash", ["-c", driver, "_", script, ...words], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

function zsh(words: string[]): string[] {
  const script = join(dir, "x.zsh");
  writeFileSync(script, completionScript("zsh", program));
  const driver = [
    "compdef() { :; }",
    'compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
    "_command_names() { print -r -- '<commands>'; }",
    '_normal() { print -r -- "<normal ${words[*]} @${CURRENT}>"; }',
    'source "$1"; shift; words=("$@"); CURRENT=$#; _xacct',
  ].join("\n");
  return execFileSync("zsh", ["-f", "-c", driver, "_", script, ...words], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

describe("bash: a command that runs a program", () => {
  it("offers program names where the program goes, after flags or --", () => {
    expect(bash(["xacct", "exec", "ech"])).toContain("echo");
    expect(bash(["xacct", "exec", "--setup", "s", "--", "ech"])).toContain("echo");
    expect(bash(["xacct", "exec", "--se"])).toEqual(["--setup"]);
  });

  it("offers files for the program's own arguments, and never xacct's flags", () => {
    expect(bash(["xacct", "exec", "ls", "/et"])).toContain("/etc");
    expect(bash(["xacct", "exec", "--", "ls", "--se"])).not.toContain("--setup");
  });

  it("a command without such an argument is unchanged", () => {
    expect(bash(["xacct", "list", "ech"])).toEqual([]);
  });
});

describe.runIf(has("zsh"))("zsh: a command that runs a program", () => {
  it("hands the program's name to _command_names and the rest to _normal", () => {
    expect(zsh(["xacct", "exec", "ech"])).toEqual(["<commands>"]);
    expect(zsh(["xacct", "exec", "--setup", "s", "--", "ls", "-"])).toEqual(["<normal ls - @2>"]);
  });
});
