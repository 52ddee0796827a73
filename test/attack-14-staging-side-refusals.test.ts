/**
 * Combinations whose trust or Staging side would not be what the plan says, refused in one
 * sentence (exit 2) before any AWS write: the root ARN or MFA with a permission set, a Staging
 * role only AWS may change, and a rerun that moves a setup between a user or role and a
 * permission set (the old side's grant would stay where teardown no longer looks).
 */
import { CreateRoleCommand, GetRoleCommand, GetUserPolicyCommand } from "@aws-sdk/client-iam";
import { readFile, writeFile } from "node:fs/promises";
import { beforeEach, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
});

async function productionRoleExists(): Promise<boolean> {
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  return prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" })).then(
    () => true,
    () => false,
  );
}

describe("--trust-sso-permission-set with flags that change its meaning", () => {
  it("--trust-principal of the Staging root is refused before any AWS call (it would admit only the root user)", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev", "--trust-principal", "arn:aws:iam::222222222222:root", "--plan"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("--trust-principal arn:aws:iam::222222222222:root does not go with --trust-sso-permission-set");
    expect(result.calls.calls.length).toBe(0);
  });

  it("--require-mfa is refused before any AWS call (Identity Center sessions carry no aws:MultiFactorAuthPresent)", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev", "--require-mfa", "--plan"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("--require-mfa does not go with --trust-sso-permission-set");
    expect(result.stderr).toContain("IAM Identity Center");
    expect(result.calls.calls.length).toBe(0);
  });
});

describe("--staging-role naming a role only AWS may change", () => {
  it("an Identity Center role is refused before any AWS call, naming --trust-sso-permission-set with its set", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "AWSReservedSSO_Dev_0123456789abcdef", "--plan"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("is an IAM Identity Center role");
    expect(result.stderr).toContain("--trust-sso-permission-set Dev");
    expect(result.calls.calls.length).toBe(0);
  });

  it("a service-linked role is refused before any AWS call", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "AWSServiceRoleForSupport", "--plan"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("is a service-linked role");
    expect(result.calls.calls.length).toBe(0);
  });

  it("a role under /aws-service-role/ is refused once read, before Production is written", async () => {
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await staging.iam.send(new CreateRoleCommand({ RoleName: "OddSlr", Path: "/aws-service-role/support.amazonaws.com/", AssumeRolePolicyDocument: TRUST }));
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "OddSlr"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("is a service-linked role");
    expect(await productionRoleExists()).toBe(false);
  });
});

describe("a rerun that moves a setup between a user or role and a permission set", () => {
  beforeEach(() => sandbox.reset());

  it("user → permission set is refused before any write: the user's inline policy would stay", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("Staging user StageAdmin → permission set Dev");
    expect(result.stderr).toContain("xacct teardown");
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const trust = decodeURIComponent((await prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.AssumeRolePolicyDocument!);
    expect(trust).not.toContain("AWSReservedSSO");
  });

  it("role → permission set is refused", async () => {
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await staging.iam.send(new CreateRoleCommand({ RoleName: "CiRunner", AssumeRolePolicyDocument: TRUST }));
    expect((await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner"]))).code).toBe(0);
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner", "--trust-sso-permission-set", "Dev"]));
    expect(result.code, result.stdout).toBe(2);
  });

  it("permission set → user (--plain-trust drops the set) is refused before any write", async () => {
    expect((await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]))).code).toBe(0);
    const result = await sandbox.run(setupArgs(BUCKET, ["--plain-trust"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain("permission set Dev → Staging user StageAdmin");
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await expect(staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }))).rejects.toThrow();
  });

  it("permission set → another permission set is a trust change, not a move", async () => {
    expect((await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]))).code).toBe(0);
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Ops"]));
    expect(result.code, result.stderr).toBe(0);
  });
});

describe("--trust-principal with a permission set", () => {
  it("the plan says the named principal is matched by ARN, so one made again with that name is trusted again", async () => {
    const user = "arn:aws:iam::222222222222:user/StageAdmin";
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev", "--trust-principal", user, "--plan"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`the trust admits ${user} by ARN (aws:PrincipalArn), not by unique ID`);
  });
});

describe("teardown of a setup an older xacct moved from a user to a permission set", () => {
  beforeEach(() => sandbox.reset());

  it("removes the user's inline policy that still grants the role", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    // What the state held after an older xacct accepted the move: the permission set, and the user's grant still in place.
    const state = JSON.parse(await readFile(sandbox.statePath, "utf8"));
    state.setups[`${BUCKET}/StageRole`].trustSsoPermissionSets = ["Dev"];
    await writeFile(sandbox.statePath, JSON.stringify(state));
    const result = await sandbox.run(["teardown", "--setup", `${BUCKET}/StageRole`, "--yes"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await expect(staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }))).rejects.toThrow();
  });
});
