/**
 * Several setups in one emulator, and what one setup's run may not do to another's: tear down
 * a Staging inline policy another setup still uses, write into another setup's temporary
 * profile, act on a mix of two setups when --setup and other flags disagree, or move a setup
 * to another Staging user and leave the old grant behind. Hints name --setup, and list says
 * when a profile is not the setup's own or its expiry is unreadable.
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateRoleCommand, ListUserPoliciesCommand } from "@aws-sdk/client-iam";
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);
const SHARED = "shared-read-bucket";
const ALPHA = "alpha-a13-bucket";
const GAMMA = "gamma-a13-bucket";
const S1 = "s1-a13-bucket";

const writes = (result: CliResult) => result.calls.calls.filter((c) => !/^(Get|List|Head)/.test(c.operation));
const inlinePolicies = async () => (await staging().iam.send(new ListUserPoliciesCommand({ UserName: "StageAdmin" }))).PolicyNames ?? [];

async function editProfile(name: string, key: string, value: string): Promise<void> {
  const text = await readFile(sandbox.configFile, "utf8");
  const section = new RegExp(`(\\[profile ${name}\\][^[]*?^${key} = )[^\\n]*`, "m");
  expect(text).toMatch(section);
  await writeFile(sandbox.configFile, text.replace(section, `$1${value}`));
}

describe("a Staging inline policy two setups share (finding 1)", () => {
  it("teardown of one keeps it, saying which setup uses it, and the other still verifies", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: SHARED }));
    for (const role of ["RA", "RB"]) {
      const made = await sandbox.run(setupArgs(SHARED, ["--mode", "resource-policy", "--role-name", role]));
      expect(made.code, made.stdout + made.stderr).toBe(0);
    }
    const torn = await sandbox.run(["teardown", "--setup", `${SHARED}/RA`, "--yes"]);
    expect(torn.code, torn.stdout + torn.stderr).toBe(0);
    expect(torn.stdout).toMatch(new RegExp(`inline policy xacct-read-${SHARED}.*setup ${SHARED}/RB uses it too`));
    expect(await inlinePolicies()).toContain(`xacct-read-${SHARED}`);
    const verify = await sandbox.run(["verify", "--setup", `${SHARED}/RB`]);
    expect(verify.code, verify.stdout).toBe(0);
    expect((await sandbox.run(["teardown", "--setup", `${SHARED}/RB`, "--yes"])).code).toBe(0);
    expect(await inlinePolicies()).not.toContain(`xacct-read-${SHARED}`);
  });
});

describe("one role xacct did not make, used by two setups (finding 1, role mode)", () => {
  it("teardown of one keeps the Staging user's policy for that role and the role's cached sessions, naming the other setup", async () => {
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }] };
    await prod().iam.send(new CreateRoleCommand({ RoleName: "SharedRole", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const first = await sandbox.run(setupArgs("b3-a13-bucket", ["--role-name", "SharedRole", "--temp-profile", "B3Cred", "--policy-name", "B3Reads"]));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await sandbox.run(
      setupArgs("b4-a13-bucket", ["--role-name", "SharedRole", "--temp-profile", "B4Cred", "--policy-name", "B4Reads", "--no-preflight"]),
    );
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect((await sandbox.run(["credentials", "--setup", "b3-a13-bucket"])).code).toBe(0);
    const torn = await sandbox.run(["teardown", "--setup", "b3-a13-bucket", "--yes", "--delete-objects"]);
    expect(torn.code, torn.stdout + torn.stderr).toBe(0);
    expect(torn.stdout).toMatch(/inline policy xacct-assume-SharedRole.*setup b4-a13-bucket\/SharedRole uses it too/);
    expect(torn.stdout).toContain("Cached sessions of arn:aws:iam::111111111111:role/SharedRole kept: setup b4-a13-bucket/SharedRole uses the role too.");
    expect(await inlinePolicies()).toContain("xacct-assume-SharedRole");
    expect((await sandbox.run(["teardown", "--setup", "b4-a13-bucket", "--yes", "--delete-objects"])).code).toBe(0);
    expect(await inlinePolicies()).not.toContain("xacct-assume-SharedRole");
  });
});

describe("another setup's temporary profile (finding 2)", () => {
  it("setup refuses a temporary profile another remembered setup has, before any write, naming it and --temp-profile", async () => {
    expect((await sandbox.run(setupArgs(ALPHA))).code).toBe(0);
    const gamma = await sandbox.run(setupArgs(GAMMA, ["--role-name", "GammaRole"]));
    expect(gamma.code).toBe(2);
    expect(gamma.stderr).toContain(`Profile TempCred is the temporary profile of setup ${ALPHA}/StageRole`);
    expect(gamma.stderr).toContain("--temp-profile NAME");
    expect(writes(gamma)).toEqual([]);
    expect((await sandbox.run(setupArgs(GAMMA, ["--role-name", "GammaRole", "--temp-profile", "GammaCred"]))).code).toBe(0);
  });

  it("assume --setup X --write-profile writes X's own profile; naming another setup's profile is refused", async () => {
    expect((await sandbox.run(setupArgs(S1, ["--role-name", "RoleS1", "--temp-profile", "S1Cred"]))).code).toBe(0);
    const before = await readFile(sandbox.configFile, "utf8");
    const tempCredBefore = /\[profile TempCred\][^[]*/.exec(before)![0];
    const assumed = await sandbox.run(["assume", "--setup", `${S1}/RoleS1`, "--write-profile"]);
    expect(assumed.code, assumed.stderr).toBe(0);
    expect(assumed.stdout).toContain("Wrote profile S1Cred");
    expect(/\[profile TempCred\][^[]*/.exec(await readFile(sandbox.configFile, "utf8"))![0]).toBe(tempCredBefore);
    const other = await sandbox.run(["assume", "--setup", `${S1}/RoleS1`, "--write-profile", "TempCred"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`Profile TempCred is the temporary profile of setup ${ALPHA}/StageRole`);
    expect(other.calls.calls).toEqual([]);
  });

  it("list says a profile holds another role's session, and shows no expiry for it", async () => {
    await editProfile("TempCred", "xacct_role", "arn:aws:iam::111111111111:role/GammaRole");
    const list = await sandbox.run(["list"]);
    expect(list.stdout).toMatch(/profile +TempCred \(holds role arn:aws:iam::111111111111:role\/GammaRole, not this setup's/);
    const json = JSON.parse((await sandbox.run(["list", "--json"])).stdout);
    const alpha = json.setups.find((s: { id: string }) => s.id === `${ALPHA}/StageRole`);
    expect(alpha.tempProfile.otherRole).toBe("arn:aws:iam::111111111111:role/GammaRole");
    expect((await sandbox.run(["assume", "--setup", ALPHA, "--write-profile"])).code).toBe(0);
    expect((await sandbox.run(["list"])).stdout).toMatch(/profile +TempCred \(expires \S+, in \d+ min\)/);
  });

  it("list says an expiry it cannot read is unreadable, never NaN (finding 7)", async () => {
    await editProfile("TempCred", "xacct_expiration", "soon");
    const list = await sandbox.run(["list"]);
    expect(list.stdout).not.toContain("NaN");
    expect(list.stdout).toContain(`TempCred (its expiry is unreadable: xacct assume --setup ${ALPHA}/StageRole --write-profile TempCred`);
    const json = JSON.parse((await sandbox.run(["list", "--json"])).stdout);
    const alpha = json.setups.find((s: { id: string }) => s.id === `${ALPHA}/StageRole`);
    expect(alpha.tempProfile).toMatchObject({ expiration: null, expiryUnreadable: true });
  });
});

