/**
 * Role mode's messages name the role, not a user: another setup's inline policy on the Staging
 * role is called that (with the flag that avoids it), and the pre-flight says "role NAME" and
 * points to --staging-role, which goes with it, never --staging-user.
 */
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { beforeEach, describe, expect, it } from "vitest";
import { buildAssumeRolePolicy } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
});

async function stagingRole(name: string, path = "/"): Promise<void> {
  const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
  await staging.iam.send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: TRUST }));
}

describe("role mode's words", () => {
  beforeEach(() => sandbox.reset());

  it("the Staging role's inline policy written by xacct for a setup in another account is named as such", async () => {
    await stagingRole("CiRunner");
    const other = "arn:aws:iam::333333333333:role/StageRole";
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await staging.iam.send(
      new PutRolePolicyCommand({
        RoleName: "CiRunner",
        PolicyName: "xacct-assume-StageRole",
        PolicyDocument: JSON.stringify(buildAssumeRolePolicy({ roleArn: other })),
      }),
    );
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner"]));
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toContain(`is xacct's grant for the setup of role ${other}, another setup`);
    expect(result.stderr).toContain("--role-name");
    expect(result.stderr).not.toContain("was not written by xacct");
  });

  it("the pre-flight names role PathRole and --staging-role, not the Staging user", async () => {
    await stagingRole("PathRole", "/ci/team/");
    const result = await sandbox.run(
      setupArgs(BUCKET, ["--staging-role", "PathRole", "--trust-principal", "arn:aws:iam::222222222222:user/StageAdmin", "--plan"]),
    );
    const text = result.stdout + result.stderr;
    expect(text).toContain("not the Staging role arn:aws:iam::222222222222:role/ci/team/PathRole");
    expect(text).toContain("would not admit role PathRole");
    expect(text).toContain("--trust-principal arn:aws:iam::222222222222:role/ci/team/PathRole (role PathRole, the Staging side --staging-role names)");
    expect(text).not.toContain("--staging-user");
  });
});
