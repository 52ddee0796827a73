/**
 * Attack 14 (x2 2, x3 F0), end to end: a role session cached for an Identity Center Staging
 * profile is not served once that login is gone (aws sso logout deletes the token file) or
 * replaced by another user's, by `xacct credentials` (fast path and full CLI) or `xacct exec`.
 * The portal is a stand-in, as in daily-sso-profile.test.ts.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { serveCachedCredentials } from "../src/credential-process.js";
import { useSandbox } from "./support/sandbox.js";
import { cacheToken, useSsoPortal } from "./support/sso-portal.js";

const sandbox = useSandbox();
const run = promisify(execFile);
useSsoPortal(sandbox);

const LINE = () => [
  "credentials",
  `--role-arn=arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`,
  "--profile=alice-sso",
  "--session-name=xacct-alice-sso",
  "--region=us-east-1",
];

async function fast(argv: string[]): Promise<string | undefined> {
  let printed = "";
  const served = await serveCachedCredentials(argv, { env: process.env, stdoutIsTerminal: false, write: (text) => (printed += text) });
  return served ? printed : undefined;
}

describe("after aws sso logout", () => {
  it("the cached role session is served no more: credentials (both paths) and exec say to log in", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    const first = await sandbox.run(LINE());
    expect(first.code, first.stderr).toBe(0);
    expect(await fast(LINE())).toBe(first.stdout);

    await cacheToken(undefined); // aws sso logout
    expect(await fast(LINE())).toBeUndefined();
    const after = await sandbox.run(LINE());
    expect(after.code).toBe(1);
    expect(after.stdout).toBe("");
    expect(after.stderr).toContain("IAM Identity Center session of profile alice-sso");
    const exec = await sandbox.run([
      "exec",
      "--profile",
      "alice-sso",
      "--role-arn",
      `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`,
      "--",
      "sh",
      "-c",
      "echo $AWS_ACCESS_KEY_ID",
    ]);
    expect(exec.code).not.toBe(0);
    expect(exec.stdout).not.toContain(JSON.parse(first.stdout).AccessKeyId);
  });

  it("another login (a new token file) is a new session", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    const first = await sandbox.run(LINE());
    expect(first.code, first.stderr).toBe(0);
    await cacheToken(new Date(Date.now() + 7200_000));
    expect(await fast(LINE())).toBeUndefined();
    const second = await sandbox.run(LINE());
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).AccessKeyId).not.toBe(JSON.parse(first.stdout).AccessKeyId);
  });
});
