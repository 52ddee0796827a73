/**
 * XACCT_EXEC marks a command run by xacct exec, and an exec inside it is refused: an
 * `eval "$(xacct env)"` inside it was a second way round, leaving the marker naming the first
 * role while the keys were another's. env is refused there too, unless --allow-nested.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const home = mkdtempSync(join(tmpdir(), "xacct-env-nested-"));
afterAll(() => rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
const env = {
  PATH: process.env.PATH,
  HOME: home,
  AWS_CONFIG_FILE: join(home, "config"),
  AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
  XACCT_STATE_FILE: join(home, "state.json"),
  XDG_CACHE_HOME: join(home, "cache"),
  XACCT_EXEC: "arn:aws:iam::111111111111:role/StageRole",
};
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, cwd: home, encoding: "utf8" });

describe("xacct env inside xacct exec", () => {
  it("is refused, exit 2, naming the outer role and --allow-nested", () => {
    const ran = run(["env", "--role-arn", "arn:aws:iam::111111111111:role/Other", "--profile", "staging"]);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain("arn:aws:iam::111111111111:role/StageRole");
    expect(ran.stderr).toContain("--allow-nested");
    expect(ran.stdout).toBe("false\n");
  });

  it("--allow-nested lets it go on (here to the missing profile)", () => {
    const ran = run(["env", "--allow-nested", "--role-arn", "arn:aws:iam::111111111111:role/Other", "--profile", "staging"]);
    expect(ran.stderr).not.toContain("XACCT_EXEC");
    expect(ran.stderr).toMatch(/staging/);
  });
});
