/**
 * --staging-role: the Staging side is an existing IAM role instead of a user. Setup puts its
 * inline sts:AssumeRole policy on that role (never creates it: it is not xacct's), remembers it,
 * and names it in the plan; verify judges the path from that role; teardown takes xacct's inline
 * policy off it and leaves the role.
 */
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, GetUserPolicyCommand, ListUserPoliciesCommand } from "@aws-sdk/client-iam";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildAssumeRolePolicy, parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const CI_ROLE = "CiRunner";

async function makeStagingRole(): Promise<void> {
  const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
  await staging.iam.send(
    new CreateRoleCommand({
      RoleName: CI_ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
}

describe("--staging-role", () => {
  it("with --staging-user is refused in one sentence, before any AWS call", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", CI_ROLE, "--staging-user", "Bob"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--staging-role and --staging-user");
    expect(result.calls.calls.length).toBe(0);
  });

  it("a role that does not exist is refused, never created", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "NoSuchRole"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Role NoSuchRole does not exist in Staging account 222222222222");
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await expect(staging.iam.send(new GetRoleCommand({ RoleName: "NoSuchRole" }))).rejects.toThrow();
    expect(result.stdout).not.toMatch(/— created/);
  });

  it("--plan names the role", async () => {
    await makeStagingRole();
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", CI_ROLE, "--plan"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`inline policy xacct-assume-StageRole of role ${CI_ROLE}`);
    expect(result.stdout).not.toContain("of user StageAdmin");
  });

  it("setup puts the inline policy on the role, not on a user, and remembers the role", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", CI_ROLE]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`role ${CI_ROLE} may assume ${ROLE_ARN}`);
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    const inline = await staging.iam.send(new GetRolePolicyCommand({ RoleName: CI_ROLE, PolicyName: "xacct-assume-StageRole" }));
    expect(parsePolicyDocument(inline.PolicyDocument!)).toEqual(buildAssumeRolePolicy({ roleArn: ROLE_ARN }));
    const userPolicies = await staging.iam.send(new ListUserPoliciesCommand({ UserName: "StageAdmin" }));
    expect(userPolicies.PolicyNames ?? []).not.toContain("xacct-assume-StageRole");
    const state = JSON.parse(await readFile(sandbox.statePath, "utf8"));
    expect(state.setups[`${BUCKET}/StageRole`].stagingRole).toBe(CI_ROLE);
  });

  it("a rerun without --staging-role is refused: it would grant a user and leave the role's policy behind", async () => {
    const result = await sandbox.run(setupArgs(BUCKET));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Staging role ${CI_ROLE} → Staging user StageAdmin`);
  });

  it("verify judges the path from the role", async () => {
    const result = await sandbox.run(["verify", "--json"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    const titles = (report.hops as { title: string }[]).map((h) => h.title);
    expect(titles).toContain(`role ${CI_ROLE} may call sts:AssumeRole on StageRole`);
  });

  it("teardown takes xacct's inline policy off the role and leaves the role", async () => {
    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code, result.stderr).toBe(0);
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await expect(staging.iam.send(new GetRolePolicyCommand({ RoleName: CI_ROLE, PolicyName: "xacct-assume-StageRole" }))).rejects.toThrow();
    expect((await staging.iam.send(new GetRoleCommand({ RoleName: CI_ROLE }))).Role?.RoleName).toBe(CI_ROLE);
    await expect(staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }))).rejects.toThrow();
  });
});

describe("--staging-role where it is not supported yet", () => {
  it("export refuses it in one sentence instead of writing a user's policy", async () => {
    const result = await sandbox.run([
      "export",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--bucket",
      BUCKET,
      "--staging-role",
      CI_ROLE,
      "--format",
      "terraform",
      "--out-dir",
      "exported",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("a Staging role (role CiRunner) is not exported yet");
  });

  it("setup refuses it with further Staging accounts, before any AWS call", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", CI_ROLE, "--staging-account", "333333333333"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--staging-role works in role mode with one Staging account");
    expect(result.calls.calls.length).toBe(0);
  });
});
