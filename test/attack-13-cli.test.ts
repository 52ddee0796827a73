/**
 * Smaller CLI findings of the attack on many setups: `credentials --json` (secrets and two
 * documents on stdout), verify flags a resource-policy setup cannot honour, and assume's MFA
 * wording for a code without a device.
 */
import { describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const ROLE_BUCKET = "alpha-a13-cli";
const DIRECT_BUCKET = "eps-a13-cli";

describe("commands refuse what they cannot honour, before any AWS call", () => {
  it("makes a role setup and a resource-policy setup", async () => {
    expect((await sandbox.run(setupArgs(ROLE_BUCKET))).code).toBe(0);
    expect((await sandbox.run(setupArgs(DIRECT_BUCKET, ["--mode", "resource-policy"]))).code).toBe(0);
  });

  it("credentials --json: one JSON document on stdout and no secret in it, exit 2", async () => {
    const result = await sandbox.run(["credentials", "--setup", ROLE_BUCKET, "--json"]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toMatch(/SecretAccessKey|SessionToken|AccessKeyId/);
    const document = JSON.parse(result.stdout) as { command: string; ok: boolean; error: { message: string; hint: string } };
    expect(document).toMatchObject({ command: "credentials", ok: false, error: { exitCode: 2 } });
    expect(document.error.message).toContain("credential_process");
    expect(document.error.message).toContain("--json");
    expect(document.error.hint).toContain("Leave --json out");
    expect(result.calls.calls).toEqual([]);
  });

  it("credentials without --json still prints credential_process JSON", async () => {
    const result = await sandbox.run(["credentials", "--setup", ROLE_BUCKET]);
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout) as object)).toEqual(["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]);
  });

  it("verify --external-id on a resource-policy setup: refused (there is no role and no trust to judge it against)", async () => {
    const result = await sandbox.run(["verify", "--setup", DIRECT_BUCKET, "--external-id", "abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--external-id");
    expect(result.stderr).toContain("resource-policy");
    expect(result.calls.calls).toEqual([]);
  });

  it("verify --no-mfa on a resource-policy setup: refused too", async () => {
    const result = await sandbox.run(["verify", "--setup", DIRECT_BUCKET, "--no-mfa"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--no-mfa");
    expect(result.calls.calls).toEqual([]);
  });

  it("verify --external-id on a role setup is still judged", async () => {
    const result = await sandbox.run(["verify", "--setup", ROLE_BUCKET, "--external-id", "abc"]);
    expect(result.code).toBe(0);
  });

  it("assume --token-code without a device says the device is missing, not that the role requires MFA", async () => {
    const result = await sandbox.run(["assume", "--setup", ROLE_BUCKET, "--token-code", "123456"]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("requires MFA");
    expect(result.stderr).toContain("--token-code is the code of the device --mfa-serial names");
    expect(result.stderr).toContain("leave --token-code out");
    expect(result.calls.calls.filter((c) => c.operation === "STS.AssumeRole")).toEqual([]);
  });
});
