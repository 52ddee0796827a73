/**
 * Export of a setup on an SSE-KMS bucket: the role's managed policy carries kms:Decrypt on the
 * bucket's key, and the key policy with xacct's statement merged in, exactly as setup writes
 * them (the export refuses to write otherwise). Neither format carries the key policy: Terraform's aws_kms_key_policy resets it on destroy, and CloudFormation
 * cannot set the policy of a key its stack did not create, and says so.
 */
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand } from "@aws-sdk/client-s3";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import { parsePolicyDocument, type PolicyDocument } from "../src/policy/index.js";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const REGION = "us-east-1";
const BUCKET = "kms-export";
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", BUCKET, "--region", REGION];
let prod: AwsClients;
let keyArn: string;

beforeAll(async () => {
  prod = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  // Only a key administrator is admitted: the role must be named in the key policy.
  const policy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "KeyAdmin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${sandbox.prod.accountId}:user/key-admin` }, Action: "kms:*", Resource: "*" },
    ],
  };
  keyArn = (await prod.kms.send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }))).KeyMetadata!.Arn!;
  await prod.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn } }] },
    }),
  );
});

describe("export of an SSE-KMS bucket's setup", () => {
  it("Terraform: the managed policy grants kms:Decrypt on the key, and the key policy is left to setup (destroy would reset it)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-kms-tf-"));
    const result = await sandbox.run(["export", ...TARGET, "--format", "terraform", "--out-dir", dir]);
    expect(result.code, result.stderr).toBe(0);
    // aws_kms_key_policy would reset the whole key policy on destroy: setup merges the statement instead.
    expect(result.stderr).toContain(`The key policy of ${keyArn} needs xacct's statement`);
    const file = JSON.parse(await readFile(join(dir, "production.tf.json"), "utf8"));
    const readObjects = parsePolicyDocument(file.resource.aws_iam_policy.read_objects.policy);
    expect(readObjects.Statement.map((s) => s.Sid)).toEqual(["XacctReadObjects", "XacctDecryptBucketKey"]);
    expect(readObjects.Statement[1]).toMatchObject({ Action: "kms:Decrypt", Resource: keyArn });
    expect(file.resource.aws_kms_key_policy).toBeUndefined();
  });

  it("CloudFormation: the managed policy grants kms:Decrypt, and the template says the key policy is left to setup", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-kms-cfn-"));
    const result = await sandbox.run(["export", ...TARGET, "--format", "cloudformation", "--out-dir", dir]);
    expect(result.code, result.stderr).toBe(0);
    const template = JSON.parse(await readFile(join(dir, "production.json"), "utf8"));
    expect(template.Description).toContain(`The key policy of ${keyArn} needs xacct's statement`);
    const statements = template.Resources.ReadObjectsPolicy.Properties.PolicyDocument.Statement;
    expect(statements[1]).toMatchObject({ Sid: "XacctDecryptBucketKey", Action: "kms:Decrypt" });
  });
});
