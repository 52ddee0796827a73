/**
 * A Staging profile that is an IAM Identity Center (SSO) profile is a source like any other:
 * the SDK's own SSO provider gets the permission set role's keys from the portal, and xacct
 * assumes the Production role with them. The emulator has no SSO portal: a stand-in answers
 * GetRoleCredentials with keys of a reserved-path role made in the emulator's Staging account
 * (assumed there, as the portal would). A session that expired, or never was, is one sentence:
 * run `aws sso login --profile NAME`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useSandbox } from "./support/sandbox.js";
import { cacheToken, portalCalls, TOKEN, useSsoPortal } from "./support/sso-portal.js";

const sandbox = useSandbox();
const run = promisify(execFile);
useSsoPortal(sandbox);

const assumeWithSso = () => sandbox.run(["assume", "--profile", "alice-sso", "--role-arn", `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`, "--json"]);

describe("an Identity Center profile as the Staging source", () => {
  it("assume gets the permission set role's keys from the portal and assumes the Production role with them", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    portalCalls.length = 0;
    const result = await assumeWithSso();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/`);
    expect(portalCalls).toEqual([{ roleName: "Dev", accountId: sandbox.staging.accountId, tokenOk: true }]);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it("a role-style profile xacct writes with it as source works for the aws CLI, which asks the portal itself", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    const prodRole = `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
    const written = await sandbox.run(["assume", "--profile", "alice-sso", "--role-arn", prodRole, "--write-profile", "ProdViaSso", "--profile-style", "role"]);
    expect(written.code, written.stderr).toBe(0);
    portalCalls.length = 0;
    const { stdout } = await run("aws", ["sts", "get-caller-identity", "--profile", "ProdViaSso", "--output", "json"], { env: process.env });
    expect(JSON.parse(stdout).Arn).toMatch(new RegExp(`^arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/`));
    expect(portalCalls).toEqual([{ roleName: "Dev", accountId: sandbox.staging.accountId, tokenOk: true }]);
  });

  it("setup --trust-sso-permission-set with that profile as the Staging profile: stage 3 assumes the role through the portal", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    portalCalls.length = 0;
    const result = await sandbox.run([
      "setup",
      "--production-profile",
      "prod",
      "--staging-profile",
      "alice-sso",
      "--bucket",
      "sso-team-bucket-7",
      "--role-name",
      "SsoReader",
      "--temp-profile",
      "SsoTemp",
      "--region",
      "us-east-1",
      "--trust-sso-permission-set",
      "Dev",
      "--yes",
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`Assumed arn:aws:sts::${sandbox.prod.accountId}:assumed-role/SsoReader/`);
    expect(result.stdout).not.toContain("Not tested");
    expect(portalCalls.length).toBeGreaterThan(0);
    expect(portalCalls.every((c) => c.roleName === "Dev" && c.tokenOk)).toBe(true);
  });

  it.each([
    ["has expired", new Date(Date.now() - 60_000)],
    ["was never started (no cached token)", undefined],
  ])("a session that %s: one sentence saying to run aws sso login --profile, and no portal call", async (_what, expiresAt) => {
    await cacheToken(expiresAt);
    portalCalls.length = 0;
    const result = await sandbox.run(["assume", "--profile", "alice-sso", "--role-arn", `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("IAM Identity Center session of profile alice-sso");
    expect(result.stderr).toContain("aws sso login --profile alice-sso");
    expect(result.stderr).not.toContain("aws configure");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(portalCalls).toEqual([]);
  });
});
