/**
 * xacct export. The claim under test: the exported templates make the documents setup makes.
 * Given setup's documents, read back from the emulator and then torn down, the Production
 * template is deployed through the emulator's CloudFormation and what the stack made is read
 * back the same way; where the emulator cannot (see each test), the template's own document,
 * with the parameters' defaults substituted, is compared instead. Every CloudFormation
 * template must pass cfn-lint; the Terraform must fit the provider's schema (a fixture).
 */
import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserPolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRoleTagsCommand,
  DeletePolicyCommand,
  DetachRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetBucketPolicyCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { cloudFormationDefaults, resolveCloudFormation } from "../src/export/documents.js";
import type { CloudFormationTemplate } from "../src/export/cloudformation.js";
import { parsePolicyDocument, type PolicyDocument } from "../src/policy/index.js";
import { partitionForRegion } from "../src/policy/arn.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "export-bucket-101";
const ROLE = "StageRole";
const POLICY_ARN = "arn:aws:iam::111111111111:policy/StageRoleReadObjects";
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", BUCKET, "--region", "us-east-1"];
const exportArgs = (format: string, dir: string, extra: string[] = []) => ["export", ...TARGET, "--format", format, "--out-dir", dir, ...extra];

interface ProductionDocuments {
  trust: PolicyDocument;
  readObjects: PolicyDocument;
  attached: string[];
  bucketPolicy: PolicyDocument | undefined;
  roleTags: { Key?: string | undefined; Value?: string | undefined }[];
  maxSessionDuration: number | undefined;
}

const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);

/** What exists in Production under setup's names, read as verify and setup read it. */
async function readProduction(): Promise<ProductionDocuments> {
  const { iam, s3 } = prod();
  const role = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!;
  const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!;
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: policy.DefaultVersionId }));
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
  const tags = await iam.send(new ListRoleTagsCommand({ RoleName: ROLE }));
  const bucketPolicy = await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET })).then(
    (out) => parsePolicyDocument(out.Policy ?? ""),
    () => undefined,
  );
  return {
    trust: parsePolicyDocument(role.AssumeRolePolicyDocument ?? ""),
    readObjects: parsePolicyDocument(version.PolicyVersion?.Document ?? ""),
    attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ""),
    bucketPolicy,
    roleTags: tags.Tags ?? [],
    maxSessionDuration: role.MaxSessionDuration,
  };
}

async function readInlinePolicy(): Promise<PolicyDocument> {
  const out = await staging().iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: `xacct-assume-${ROLE}` }));
  return parsePolicyDocument(out.PolicyDocument ?? "");
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

/** The template's document at `Resources.id.Properties.property`, parameters at their defaults. */
function templateDocument(template: CloudFormationTemplate, id: string, property: string): unknown {
  return resolveCloudFormation(template.Resources[id]?.Properties[property], cloudFormationDefaults(template, partitionForRegion("us-east-1")));
}

let setupMade: ProductionDocuments;
let setupInline: PolicyDocument;
let fromStateDir: string;
let cfnDir: string;
let cfnExport: CliResult;

beforeAll(async () => {
  // Given what setup makes for these answers, read back from the emulator ...
  const setup = await sandbox.run(setupArgs(BUCKET));
  expect(setup.code, setup.stderr).toBe(0);
  setupMade = await readProduction();
  setupInline = await readInlinePolicy();
  // ... and an export made from what setup remembered (no flags) ...
  fromStateDir = join(sandbox.dir, "from-state");
  const fromState = await sandbox.run(["export", "--format", "cloudformation", "--out-dir", fromStateDir]);
  expect(fromState.code, fromState.stderr).toBe(0);
  // ... then nothing of it left, so a stack can make the same names again.
  expect((await sandbox.run(["teardown", "--yes"])).code).toBe(0);
  cfnDir = join(sandbox.dir, "cfn");
  cfnExport = await sandbox.run([...exportArgs("cloudformation", cfnDir), "--json"]);
});

