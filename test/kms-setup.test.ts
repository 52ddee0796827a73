/**
 * Setup and teardown on SSE-KMS buckets, against the emulator (which keeps keys, key policies
 * and bucket encryption but enforces none of them): the reader's own policy gets kms:Decrypt
 * on exactly the bucket's key through S3; the key policy gets this setup's statement where it
 * does not already admit the reader, next to everyone else's; a rerun changes nothing; teardown
 * takes out only xacct's statement and grant and leaves the key; the AWS managed aws/s3 key is
 * refused in resource-policy mode before any write.
 */
import { GetPolicyCommand, GetPolicyVersionCommand, GetUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import { parsePolicyDocument, type PolicyDocument } from "../src/policy/index.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const REGION = "us-east-1";
const VIA_S3 = { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } };
/** Through S3, and only for the bucket's objects (S3's encryption context). */
const viaS3For = (bucket: string) => ({ ...VIA_S3, StringLike: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}/*` } });
let prod: AwsClients;
let staging: AwsClients;

beforeAll(() => {
  prod = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  staging = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.staging.accessKey });
});

async function keyWithPolicy(policy?: PolicyDocument): Promise<string> {
  const key = await prod.kms.send(new CreateKeyCommand({ Description: "bucket key", ...(policy ? { Policy: JSON.stringify(policy) } : {}) }));
  return key.KeyMetadata!.Arn!;
}

async function encryptedBucket(bucket: string, keyArn: string | undefined): Promise<void> {
  await prod.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", ...(keyArn ? { KMSMasterKeyID: keyArn } : {}) } }],
      },
    }),
  );
}

async function keyPolicy(keyArn: string): Promise<PolicyDocument> {
  return parsePolicyDocument((await prod.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!);
}

const sids = (policy: PolicyDocument) => policy.Statement.map((s) => s.Sid?.replace(/[0-9a-f]{12}$/, ""));

describe("resource-policy mode on a bucket under a customer managed key", () => {
  const BUCKET = "kms-direct";
  const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy"]);
  let keyArn: string;
  let original: PolicyDocument;

  it("gives the Staging user kms:Decrypt on exactly that key through S3, and merges a statement admitting Staging into the key policy", async () => {
    keyArn = await keyWithPolicy();
    // Another team's statement in the key policy: it must stay through setup and teardown.
    const withForeign = await keyPolicy(keyArn);
    withForeign.Statement.push({
      Sid: "OtherTeamEncrypts",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${sandbox.prod.accountId}:role/Uploader` },
      Action: "kms:GenerateDataKey",
      Resource: "*",
    });
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(withForeign) }));
    original = await keyPolicy(keyArn);
    await encryptedBucket(BUCKET, keyArn);

    const plan = await sandbox.run([...ARGS, "--plan"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`+ add    xacct's statement in the key policy of ${keyArn}`);
    expect(plan.calls.writes).toEqual([]);

    const result = await sandbox.run(ARGS);
    expect(result.code, result.stderr).toBe(0);
    const inline = parsePolicyDocument(
      (await staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: `xacct-read-${BUCKET}` }))).PolicyDocument!,
    );
    expect(inline.Statement.find((s) => s.Sid === "XacctDecryptBucketKey")).toEqual({
      Sid: "XacctDecryptBucketKey",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: keyArn,
      Condition: viaS3For(BUCKET),
    });
    const after = await keyPolicy(keyArn);
    expect(sids(after)).toEqual([...sids(original), "XacctKeyDecrypt"]);
    expect(after.Statement.at(-1)).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${sandbox.staging.accountId}:root` },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: viaS3For(BUCKET),
    });
  });

  it("a rerun has nothing to change", async () => {
    const rerun = await sandbox.run([...ARGS, "--plan", "--detailed-exitcode"]);
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(rerun.stdout).toContain(`= keep   xacct's statement in the key policy of ${keyArn}`);
  });

  it("verify then holds on every hop, the KMS ones included", async () => {
    const result = await sandbox.run(["verify", "--mode", "resource-policy", "--json"]);
    const report = JSON.parse(result.stdout) as { hops: { id: string; ok: boolean | null; detail: string }[] };
    const byId = Object.fromEntries(report.hops.map((h) => [h.id, h.ok]));
    expect(byId).toMatchObject({ "user-may-decrypt": true, "key-policy-admits": true });
    expect(
      report.hops.filter((h) => h.ok !== true),
      result.stdout,
    ).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("teardown takes out only xacct's key-policy statement and the user's grant, and leaves the key", async () => {
    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`~ update xacct's statement in the key policy of ${keyArn}`);
    expect(await keyPolicy(keyArn)).toEqual(original);
    expect((await prod.kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState).toBe("Enabled");
    await expect(staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: `xacct-read-${BUCKET}` }))).rejects.toThrow();
  });
});

describe("role mode on a bucket under a customer managed key", () => {
  const BUCKET = "kms-role";
  // Pre-flight runs: it judges the KMS hops on the key policy as setup will leave it.
  const ARGS = setupArgs(BUCKET, ["--role-name", "KmsRole"]);
  const roleArn = () => `arn:aws:iam::${sandbox.prod.accountId}:role/KmsRole`;
  let keyArn: string;
  let original: PolicyDocument;

  it("gives the role kms:Decrypt on that key, and names the role in a key policy that does not let IAM policies decide", async () => {
    // Only a key administrator is admitted: Production's IAM policies alone cannot grant the role this key.
    original = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "KeyAdmin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${sandbox.prod.accountId}:user/key-admin` }, Action: "kms:*", Resource: "*" },
      ],
    };
    keyArn = await keyWithPolicy(original);
    await encryptedBucket(BUCKET, keyArn);

    const result = await sandbox.run(ARGS);
    expect(result.code, result.stderr).toBe(0);
    const policyArn = `arn:aws:iam::${sandbox.prod.accountId}:policy/KmsRoleReadObjects`;
    const version = (await prod.iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!.DefaultVersionId!;
    const managed = parsePolicyDocument(
      decodeURIComponent((await prod.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: version }))).PolicyVersion!.Document!),
    );
    expect(managed.Statement.find((s) => s.Sid === "XacctDecryptBucketKey")).toEqual({
      Sid: "XacctDecryptBucketKey",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: keyArn,
      Condition: viaS3For(BUCKET),
    });
    const after = await keyPolicy(keyArn);
    expect(sids(after)).toEqual(["KeyAdmin", "XacctKeyDecrypt"]);
    expect(after.Statement[1]).toMatchObject({ Principal: { AWS: roleArn() }, Action: "kms:Decrypt", Resource: "*", Condition: viaS3For(BUCKET) });
  });

  it("a rerun has nothing to change", async () => {
    const rerun = await sandbox.run([...ARGS, "--plan", "--detailed-exitcode"]);
    expect(rerun.code, rerun.stdout).toBe(0);
  });

  it("verify then holds on every hop, the KMS ones included", async () => {
    const result = await sandbox.run(["verify", "--json"]);
    const report = JSON.parse(result.stdout) as { hops: { id: string; ok: boolean | null; detail: string }[] };
    const byId = Object.fromEntries(report.hops.map((h) => [h.id, h.ok]));
    expect(byId).toMatchObject({ "role-may-decrypt": true, "key-policy-admits": true, "role-grants-nothing-else": true });
    expect(report.hops.find((h) => h.id === "role-grants-nothing-else")!.detail).toContain("kms:Decrypt through S3 only");
    expect(
      report.hops.filter((h) => h.ok !== true),
      result.stdout,
    ).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("teardown takes out only xacct's statement (before the role goes) and leaves the key", async () => {
    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code, result.stderr).toBe(0);
    expect(await keyPolicy(keyArn)).toEqual(original);
    expect((await prod.kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState).toBe("Enabled");
  });
});

describe("role mode on a bucket whose key policy lets Production's IAM policies decide", () => {
  const BUCKET = "kms-delegating";
  const ARGS = setupArgs(BUCKET, ["--role-name", "DelegatedRole"]);

  it("grants kms:Decrypt in the role's policy only, and leaves the key policy as it is", async () => {
    const keyArn = await keyWithPolicy(); // the default key policy admits the account's root
    const original = await keyPolicy(keyArn);
    await encryptedBucket(BUCKET, keyArn);
    const result = await sandbox.run(ARGS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("key policy");
    expect(result.stdout).toContain("XacctDecryptBucketKey");
    expect(await keyPolicy(keyArn)).toEqual(original);
    expect((await sandbox.run(["teardown", "--yes"])).code).toBe(0);
    expect(await keyPolicy(keyArn)).toEqual(original);
  });
});

describe("the AWS managed aws/s3 key in resource-policy mode", () => {
  it("is refused before any write, with the fix", async () => {
    await encryptedBucket("kms-aws-managed", undefined);
    const result = await sandbox.run(setupArgs("kms-aws-managed", ["--mode", "resource-policy"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/AWS managed key .* \(aws\/s3\), whose key policy admits only its own account/);
    expect(result.stderr).toMatch(/--mode role|customer managed key/);
    expect(result.calls.writes).toEqual([]);
  });
});

describe("--test-key naming an object under its own key", () => {
  it("grants kms:Decrypt on the object's key too, though the bucket's default is SSE-S3", async () => {
    const BUCKET = "kms-object";
    const keyArn = await keyWithPolicy();
    await prod.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "report.csv", Body: "a,b", ServerSideEncryption: "aws:kms", SSEKMSKeyId: keyArn }));
    const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy", "--test-key", "report.csv"]);
    const result = await sandbox.run(ARGS);
    expect(result.code, result.stderr).toBe(0);
    const inline = parsePolicyDocument(
      (await staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: `xacct-read-${BUCKET}` }))).PolicyDocument!,
    );
    expect(inline.Statement.find((s) => s.Sid === "XacctDecryptBucketKey")?.Resource).toBe(keyArn);
    expect(sids(await keyPolicy(keyArn))).toContain("XacctKeyDecrypt");
    expect((await sandbox.run(["teardown", "--yes", "--delete-objects"])).code).toBe(0);
    expect(sids(await keyPolicy(keyArn))).not.toContain("XacctKeyDecrypt");
  });
});
