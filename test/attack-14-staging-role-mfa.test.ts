/**
 * --require-mfa with --staging-role: a Staging role has no MFA device, xacct's MFA path needs an
 * IAM user's keys, and AWS does not document that aws:MultiFactorAuthPresent survives role
 * chaining, so the trust could refuse every session of that role: refused (exit 2), on the
 * first run and on a rerun, before any AWS call.
 */
import { CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
});

describe("--require-mfa with --staging-role", () => {
  it("is refused in one sentence before any AWS call", async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner", "--require-mfa", "--plan"]));
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain("--require-mfa does not go with --staging-role");
    expect(result.calls.calls.length).toBe(0);
  });

  it("a rerun that adds --require-mfa is refused, and the trust stays", async () => {
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await staging.iam.send(new CreateRoleCommand({ RoleName: "CiRunner", AssumeRolePolicyDocument: TRUST }));
    expect((await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner"]))).code).toBe(0);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const before = (await prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.AssumeRolePolicyDocument;
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner", "--require-mfa"]));
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain("--require-mfa does not go with --staging-role");
    expect((await prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.AssumeRolePolicyDocument).toBe(before);
  });
});
