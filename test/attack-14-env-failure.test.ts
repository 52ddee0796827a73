/**
 * `eval "$(xacct env)"` evaluates what xacct printed: when xacct fails it printed no keys, and
 * evaluating nothing succeeds, so `&&` and `set -e` went on with the shell's old credentials.
 * On failure, with stdout not a terminal, xacct env also prints one statement that fails when
 * evaluated (sh, fish: false; PowerShell: a throw), and keeps its exit code.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const home = mkdtempSync(join(tmpdir(), "xacct-env-fail-"));
afterAll(() => rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
const env = () => ({
  PATH: process.env.PATH,
  HOME: home,
  AWS_CONFIG_FILE: join(home, "config"),
  AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
  XACCT_STATE_FILE: join(home, "state.json"),
  XDG_CACHE_HOME: join(home, "cache"),
  NODE: process.execPath,
  XACCT: BIN,
});

function shell(name: string, script: string): string {
  const args = name === "fish" ? ["--no-config", "-c", script] : ["-c", script];
  return execFileSync(name, args, { env: env(), cwd: home, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

describe("a failed xacct env stops the shell's && chain", () => {
  for (const sh of ["dash", "bash"]) {
    it(`${sh}: eval "$(xacct env --profile nosuch)" && echo continued does not continue`, () => {
      expect(shell(sh, 'eval "$("$NODE" "$XACCT" env --profile nosuch)" && echo continued; echo end')).toBe("end\n");
      expect(shell(sh, 'eval "$("$NODE" "$XACCT" env --no-such-flag)" && echo continued; echo end')).toBe("end\n");
    });
  }

  it.runIf(has("fish"))("fish: xacct env --format fish | source; and echo continued does not continue", () => {
    expect(shell("fish", "$NODE $XACCT env --format fish --profile nosuch | source; and echo continued; echo end")).toBe("end\n");
  });

  it("the exit code is kept, and stdout holds only the failing statement", () => {
    const sh = spawnSync(process.execPath, [BIN, "env", "--profile", "nosuch"], { env: env(), cwd: home, encoding: "utf8" });
    expect(sh.status).not.toBe(0);
    expect(sh.stdout).toBe("false\n");
    const fish = spawnSync(process.execPath, [BIN, "env", "--format", "fish", "--profile", "nosuch"], { env: env(), cwd: home, encoding: "utf8" });
    expect(fish.stdout).toBe("false\n");
    const ps = spawnSync(process.execPath, [BIN, "env", "--format=powershell", "--profile", "nosuch"], { env: env(), cwd: home, encoding: "utf8" });
    expect(ps.status).toBe(sh.status);
    expect(ps.stdout).toBe("throw 'xacct env failed: see the message above'\n");
  });

  it("dotenv and json print nothing on failure (they are files and documents, not code)", () => {
    for (const format of ["dotenv", "json"]) {
      const ran = spawnSync(process.execPath, [BIN, "env", "--format", format, "--profile", "nosuch"], { env: env(), cwd: home, encoding: "utf8" });
      expect(ran.status).not.toBe(0);
      expect(ran.stdout).toBe("");
    }
  });
});
