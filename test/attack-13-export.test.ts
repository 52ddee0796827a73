/**
 * Export adopts (imports) only what is this setup's: never another setup's role or managed
 * policy, never a role xacct did not make, never a bucket policy holding statements that are
 * not this setup's. Import ids are this setup's own names (a guard fails `terraform plan` when a
 * variable differs: attack-13-export-guard.test.ts). Flags export cannot honour are refused.
 */
import { CreateRoleCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const readJson = async (path: string): Promise<Json> => JSON.parse(await readFile(path, "utf8")) as Json;
const target = (bucket: string, extra: string[] = []) => [
  "--production-profile",
  "prod",
  "--staging-profile",
  "staging",
  "--bucket",
  bucket,
  "--region",
  "us-east-1",
  ...extra,
];
const SOLO = ["--role-name", "SoloRole"];
const exportOf = (bucket: string, format: string, dir: string, extra: string[] = []) =>
  sandbox.run(["export", ...target(bucket, extra), "--format", format, "--out-dir", dir]);

describe("another setup's role and managed policy", () => {
  it("export refuses to adopt them, naming the owner, as setup does, and writes nothing", async () => {
    expect((await sandbox.run(setupArgs("alpha-bucket"))).code).toBe(0);
    await prod().s3.send(new CreateBucketCommand({ Bucket: "beta-bucket" }));
    for (const format of ["terraform", "cloudformation"]) {
      const dir = join(sandbox.dir, `beta-${format}`);
      const result = await exportOf("beta-bucket", format, dir);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain("role StageRole belongs to xacct setup alpha-bucket/StageRole");
      expect(result.stderr).toContain("managed policy StageRoleReadObjects belongs to xacct setup alpha-bucket/StageRole");
      expect(existsSync(dir)).toBe(false);
    }
  });
});

describe("a role xacct did not make (setup merged its statement into it)", () => {
  it("is never imported: export refuses, saying an exported role would own its whole trust, path and session", async () => {
    await prod().iam.send(
      new CreateRoleCommand({
        Path: "/team/",
        RoleName: "TeamRole",
        MaxSessionDuration: 7200,
        Tags: [{ Key: "team", Value: "data" }],
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "TeamOps", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    expect((await sandbox.run(setupArgs("gamma-bucket", ["--role-name", "TeamRole", "--temp-profile", "TeamRoleCred1"]))).code).toBe(0);
    for (const format of ["terraform", "cloudformation"]) {
      const dir = join(sandbox.dir, `gamma-${format}`);
      const result = await sandbox.run(["export", "--setup", "gamma-bucket/TeamRole", "--format", format, "--out-dir", dir]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain("role TeamRole was not made by xacct");
      expect(result.stdout).not.toContain("equal the ones setup writes");
      expect(existsSync(dir)).toBe(false);
    }
  });
});

describe("this setup's role, with a path", () => {
  it("is not imported into a role without one (applying would replace it): export refuses", async () => {
    await prod().iam.send(
      new CreateRoleCommand({
        Path: "/team/",
        RoleName: "PathRole",
        Tags: [
          { Key: "managed-by", Value: "xacct" },
          { Key: "xacct:setup", Value: "path-bucket/PathRole" },
        ],
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
      }),
    );
    expect((await sandbox.run(setupArgs("path-bucket", ["--role-name", "PathRole", "--temp-profile", "PathRoleCred2"]))).code).toBe(0);
    const dir = join(sandbox.dir, "path-tf");
    const result = await sandbox.run(["export", "--setup", "path-bucket/PathRole", "--format", "terraform", "--out-dir", dir]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("arn:aws:iam::111111111111:role/team/PathRole, with a path");
    expect(existsSync(dir)).toBe(false);
  });
});

describe("this setup's role, with a trust statement someone added since", () => {
  it("is not imported (the exported trust holds only this setup's statements, applying would delete it): export refuses", async () => {
    expect((await sandbox.run(setupArgs("eps-bucket", ["--role-name", "EpsRole", "--temp-profile", "EpsRoleCred3"]))).code).toBe(0);
    const iam = prod().iam;
    const trust = JSON.parse(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: "EpsRole" }))).Role!.AssumeRolePolicyDocument!)) as Json;
    trust["Statement"].push({ Sid: "OpsBreakGlass", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "EpsRole", PolicyDocument: JSON.stringify(trust) }));
    const dir = join(sandbox.dir, "eps-tf");
    const result = await sandbox.run(["export", "--setup", "eps-bucket/EpsRole", "--format", "terraform", "--out-dir", dir]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("OpsBreakGlass");
    expect(existsSync(dir)).toBe(false);
  });
});

describe("a bucket policy shared with statements that are not this setup's", () => {
  const BUCKET = "delta-bucket";
  const TEAM = {
    Sid: "AnalyticsTeamDenyInsecure",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };

  it("Terraform: neither imported nor managed, and the statements that keep it out are named", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [TEAM] }) }));
    expect((await sandbox.run(setupArgs(BUCKET, ["--role-name", "DeltaRole", "--temp-profile", "DeltaRoleCred4"]))).code).toBe(0);
    expect((await sandbox.run(setupArgs(BUCKET, ["--role-name", "DeltaRole2", "--temp-profile", "DeltaRole2Cred5"]))).code).toBe(0);
    const dir = join(sandbox.dir, "delta-tf");
    const result = await sandbox.run(["export", "--setup", `${BUCKET}/DeltaRole`, "--format", "terraform", "--out-dir", dir]);
    expect(result.code, result.stderr).toBe(0);
    const production = await readJson(join(dir, "production.tf.json"));
    expect(production["resource"]["aws_s3_bucket_policy"]).toBeUndefined();
    const imports = await readJson(join(dir, "imports.tf.json"));
    expect((imports["import"] as { to: string }[]).map((b) => b.to)).not.toContain("aws_s3_bucket_policy.xacct_staging_locate");
    const text = `${result.stdout}${result.stderr}`.replace(/\s+/g, " ");
    expect(text).toContain("AnalyticsTeamDenyInsecure");
    expect(text).toMatch(/XacctStagingLocateBucket[0-9a-f]+/);
    expect(text).not.toContain("aws_s3_bucket_policy replaces the bucket's WHOLE policy");
  });

  it("CloudFormation: ManageBucketPolicy defaults to false and the policy is not in the import list", async () => {
    const dir = join(sandbox.dir, "delta-cfn");
    const result = await sandbox.run(["export", "--setup", `${BUCKET}/DeltaRole`, "--format", "cloudformation", "--out-dir", dir]);
    expect(result.code, result.stderr).toBe(0);
    const template = await readJson(join(dir, "production.json"));
    expect(template["Parameters"]["ManageBucketPolicy"]["Default"]).toBe("false");
    const toImport = (await readJson(join(dir, "production-import.json"))) as unknown as { ResourceType: string }[];
    expect(toImport.map((r) => r.ResourceType).sort()).toEqual(["AWS::IAM::ManagedPolicy", "AWS::IAM::Role"]);
    // Everything the template makes under its defaults is imported: one IMPORT change set.
    expect(result.stdout).toContain("--change-set-type IMPORT");
    expect(result.stderr).toContain("AnalyticsTeamDenyInsecure");
  });

  it("a policy holding only this setup's statements is still imported", async () => {
    expect((await sandbox.run(setupArgs("solo-bucket", ["--role-name", "SoloRole", "--temp-profile", "SoloRoleCred6"]))).code).toBe(0);
    const dir = join(sandbox.dir, "solo-cfn");
    const result = await exportOf("solo-bucket", "cloudformation", dir, SOLO);
    expect(result.code).toBe(0);
    const template = await readJson(join(dir, "production.json"));
    expect(template["Parameters"]["ManageBucketPolicy"]["Default"]).toBe("true");
    const toImport = (await readJson(join(dir, "production-import.json"))) as unknown as { ResourceType: string }[];
    expect(toImport.map((r) => r.ResourceType)).toContain("AWS::S3::BucketPolicy");
    // Not the advice to deploy with ManageBucketPolicy=false, which would contradict the import list.
    expect(result.stderr).toContain("holds only this setup's statements, so applying adopts it");
    expect(result.stderr).not.toContain("ManageBucketPolicy=false");
  });
});

