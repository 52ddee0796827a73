/**
 * Pre-flight judges the documents as they will be after setup merges its statements: an
 * existing role's whole trust, the whole bucket policy, every policy already on the role.
 * A foreign statement that lets anyone beyond the plan's principals in must stop setup before
 * any write, and the refusal names it. Conditions an outsider can meet (it chooses what it
 * sends, how it names its roles, how it tags itself) do not narrow a statement.
 */
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

async function createRole(roleName: string, foreign: object[]): Promise<void> {
  const trust = { Version: "2012-10-17", Statement: foreign };
  await prod().iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
}

const anyone = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" };

/** Foreign trust statements that admit accounts beyond Staging, whatever their conditions say. */
const WIDENING: Array<[string, object]> = [
  ["no condition", { Sid: "Ci", ...anyone }],
  ["aws:SecureTransport", { Sid: "Tls", ...anyone, Condition: { Bool: { "aws:SecureTransport": "true" } } }],
  ["StringLike aws:PrincipalArn", { Sid: "CiRoles", ...anyone, Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } } }],
  ["StringNotEquals", { Sid: "NotStaging", ...anyone, Condition: { StringNotEquals: { "aws:PrincipalAccount": "222222222222" } } }],
  ["Null", { Sid: "Tagged", ...anyone, Condition: { Null: { "aws:PrincipalTag/ci": "false" } } }],
  ["an external ID", { Sid: "Vendor", ...anyone, Condition: { StringEquals: { "sts:ExternalId": "vendor-42" } } }],
  ["a third account", { Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" }],
];

describe("pre-flight judges an existing role's whole trust", () => {
  it.each(WIDENING.map(([name, statement], i) => ({ name, statement, i })))(
    "refuses, before any write, a foreign trust statement with $name",
    async ({ statement, i }) => {
      const role = `Legacy${i}`;
      await createRole(role, [statement]);
      const result = await sandbox.run(setupArgs(`legacy-bucket-${i}`, ["--role-name", role, "--temp-profile", `${role}Cred`]));
      expect(result.stdout).not.toContain("and nothing more");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Setup refused before changing anything");
      expect(result.stderr).toContain(`a third account cannot assume ${role}`);
      expect(result.stderr).toContain(`statement "${(statement as { Sid: string }).Sid}" of trust policy of role ${role}`);
      expect(result.calls.writes).toEqual([]);
    },
  );

  it("--plan names the widening statement without writing", async () => {
    await createRole("LegacyPlan", [{ Sid: "Ci", ...anyone }]);
    const result = await sandbox.run([...setupArgs("legacy-plan-bucket", ["--role-name", "LegacyPlan", "--temp-profile", "LegacyPlanCred2"]), "--plan"]);
    expect(result.stderr).toContain(`Pre-flight: a third account cannot assume LegacyPlan would fail`);
    expect(result.stderr).toContain('statement "Ci" of trust policy of role LegacyPlan');
    expect(result.stdout).not.toContain("and nothing more");
    expect(result.calls.writes).toEqual([]);
  });

  it("accepts foreign statements that admit only Staging, its own account or a service", async () => {
    await createRole("LegacyOk", [
      { Sid: "Ec2", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      { Sid: "StagingCi", ...anyone, Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/ci-*" } } },
      { Sid: "StagingOnly", ...anyone, Condition: { StringEquals: { "aws:PrincipalAccount": "222222222222" } } },
    ]);
    const result = await sandbox.run(setupArgs("legacy-ok-bucket", ["--role-name", "LegacyOk", "--temp-profile", "LegacyOkCred3"]));
    // The service acts only for Production's own resources: warned about, not refused.
    expect(result.stderr).toContain('ec2.amazonaws.com (statement "Ec2" of trust policy of role LegacyOk) may assume it');
    expect(result.stderr.split("\n").filter((l) => l.startsWith("!")).length).toBe(1);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("read access through LegacyOk, and nothing more through what this setup adds");
  });

  it("verify fails what pre-flight would have refused, by the same analysis", async () => {
    await createRole("LegacyForced", [WIDENING[1]![1]]);
    const forced = await sandbox.run(
      setupArgs("legacy-forced-bucket", ["--role-name", "LegacyForced", "--temp-profile", "LegacyForcedCred4", "--no-preflight"]),
    );
    expect(forced.code).toBe(0);
    const verify = await sandbox.run(["verify", "--setup", "legacy-forced-bucket"]);
    expect(verify.code).not.toBe(0);
    expect(verify.stdout).toContain("✘ a third account cannot assume LegacyForced");
    expect(verify.stdout).toContain('statement "Tls" of trust policy of role LegacyForced');
  });
});

describe("the outside account is one no document names", () => {
  it("refuses --trust-principal in an account that is neither side, before any write", async () => {
    const result = await sandbox.run(
      setupArgs("third-principal-bucket", [
        "--role-name",
        "ThirdRole",
        "--temp-profile",
        "ThirdRoleCred5",
        "--trust-principal",
        "arn:aws:iam::333333333333:root",
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("333333333333");
    expect(result.stdout).not.toContain("and nothing more");
    expect(result.calls.writes).toEqual([]);
  });

  it("refuses an existing bucket whose policy lets any account read through a condition an outsider meets", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "open-ci-bucket" }));
    const statement = {
      Sid: "CiReads",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::open-ci-bucket/*",
      Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } },
    };
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "open-ci-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));
    const result = await sandbox.run(setupArgs("open-ci-bucket", ["--role-name", "OpenCiRole", "--temp-profile", "OpenCiRoleCred6"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("open-ci-bucket is not public");
    expect(result.stderr).toContain('statement "CiReads" of bucket policy of open-ci-bucket');
    expect(result.calls.writes).toEqual([]);
  });
});

describe("limits are checked on the documents as they will be", () => {
  it("refuses, before any write, a trust that merging would push past IAM's size limit", async () => {
    const services = Array.from({ length: 55 }, (_, i) => `service${i}.example.amazonaws.com`);
    await createRole("LegacyFull", [{ Sid: "Services", Effect: "Allow", Principal: { Service: services }, Action: "sts:AssumeRole" }]);
    const result = await sandbox.run(setupArgs("legacy-full-bucket", ["--role-name", "LegacyFull", "--temp-profile", "LegacyFullCred7"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the trust policy of LegacyFull would be");
    expect(result.calls.writes).toEqual([]);
  });
});

describe("'cannot' checks let the caller choose what it sends", () => {
  it("refuses a role whose own policy lets it write over plain HTTP", async () => {
    await createRole("LegacyWrites", [{ Sid: "Ec2", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const write = {
      Sid: "PlainUploads",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::legacy-writes-bucket/*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    await prod().iam.send(
      new PutRolePolicyCommand({
        RoleName: "LegacyWrites",
        PolicyName: "uploads",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [write] }),
      }),
    );
    const result = await sandbox.run(setupArgs("legacy-writes-bucket", ["--role-name", "LegacyWrites", "--temp-profile", "LegacyWritesCred8"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("LegacyWrites cannot write or restore objects of legacy-writes-bucket");
    expect(result.stderr).toContain('statement "PlainUploads" of inline policy uploads of role LegacyWrites');
    expect(result.calls.writes).toEqual([]);
  });
});

describe("Production's own principals", () => {
  it("that a reused role already trusts are reported, not refused", async () => {
    await createRole("LegacyCi", [{ Sid: "ProdCi", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/ci" }, Action: "sts:AssumeRole" }]);
    const result = await sandbox.run(setupArgs("legacy-ci-bucket", ["--role-name", "LegacyCi", "--temp-profile", "LegacyCiCred9"]));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'Pre-flight: no other principal of Production can assume LegacyCi does not hold: Principals of Production may assume it, admitted by statement "ProdCi" of trust policy of role LegacyCi',
    );
    expect(result.stdout).toContain("and nothing more through what this setup adds");
  });
});

describe("the role grants nothing beyond the bucket", () => {
  it("refuses a role whose other policies Staging would get too", async () => {
    await createRole("LegacyAdmin", [{ Sid: "Ec2", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const iam = { Sid: "ManageUsers", Effect: "Allow", Action: "iam:*", Resource: "*" };
    await prod().iam.send(
      new PutRolePolicyCommand({ RoleName: "LegacyAdmin", PolicyName: "ops", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [iam] }) }),
    );
    const result = await sandbox.run(setupArgs("legacy-admin-bucket", ["--role-name", "LegacyAdmin", "--temp-profile", "LegacyAdminCred10"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("LegacyAdmin grants nothing beyond legacy-admin-bucket");
    expect(result.stderr).toContain('statement "ManageUsers" of inline policy ops of role LegacyAdmin');
    expect(result.calls.writes).toEqual([]);
  });
});

describe("Staging is admitted only as the plan says", () => {
  const stagingRoot = { Sid: "OldStaging", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" };

  it("refuses a foreign statement that admits Staging without the external ID setup requires", async () => {
    await createRole("LegacyExt", [stagingRoot]);
    const result = await sandbox.run(
      setupArgs("legacy-ext-bucket", ["--role-name", "LegacyExt", "--temp-profile", "LegacyExtCred11", "--external-id", "ext-12345"]),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the trust policy of LegacyExt admits Staging only as planned");
    expect(result.stderr).toContain('statement "OldStaging" of trust policy of role LegacyExt');
    expect(result.calls.writes).toEqual([]);
  });

  it("refuses a foreign statement that admits all of Staging when setup names one principal", async () => {
    await createRole("LegacyNamed", [stagingRoot]);
    const result = await sandbox.run(
      setupArgs("legacy-named-bucket", [
        "--role-name",
        "LegacyNamed",
        "--temp-profile",
        "LegacyNamedCred12",
        "--trust-principal",
        "arn:aws:iam::222222222222:user/StageAdmin",
      ]),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the trust policy of LegacyNamed admits Staging only as planned");
    expect(result.calls.writes).toEqual([]);
  });

  it("accepts the same foreign statement when setup trusts the whole Staging account", async () => {
    await createRole("LegacyWhole", [stagingRoot]);
    const result = await sandbox.run(setupArgs("legacy-whole-bucket", ["--role-name", "LegacyWhole", "--temp-profile", "LegacyWholeCred13"]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("read access through LegacyWhole, and nothing more");
  });
});

describe("the public may not write either", () => {
  it("refuses an existing bucket, without Block Public Access, that lets anyone upload", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "drop-box-bucket" }));
    const upload = { Sid: "DropBox", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::drop-box-bucket/*" };
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "drop-box-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [upload] }) }));
    const result = await sandbox.run(setupArgs("drop-box-bucket", ["--role-name", "DropBoxRole", "--temp-profile", "DropBoxRoleCred14"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("drop-box-bucket is not public");
    expect(result.stderr).toContain('statement "DropBox" of bucket policy of drop-box-bucket');
    expect(result.calls.writes).toEqual([]);
  });
});

describe("another team's direct grant on the bucket", () => {
  it("is reported, and pre-flight does not claim plainly that nothing more is granted", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "partner-bucket" }));
    const partner = {
      Sid: "PartnerReads",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::333333333333:root" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::partner-bucket/*",
    };
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "partner-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [partner] }) }));
    const result = await sandbox.run(setupArgs("partner-bucket", ["--role-name", "PartnerRole", "--temp-profile", "PartnerRoleCred15", "--harden-bucket"]));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'Pre-flight: no third account can read or change partner-bucket does not hold: account 333333333333 may s3:GetObject on arn:aws:s3:::partner-bucket/xacct-verify-probe, allowed by statement "PartnerReads" of bucket policy of partner-bucket.',
    );
    expect(result.stdout).not.toContain("and nothing more (");
    expect(result.stdout).toContain("and nothing more through what this setup adds");
  });
});
