/**
 * setup --trust-sso-permission-set: the role's trust admits an IAM Identity Center permission
 * set's roles in the Staging account, and nothing of Staging is written (those roles are
 * Identity Center's): setup prints the exact policy the permission set must carry. verify
 * reports the permission set admitted and never ✔s the Staging side it cannot read.
 */
import { GetRoleCommand, ListUserPoliciesCommand } from "@aws-sdk/client-iam";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildAssumeRolePolicy, buildTrustPolicy, parsePolicyDocument } from "../src/policy/index.js";
import { trustStatementSid } from "../src/policy/ownership.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const POLICY_JSON = JSON.stringify(buildAssumeRolePolicy({ roleArn: ROLE_ARN }), null, 2);

describe("--trust-sso-permission-set", () => {
  it.each([["Dev*"], ["De?"], ["a".repeat(33)]])("refuses %j before any AWS call (a wildcard would widen the trust)", async (name) => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", name]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a valid permission set name");
    expect(result.calls.calls.length).toBe(0);
  });

  it("with --staging-user is refused in one sentence", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev", "--staging-user", "Bob"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--trust-sso-permission-set");
    expect(result.calls.calls.length).toBe(0);
  });

  it("--plan names the permission set and prints the policy it must carry", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev", "--plan"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("permission set Dev");
    expect(result.stdout).toContain(POLICY_JSON);
    expect(result.stdout).not.toContain("user StageAdmin");
  });

  it("setup writes the trust for the permission set's roles, nothing in Staging, and remembers it", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const role = await prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" }));
    const trust = parsePolicyDocument(role.Role!.AssumeRolePolicyDocument!);
    expect(trust).toEqual(
      buildTrustPolicy({ partition: "aws", stagingAccountId: "222222222222", ssoPermissionSets: ["Dev"], sid: trustStatementSid(`${BUCKET}/StageRole`) }),
    );
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    expect((await staging.iam.send(new ListUserPoliciesCommand({ UserName: "StageAdmin" }))).PolicyNames ?? []).not.toContain("xacct-assume-StageRole");
    // What the operator must add in Identity Center, exactly, and that the test was not a pass.
    expect(result.stdout).toContain(POLICY_JSON);
    expect(result.stdout).toContain("Not tested: the trust admits only permission set Dev");
    expect(result.stdout).not.toContain("Assumed arn:aws:sts::111111111111:assumed-role/StageRole/");
    const state = JSON.parse(await readFile(sandbox.statePath, "utf8"));
    expect(state.setups[`${BUCKET}/StageRole`].trustSsoPermissionSets).toEqual(["Dev"]);
  });

  it("verify reports the permission set admitted and leaves its policy not checked (exit 3, never a pass)", async () => {
    const result = await sandbox.run(["verify", "--json"]);
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(3);
    expect(report.ok).toBe(false);
    const hop = (id: string) => (report.hops as { id: string; ok: boolean | null; title: string; detail: string }[]).find((h) => h.id === id)!;
    expect(hop("trust-admits-user")).toMatchObject({ ok: true, title: "the trust policy of StageRole admits permission set Dev" });
    expect(hop("user-may-assume").ok).toBeNull();
    expect(hop("user-may-assume").detail).toContain("Not checked: the permission set's policy lives in Identity Center");
    expect(hop("role-may-read").ok).toBe(true);
    // Everything else holds: the Staging side is the one thing not checked.
    expect((report.hops as { id: string; ok: boolean | null }[]).filter((h) => h.ok !== true).map((h) => h.id)).toEqual(["user-may-assume"]);
  });

  it("teardown removes what setup made", async () => {
    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout, result.stdout).not.toMatch(/keep/i);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await expect(prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).rejects.toThrow();
  });
});
