/**
 * Stage 3 tests the Staging side the setup is for, or says it did not: whether the Staging
 * profile is that side is decided from its caller ARN (GetCallerIdentity), never from its
 * settings. With --staging-role, an administrator's profile is not the role; with a permission
 * set, a profile whose sso_role_name names it may still be a plain user, and a profile of the
 * set's role may have no sso_role_name at all.
 */
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { appendFile, readFile } from "node:fs/promises";
import { beforeEach, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const PROD_SESSION = "Assumed arn:aws:sts::111111111111:assumed-role/StageRole/";
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
});

async function stagingRole(name: string, path = "/"): Promise<string> {
  const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
  const out = await staging.iam.send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: TRUST }));
  return out.Role!.Arn!;
}

/** A profile whose caller is a session of `roleArn` (assumed with the Staging admin's keys). */
async function roleProfile(profile: string, roleArn: string): Promise<void> {
  await appendFile(sandbox.configFile, `\n[profile ${profile}]\nrole_arn = ${roleArn}\nsource_profile = staging\nregion = us-east-1\n`);
}

function withStaging(args: string[], profile: string): string[] {
  return args.map((a, i) => (args[i - 1] === "--staging-profile" ? profile : a));
}

describe("--staging-role: stage 3", () => {
  beforeEach(() => sandbox.reset());

  it("with an administrator's profile says it did not test as the role, and claims no more", async () => {
    await stagingRole("CiRunner");
    const result = await sandbox.run(setupArgs(BUCKET, ["--staging-role", "CiRunner"]));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("Not tested as role CiRunner: profile staging is arn:aws:iam::222222222222:user/StageAdmin, not a session of that role");
    expect(result.stdout).toContain("xacct assume --setup production-test-bucket-101/StageRole --profile PROFILE-OF-CiRunner");
    expect(result.stdout).not.toContain(PROD_SESSION);
    expect(result.stdout).toContain("Setup complete, not tested as role CiRunner");
    expect(result.stdout).not.toContain("Setup complete. Staging reads");
  });

  it("with a profile of the role tests as the role", async () => {
    await roleProfile("ci", await stagingRole("CiRunner", "/ci/team/"));
    const result = await sandbox.run(withStaging(setupArgs(BUCKET, ["--staging-role", "CiRunner"]), "ci"));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(PROD_SESSION);
    expect(result.stdout).not.toContain("Not tested");
  });
});

describe("--trust-sso-permission-set: stage 3 decides from the caller ARN", () => {
  beforeEach(() => sandbox.reset());

  it("a profile holding the set's role session, without sso_role_name, is tested", async () => {
    await roleProfile("ssodev", await stagingRole("AWSReservedSSO_Dev_0123456789abcdef", "/aws-reserved/sso.amazonaws.com/"));
    const result = await sandbox.run(withStaging(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]), "ssodev"));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(PROD_SESSION);
    expect(result.stdout).not.toContain("Not tested");
  });

  it("a plain user's profile that says sso_role_name = Dev is not tested", async () => {
    // The Staging admin's own keys under a profile whose settings claim the permission set.
    const keys = /\[staging\]\n([^[]*)/.exec(await readFile(sandbox.credentialsFile, "utf8"))![1]!;
    await appendFile(sandbox.credentialsFile, `\n[fakesso]\n${keys}`);
    await appendFile(sandbox.configFile, "\n[profile fakesso]\nsso_role_name = Dev\nregion = us-east-1\n");
    const result = await sandbox.run(withStaging(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]), "fakesso"));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("Not tested: the trust admits only permission set Dev, and profile fakesso is arn:aws:iam::222222222222:user/StageAdmin");
    expect(result.stdout).not.toContain(PROD_SESSION);
  });
});
