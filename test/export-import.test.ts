/**
 * `xacct export` after setup: the resources exist already, so applying the export as it is
 * would fail ("EntityAlreadyExists"). Export says which exist and writes what adopts them:
 * Terraform `import` blocks (Terraform 1.5+) or CloudFormation's resource-import steps. The
 * emulator's CloudFormation has no IMPORT change sets, so the identifiers are checked against
 * what exists, read back the way each format's documentation says it reads them.
 */
import { DeleteUserPolicyCommand, GetPolicyCommand, GetRoleCommand, GetUserPolicyCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "export-import-bucket";
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", BUCKET, "--region", "us-east-1"];
const POLICY_ARN = "arn:aws:iam::111111111111:policy/StageRoleReadObjects";
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);

interface ImportBlock {
  to: string;
  id: string;
  provider: string;
}
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const readJson = async (path: string): Promise<Json> => JSON.parse(await readFile(path, "utf8")) as Json;
const exportTo = (format: string, dir: string) => sandbox.run(["export", ...TARGET, "--format", format, "--out-dir", dir]);

/** Whether the id names something that exists, read as the provider's importer reads it. */
async function terraformIdExists(type: string, id: string): Promise<boolean> {
  const found = <T>(p: Promise<T>) =>
    p.then(
      () => true,
      () => false,
    );
  switch (type) {
    case "aws_iam_role":
      return found(prod().iam.send(new GetRoleCommand({ RoleName: id })));
    case "aws_iam_policy":
      return found(prod().iam.send(new GetPolicyCommand({ PolicyArn: id })));
    case "aws_iam_role_policy_attachment": {
      const [role, ...arn] = id.split("/");
      const attached = await prod()
        .iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))
        .catch(() => undefined);
      return !!attached?.AttachedPolicies?.some((p) => p.PolicyArn === arn.join("/"));
    }
    case "aws_s3_bucket_policy":
      return found(prod().s3.send(new GetBucketPolicyCommand({ Bucket: id })));
    case "aws_iam_user_policy": {
      const [user, policy] = id.split(":");
      return found(staging().iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: policy })));
    }
    default:
      throw new Error(`no reader for ${type}`);
  }
}

function hasTerraform(): boolean {
  return (process.env["PATH"] ?? "").split(":").some((dir) => {
    try {
      return statSync(join(dir, "terraform")).isFile();
    } catch {
      return false;
    }
  });
}

describe("export before setup", () => {
  it("adopts nothing when nothing exists", async () => {
    const dir = join(sandbox.dir, "before");
    const result = await exportTo("terraform", dir);
    expect(result.code).toBe(0);
    expect(await readdir(dir)).not.toContain("imports.tf.json");
    expect(result.stdout).toContain("None of these resources exist yet");
  });
});