describe("--setup with flags that name another setup (finding 3, and test-get)", () => {
  const cases: [string, string[]][] = [
    ["teardown", ["teardown", "--setup", `${GAMMA}/GammaRole`, "--bucket", ALPHA, "--plan"]],
    ["teardown --role-name", ["teardown", "--setup", ALPHA, "--role-name", "GammaRole", "--plan"]],
    ["teardown --staging-user", ["teardown", "--setup", ALPHA, "--staging-user", "Other", "--plan"]],
    ["verify", ["verify", "--setup", `${GAMMA}/GammaRole`, "--bucket", ALPHA]],
    ["export", ["export", "--setup", `${GAMMA}/GammaRole`, "--bucket", ALPHA, "--format", "terraform", "--out-dir", "tf-a13"]],
    ["test-get", ["test-get", "a.txt", "-", "--setup", ALPHA, "--bucket", GAMMA]],
    ["assume", ["assume", "--setup", ALPHA, "--role-arn", "arn:aws:iam::111111111111:role/GammaRole"]],
  ];
  for (const [name, argv] of cases) {
    it(`${name}: exit 2 naming both, before any AWS call`, async () => {
      const result = await sandbox.run(argv);
      expect(result.code, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toMatch(/--setup \S+ .*disagree/);
      expect(result.calls.calls).toEqual([]);
    });
  }

  it("--setup with the flags of that same setup still works", async () => {
    const result = await sandbox.run(["teardown", "--setup", ALPHA, "--bucket", ALPHA, "--role-name", "StageRole", "--plan"]);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe("a rerun that moves a setup's Staging side (finding 5)", () => {
  it("is refused before any write, naming teardown with --setup", async () => {
    const moved = await sandbox.run(setupArgs(GAMMA, ["--role-name", "GammaRole", "--temp-profile", "GammaCred", "--staging-user", "OtherUser"]));
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain(`Setup ${GAMMA}/GammaRole was made for another side (Staging user StageAdmin → OtherUser)`);
    expect(moved.stderr).toContain(`xacct teardown --setup ${GAMMA}/GammaRole --yes`);
    expect(writes(moved)).toEqual([]);
  });
});

describe("role commands and hints with several setups (findings 7 and c-8)", () => {
  it("assume offers only setups with a role", async () => {
    expect((await sandbox.run(setupArgs("direct-a13-bucket", ["--mode", "resource-policy"]))).code).toBe(0);
    const result = await sandbox.run(["assume"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("does not know which of 3 setups");
    expect(result.stderr).not.toContain("direct-a13-bucket");
  });

  it("the MFA test hint of an unattended setup names its --setup", async () => {
    const result = await sandbox.run(setupArgs("mfa-a13-bucket", ["--require-mfa", "--role-name", "MfaRole", "--temp-profile", "MfaCred"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("xacct assume --setup mfa-a13-bucket/MfaRole --write-profile --mfa-serial ARN --token-code CODE");
  });

  it("console's external-ID hint names assume with --setup (and the MFA flags the role needs)", async () => {
    const made = await sandbox.run(
      setupArgs("ext-a13-bucket", ["--role-name", "ExtRole", "--temp-profile", "ExtCred", "--external-id", "ext-id-123456", "--require-mfa"]),
    );
    expect(made.code, made.stderr).toBe(0);
    const result = await sandbox.run(["console", "--setup", "ext-a13-bucket"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("xacct assume --setup ext-a13-bucket/ExtRole --write-profile --mfa-serial ARN --token-code CODE");
    // A sign-in link sends the external ID: no need to drop trust conditions for the console.
    expect(result.stderr).toContain("xacct console --signin --setup ext-a13-bucket/ExtRole --mfa-serial ARN");
    expect(result.stderr).not.toContain("--plain-trust");
  });
});