describe("import ids name this setup's resources", () => {
  it("every id is the exported value, and Terraform 1.5 is required for import blocks", async () => {
    const dir = join(sandbox.dir, "solo-tf");
    expect((await exportOf("solo-bucket", "terraform", dir, SOLO)).code).toBe(0);
    const imports = await readJson(join(dir, "imports.tf.json"));
    expect(imports["terraform"]).toEqual({ required_version: ">= 1.5.0" });
    const policyArn = `arn:aws:iam::111111111111:policy/SoloRoleReadObjects`;
    expect(Object.fromEntries((imports["import"] as { to: string; id: string }[]).map((b) => [b.to, b.id]))).toEqual({
      "aws_s3_bucket_policy.xacct_staging_locate": "solo-bucket",
      "aws_iam_policy.read_objects": policyArn,
      "aws_iam_role.cross_account": "SoloRole",
      "aws_iam_role_policy_attachment.read_objects": `SoloRole/${policyArn}`,
      "aws_iam_user_policy.xacct_assume_role": "StageAdmin:xacct-assume-SoloRole",
    });
  });
});

describe("flags export cannot honour", () => {
  it("a further --staging-profile is refused before any AWS call", async () => {
    const dir = join(sandbox.dir, "more");
    const result = await exportOf("solo-bucket", "terraform", dir, [...SOLO, "--staging-profile", "nosuchprofile"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--staging-profile");
    expect(existsSync(dir)).toBe(false);
  });

  it("--temp-profile is refused", async () => {
    const dir = join(sandbox.dir, "temp");
    const result = await exportOf("solo-bucket", "terraform", dir, [...SOLO, "--temp-profile", "Foo"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--temp-profile");
    expect(existsSync(dir)).toBe(false);
  });

  it("an empty --out-dir is refused, and nothing is written to the current folder", async () => {
    const before = await readdir(process.cwd());
    const result = await exportOf("solo-bucket", "terraform", "", SOLO);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--out-dir");
    expect(await readdir(process.cwd())).toEqual(before);
  });
});