describe("export --format terraform after setup", () => {
  const dir = () => join(sandbox.dir, "tf");
  /** The import blocks, each id as written: this setup's names. */
  const resolvedBlocks = async (): Promise<ImportBlock[]> => (await readJson(join(dir(), "imports.tf.json")))["import"] as ImportBlock[];

  it("says the resources exist already, and writes an import block for each", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    const result = await exportTo("terraform", dir());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("exist already");
    for (const what of [
      "role StageRole",
      "managed policy StageRoleReadObjects",
      `bucket policy of ${BUCKET}`,
      "inline policy xacct-assume-StageRole of user StageAdmin",
    ]) {
      expect(result.stdout).toContain(what);
    }
    expect(result.stdout).toContain("imports.tf.json");
    const imports = await readJson(join(dir(), "imports.tf.json"));
    // Ids are this setup's names (import blocks with a provider: Terraform 1.5+).
    expect(imports["terraform"]).toEqual({ required_version: ">= 1.5.0" });
    const blocks = await resolvedBlocks();
    expect(Object.fromEntries(blocks.map((b) => [b.to, b.id]))).toEqual({
      "aws_s3_bucket_policy.xacct_staging_locate": BUCKET,
      "aws_iam_policy.read_objects": POLICY_ARN,
      "aws_iam_role.cross_account": "StageRole",
      "aws_iam_role_policy_attachment.read_objects": `StageRole/${POLICY_ARN}`,
      "aws_iam_user_policy.xacct_assume_role": "StageAdmin:xacct-assume-StageRole",
    });
  });

  it("each block names a resource of the export, with that resource's provider, and an id that exists", async () => {
    const blocks = await resolvedBlocks();
    const resources = {
      ...(await readJson(join(dir(), "production.tf.json")))["resource"],
      ...(await readJson(join(dir(), "staging.tf.json")))["resource"],
    } as Json;
    for (const block of blocks) {
      const [type, name] = block.to.split(".");
      expect(resources[type!]?.[name!], block.to).toBeDefined();
      expect(block.provider).toBe(resources[type!][name!].provider);
      expect(await terraformIdExists(type!, block.id), `${block.to} = ${block.id}`).toBe(true);
    }
  });

  // `terraform init` checks the configuration's syntax (import blocks included) before it installs
  // providers; with an empty local mirror it stops there, offline.
  it.skipIf(!hasTerraform())("terraform accepts the import blocks", async () => {
    const rc = join(sandbox.dir, "terraformrc");
    await writeFile(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${join(sandbox.dir, "no-mirror")}"\n    include = ["*/*/*"]\n  }\n}\n`);
    const output = await new Promise<string>((done) => {
      execFile(
        "terraform",
        [`-chdir=${dir()}`, "init", "-backend=false", "-input=false", "-no-color"],
        { env: { ...process.env, TF_CLI_CONFIG_FILE: rc }, timeout: 60_000 },
        (_error, stdout, stderr) => done(`${stdout}${stderr}`),
      );
    });
    expect(output).toContain("Initializing provider plugins");
    expect(output).not.toContain("problems with the configuration");
  });

  it("adopts only what exists, and names what applying will create", async () => {
    await staging().iam.send(new DeleteUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }));
    const result = await exportTo("terraform", dir());
    expect(result.code).toBe(0);
    const blocks = (await readJson(join(dir(), "imports.tf.json")))["import"] as ImportBlock[];
    expect(blocks.map((b) => b.to)).not.toContain("aws_iam_user_policy.xacct_assume_role");
    expect(blocks).toHaveLength(4);
    expect(result.stdout).toMatch(/not there yet[^\n]*inline policy xacct-assume-StageRole of user StageAdmin/);
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  });
});

describe("export --format cloudformation after setup", () => {
  const dir = () => join(sandbox.dir, "cfn");

  it("marks the existing resources Retain and lists them for an IMPORT change set", async () => {
    const result = await exportTo("cloudformation", dir());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("exist already");
    const template = await readJson(join(dir(), "production.json"));
    const toImport = (await readJson(join(dir(), "production-import.json"))) as {
      ResourceType: string;
      LogicalResourceId: string;
      ResourceIdentifier: Record<string, string>;
    }[];
    expect(toImport.map((r) => [r.ResourceType, r.ResourceIdentifier]).sort()).toEqual(
      [
        ["AWS::IAM::ManagedPolicy", { PolicyArn: POLICY_ARN }],
        ["AWS::IAM::Role", { RoleName: "StageRole" }],
        ["AWS::S3::BucketPolicy", { Bucket: BUCKET }],
      ].sort(),
    );
    for (const resource of toImport) {
      expect(template["Resources"][resource.LogicalResourceId]["Type"]).toBe(resource.ResourceType);
      // CloudFormation imports only resources with a DeletionPolicy.
      expect(template["Resources"][resource.LogicalResourceId]["DeletionPolicy"]).toBe("Retain");
    }
    const stagingImport = await readJson(join(dir(), "staging-import.json"));
    expect(stagingImport).toEqual([
      {
        ResourceType: "AWS::IAM::UserPolicy",
        LogicalResourceId: "AssumeRolePolicy",
        ResourceIdentifier: { PolicyName: "xacct-assume-StageRole", UserName: "StageAdmin" },
      },
    ]);
    // The identifiers name what exists.
    expect(await terraformIdExists("aws_iam_role", "StageRole")).toBe(true);
    expect(await terraformIdExists("aws_iam_policy", POLICY_ARN)).toBe(true);
  });

  it("prints the import steps instead of a deploy that would fail", async () => {
    const result = await exportTo("cloudformation", dir());
    const text = result.stdout.replace(/\s+/g, " ");
    expect(text).toContain("--change-set-type IMPORT");
    expect(text).toContain(`--resources-to-import file://${join(dir(), "production-import.json")}`);
    expect(text).toContain(`--resources-to-import file://${join(dir(), "staging-import.json")}`);
    expect(text).toContain("aws cloudformation execute-change-set");
    expect(text).not.toMatch(/aws cloudformation deploy --template-file \S+production\.json/);
  });
});

describe("export after teardown", () => {
  it("adopts nothing, and removes the import files an earlier export wrote", async () => {
    expect((await sandbox.run(["teardown", "--yes"])).code).toBe(0);
    const tf = await exportTo("terraform", join(sandbox.dir, "tf"));
    expect(tf.code).toBe(0);
    expect(await readdir(join(sandbox.dir, "tf"))).not.toContain("imports.tf.json");
    const cfn = await exportTo("cloudformation", join(sandbox.dir, "cfn"));
    expect(cfn.code).toBe(0);
    const files = await readdir(join(sandbox.dir, "cfn"));
    expect(files).not.toContain("production-import.json");
    expect(files).not.toContain("staging-import.json");
    expect((await readJson(join(sandbox.dir, "cfn", "production.json")))["Resources"]["CrossAccountRole"]["DeletionPolicy"]).toBeUndefined();
  });
});