describe("xacct export --format cloudformation", () => {
  it("writes both templates and only reads AWS: the two identities, the bucket's encryption (an SSE-KMS key belongs in the documents) and what exists already", async () => {
    const [dir, result] = [cfnDir, cfnExport];
    expect(result.stderr).not.toContain("✘");
    expect(result.code).toBe(0);
    const calls = result.calls.calls.map((c) => `${c.service}.${c.operation}`);
    expect(calls.slice(0, 3)).toEqual(["STS.GetCallerIdentity", "STS.GetCallerIdentity", "S3.GetBucketEncryption"]);
    expect(calls.filter((c) => !/\.(Get|List|Head)/.test(c))).toEqual([]);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      command: "export",
      ok: true,
      format: "cloudformation",
      outDir: dir,
      accounts: { production: "111111111111", staging: "222222222222" },
    });
    expect(report.files.map((f: { path: string }) => f.path)).toEqual([join(dir, "production.json"), join(dir, "staging.json")]);
    expect((await readdir(dir)).sort()).toEqual(["production.json", "staging.json"]);
    expect(report.commands[0]).toContain("aws cloudformation deploy");
  });

  it("from remembered state writes the same templates as from flags", async () => {
    // The export from state ran while setup's resources existed: it marks them Retain, to be imported.
    const withoutRetain = (text: string) =>
      JSON.stringify(JSON.parse(text, (key, value: unknown) => (key === "DeletionPolicy" || key === "UpdateReplacePolicy" ? undefined : value)));
    for (const name of ["production.json", "staging.json"]) {
      expect(withoutRetain(await readFile(join(fromStateDir, name), "utf8"))).toBe(withoutRetain(await readFile(join(cfnDir, name), "utf8")));
    }
  });

  it("every template passes cfn-lint, the StackSet one too", async () => {
    const stackSetDir = join(sandbox.dir, "stackset");
    expect((await sandbox.run(exportArgs("cloudformation", stackSetDir, ["--stackset", "--ou", "ou-ab12-cd34ef56"]))).code).toBe(0);
    const templates = [join(cfnDir, "production.json"), join(cfnDir, "staging.json"), join(stackSetDir, "staging-stackset.json")];
    await expect(cfnLint(templates)).resolves.toBe("");
  });

  it("--stackset gives Staging a group with setup's document as a managed policy, and prints the StackSet commands", async () => {
    const dir = join(sandbox.dir, "stackset-cmds");
    // Before the stack below exists: its managed policy (CloudFormation cannot tag one) is not a setup's, and export adopts only a setup's own.
    const result = await sandbox.run(exportArgs("cloudformation", dir, ["--stackset", "--ou", "ou-ab12-cd34ef56"]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("aws cloudformation create-stack-set");
    expect(result.stdout).toContain("--permission-model SERVICE_MANAGED");
    expect(result.stdout).toContain("--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false");
    expect(result.stdout).toContain(`--template-body file://${join(dir, "staging-stackset.json")}`);
    expect(result.stdout).toContain("aws cloudformation create-stack-instances");
    expect(result.stdout).toContain("--deployment-targets OrganizationalUnitIds=ou-ab12-cd34ef56");
    const template = await readJson<CloudFormationTemplate>(join(dir, "staging-stackset.json"));
    expect(
      Object.values(template.Resources)
        .map((r) => r.Type)
        .sort(),
    ).toEqual(["AWS::IAM::Group", "AWS::IAM::ManagedPolicy"]);
    expect(template.Parameters["StagingUser"]).toBeUndefined();
    expect(templateDocument(template, "AssumeRoleManagedPolicy", "PolicyDocument")).toEqual(setupInline);
  });

  it("deployed as a stack, the Production template makes the role, policy and attachment setup makes", async () => {
    // moto 5.2.1 does not apply AWS::S3::BucketPolicy (the stack completes without it); the bucket only has to exist.
    await prod().s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const template = await readFile(join(cfnDir, "production.json"), "utf8");
    const cfn = new CloudFormationClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.prod.accessKey });
    await cfn.send(new CreateStackCommand({ StackName: "xacct-production", TemplateBody: template, Capabilities: ["CAPABILITY_NAMED_IAM"] }));
    expect(await stackStatus(cfn, "xacct-production")).toBe("CREATE_COMPLETE");

    const stackMade = await readProduction();
    expect(JSON.stringify(stackMade.trust)).toBe(JSON.stringify(setupMade.trust));
    expect(JSON.stringify(stackMade.readObjects)).toBe(JSON.stringify(setupMade.readObjects));
    expect(stackMade.attached).toEqual(setupMade.attached);
    expect(stackMade.maxSessionDuration).toBe(setupMade.maxSessionDuration);
    expect(stackMade.roleTags).toEqual(expect.arrayContaining(setupMade.roleTags));
    // Where the emulator made no bucket policy, the template's document stands in for it.
    const parsed = JSON.parse(template) as CloudFormationTemplate;
    const bucketPolicy = stackMade.bucketPolicy ?? templateDocument(parsed, "StagingLocateBucketPolicy", "PolicyDocument");
    expect(bucketPolicy).toEqual(setupMade.bucketPolicy);
  });

  it("the Staging template's inline policy is setup's, for the user given as a parameter", async () => {
    const template = await readJson<CloudFormationTemplate>(join(cfnDir, "staging.json"));
    const policy = template.Resources["AssumeRolePolicy"]!;
    expect(policy.Type).toBe("AWS::IAM::UserPolicy");
    expect(policy.Properties["UserName"]).toEqual({ Ref: "StagingUser" });
    expect(templateDocument(template, "AssumeRolePolicy", "PolicyDocument")).toEqual(setupInline);
    expect(JSON.stringify(templateDocument(template, "AssumeRolePolicy", "PolicyDocument"))).toBe(JSON.stringify(setupInline));
  });

  // Bad combinations are refused before any AWS call, with exit code 2.
  it.each([
    { flags: ["--stackset"], message: "--stackset needs the organizational unit" },
    { flags: ["--ou", "ou-ab12-cd34ef56"], message: "--ou is only used with --stackset" },
    { flags: ["--stackset", "--ou", "ou-nope"], message: "is not an organizational unit ID" },
  ])("refuses $flags", async ({ flags, message }) => {
    const result = await sandbox.run(exportArgs("cloudformation", join(sandbox.dir, "refused"), flags));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.calls.calls).toEqual([]);
  });

  it("refuses --stackset with Terraform", async () => {
    const result = await sandbox.run(exportArgs("terraform", join(sandbox.dir, "refused"), ["--stackset", "--ou", "ou-ab12-cd34ef56"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Terraform has no StackSet");
  });
});

describe("xacct export --format terraform", () => {
  let dir: string;
  let files: Record<string, TerraformJson>;
  beforeAll(async () => {
    dir = join(sandbox.dir, "tf");
    // The stack deployed above made an untagged managed policy (CloudFormation cannot tag one): not a setup's, so export
    // would refuse to adopt it. Without it, the export imports the stack's role (tagged as setup tags it) and creates the policy.
    const iam = prod().iam;
    await iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: POLICY_ARN }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: POLICY_ARN }));
    const result = await sandbox.run(exportArgs("terraform", dir));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("replaces the bucket's WHOLE policy");
    files = {};
    for (const name of await readdir(dir)) files[name] = await readJson<TerraformJson>(join(dir, name));
  });

  it("writes only .tf.json files", () => {
    // The stack deployed above made the role: it exists, so the export imports it (export-import.test.ts).
    expect(Object.keys(files).sort()).toEqual(["imports.tf.json", "production.tf.json", "providers.tf.json", "staging.tf.json", "variables.tf.json"]);
  });

  it("uses only the provider's documented resources and arguments, with every required one", async () => {
    const schema = await readJson<ProviderSchemaFile>(join(import.meta.dirname, "fixtures", "terraform-aws-schema.json"));
    const aws = schema.provider_schemas["registry.terraform.io/hashicorp/aws"]!;
    expect(schemaProblems(files, aws)).toEqual([]);
  });

  it("its policies, with the variables' defaults, are the documents setup wrote", () => {
    const variables = Object.fromEntries(Object.entries(files["variables.tf.json"]!.variable!).map(([name, v]) => [name, String(v["default"])]));
    // An independent reading of Terraform's interpolation: ${var.NAME} and nothing else.
    const policy = (type: string, attribute: string, file = "production.tf.json") => {
      const [body] = Object.values(files[file]!.resource![type]!);
      return JSON.parse(String(body![attribute]).replace(/\$\{var\.(\w+)\}/g, (_m, name: string) => variables[name]!));
    };
    expect(policy("aws_iam_role", "assume_role_policy")).toEqual(setupMade.trust);
    expect(policy("aws_iam_policy", "policy")).toEqual(setupMade.readObjects);
    expect(policy("aws_s3_bucket_policy", "policy")).toEqual(setupMade.bucketPolicy);
    expect(policy("aws_iam_user_policy", "policy", "staging.tf.json")).toEqual(setupInline);
    expect(JSON.stringify(policy("aws_iam_role", "assume_role_policy"))).toBe(JSON.stringify(setupMade.trust));
  });

  it("attaches the policy to the role and tags both as setup does", () => {
    const resources = files["production.tf.json"]!.resource!;
    expect(resources["aws_iam_role_policy_attachment"]).toEqual({
      read_objects: { provider: "aws.production", role: "${aws_iam_role.cross_account.name}", policy_arn: "${aws_iam_policy.read_objects.arn}" },
    });
    const tags = { "managed-by": "xacct", "xacct:setup": "${var.bucket}/${var.role_name}" };
    expect(resources["aws_iam_role"]!["cross_account"]!["tags"]).toEqual(tags);
    expect(resources["aws_iam_policy"]!["read_objects"]!["tags"]).toEqual(tags);
  });

  it("gives each account a provider with its profile that refuses any other account", () => {
    expect(files["providers.tf.json"]!["provider"]).toEqual({
      aws: [
        { alias: "production", profile: "${var.production_profile}", region: "${var.region}", allowed_account_ids: ["${var.production_account_id}"] },
        { alias: "staging", profile: "${var.staging_profile}", region: "${var.region}", allowed_account_ids: ["${var.staging_account_id}"] },
      ],
    });
    expect(files["variables.tf.json"]!.variable!["production_account_id"]!["default"]).toBe("111111111111");
    expect(files["variables.tf.json"]!.variable!["staging_account_id"]!["default"]).toBe("222222222222");
  });
});

type TerraformJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  variable?: Record<string, Record<string, unknown>>;
  provider?: Record<string, Record<string, unknown>[]>;
  [block: string]: unknown;
};

interface BlockSchema {
  block: { attributes: Record<string, { required?: boolean; optional?: boolean; computed?: boolean }> };
}

interface ProviderSchemaFile {
  provider_schemas: Record<string, { provider: BlockSchema; resource_schemas: Record<string, BlockSchema> }>;
}

/** Terraform's own arguments, valid in any resource or provider block. */
const RESOURCE_META = new Set(["//", "provider", "depends_on", "count", "for_each", "lifecycle"]);
const PROVIDER_META = new Set(["//", "alias"]);
const VARIABLE_ARGUMENTS = new Set(["//", "type", "description", "default", "sensitive", "nullable", "validation"]);

/** Every argument the schema knows and may be set, every required one present. */
function schemaProblems(files: Record<string, TerraformJson>, aws: { provider: BlockSchema; resource_schemas: Record<string, BlockSchema> }): string[] {
  const problems: string[] = [];
  const check = (where: string, body: Record<string, unknown>, schema: BlockSchema | undefined, meta: Set<string>) => {
    if (!schema) return problems.push(`${where}: not a resource of the provider`);
    for (const key of Object.keys(body)) {
      const attribute = schema.block.attributes[key];
      if (!meta.has(key) && (!attribute || (!attribute.required && !attribute.optional))) problems.push(`${where}: ${key} cannot be set`);
    }
    for (const [key, attribute] of Object.entries(schema.block.attributes))
      if (attribute.required && !(key in body)) problems.push(`${where}: ${key} is required`);
    return problems.length;
  };
  for (const [file, content] of Object.entries(files)) {
    for (const [type, resources] of Object.entries(content.resource ?? {})) {
      for (const [name, body] of Object.entries(resources)) check(`${file}: ${type}.${name}`, body, aws.resource_schemas[type], RESOURCE_META);
    }
    for (const body of content.provider?.["aws"] ?? []) check(`${file}: provider aws`, body, aws.provider, PROVIDER_META);
    for (const [name, body] of Object.entries(content.variable ?? {})) {
      for (const key of Object.keys(body)) if (!VARIABLE_ARGUMENTS.has(key)) problems.push(`${file}: variable ${name}: ${key} is not a variable argument`);
    }
  }
  return problems;
}

/** cfn-lint's findings (errors, warnings and informational), or "" when there are none. */
async function cfnLint(templates: string[]): Promise<string> {
  try {
    await promisify(execFile)("cfn-lint", ["--", ...templates]);
    return "";
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return `${failure.stdout ?? ""}${failure.stderr ?? ""}` || failure.message;
  }
}

async function stackStatus(cfn: CloudFormationClient, name: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack?.StackStatus && !stack.StackStatus.endsWith("_IN_PROGRESS"))
      return `${stack.StackStatus}${stack.StackStatusReason ? `: ${stack.StackStatusReason}` : ""}`;
    await new Promise((done) => setTimeout(done, 100));
  }
  return "still in progress";
}
