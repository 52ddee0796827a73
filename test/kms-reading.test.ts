/**
 * Against the emulator (which keeps keys, key policies and bucket encryption but enforces
 * none of them): reading an SSE-KMS bucket's key however the bucket names it, the key policy,
 * and writing xacct's key-policy statement in and out around other people's statements.
 */
import { CreateAliasCommand, CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import { describeKey, encryptionKeyId, readBucketEncryption, readKeyPolicy, readObjectEncryption } from "../src/aws/kms.js";
import { XacctError } from "../src/errors.js";
import { buildKeyPolicyStatement, keyStatementSid, parsePolicyDocument, type KeySetup, type PolicyDocument } from "../src/policy/index.js";
import { writeKeyPolicy } from "../src/resources/key-policy-write.js";
import { readKmsDocuments } from "../src/verify/kms-documents.js";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const REGION = "us-east-1";
let prod: AwsClients;
let keyArn: string;
let keyId: string;

async function encryptedBucket(bucket: string, kmsKey: string | undefined, bucketKey = false): Promise<void> {
  await prod.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", ...(kmsKey ? { KMSMasterKeyID: kmsKey } : {}) }, BucketKeyEnabled: bucketKey },
        ],
      },
    }),
  );
}

beforeAll(async () => {
  prod = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  const key = await prod.kms.send(new CreateKeyCommand({ Description: "bucket key" }));
  keyArn = key.KeyMetadata!.Arn!;
  keyId = key.KeyMetadata!.KeyId!;
  await prod.kms.send(new CreateAliasCommand({ AliasName: "alias/reports", TargetKeyId: keyId }));
});

describe("reading an SSE-KMS bucket's key", () => {
  it("reads the bucket's default encryption and resolves its key to the ARN, account, manager and state", async () => {
    await encryptedBucket("kms-by-arn", keyArn, true);
    const encryption = await readBucketEncryption(prod, "kms-by-arn");
    expect(encryption).toEqual({ algorithm: "aws:kms", keyId: keyArn, bucketKeyEnabled: true });
    expect(await describeKey(prod, encryptionKeyId(encryption!))).toEqual({
      arn: keyArn,
      accountId: sandbox.prod.accountId,
      region: REGION,
      manager: "CUSTOMER",
      state: "Enabled",
    });
  });

  it.each([
    ["a key ID", () => keyId],
    ["an alias name", () => "alias/reports"],
    ["an alias ARN", () => `arn:aws:kms:${REGION}:${sandbox.prod.accountId}:alias/reports`],
  ])("resolves a bucket key given as %s to the key's ARN", async (_kind, given) => {
    const bucket = `kms-by-${_kind.replace(/\W/g, "-")}`;
    await encryptedBucket(bucket, given());
    const encryption = await readBucketEncryption(prod, bucket);
    expect((await describeKey(prod, encryptionKeyId(encryption!))).arn).toBe(keyArn);
  });

  it("finds no KMS need on a bucket without default encryption, and reads an object's own key", async () => {
    await prod.s3.send(new CreateBucketCommand({ Bucket: "kms-plain" }));
    expect(await readKmsDocuments(prod, "kms-plain")).toBeUndefined();
    await prod.s3.send(new PutObjectCommand({ Bucket: "kms-plain", Key: "secret.txt", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: keyArn }));
    const object = await readObjectEncryption(prod, "kms-plain", "secret.txt");
    expect(object).toMatchObject({ algorithm: "aws:kms", keyId: keyArn });
    const docs = await readKmsDocuments(prod, "kms-plain", "secret.txt");
    expect(docs?.key.arn).toBe(keyArn);
  });

  it("reads the key policy (the emulator's default lets the account's IAM policies decide)", async () => {
    const docs = await readKmsDocuments(prod, "kms-by-arn");
    expect(docs?.keyPolicy?.label).toBe(`key policy of ${keyArn}`);
    expect(JSON.stringify(docs?.keyPolicy?.document)).toContain(`arn:aws:iam::${sandbox.prod.accountId}:root`);
  });

  it("says which key it could not find, with a fix", async () => {
    const failure = await describeKey(prod, "alias/no-such-key").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(XacctError);
    expect((failure as XacctError).message).toContain("alias/no-such-key");
    expect((failure as XacctError).hint).toBeTruthy();
  });
});

describe("writing xacct's statement into a shared key policy", () => {
  const FOREIGN = {
    Sid: "TeamAuditors",
    Effect: "Allow" as const,
    Principal: { AWS: "arn:aws:iam::444455556666:root" },
    Action: "kms:DescribeKey",
    Resource: "*",
  };
  let setup: KeySetup;
  const lockDirectory = () => join(sandbox.dir, "locks");

  beforeAll(async () => {
    const policy = await readKeyPolicy(prod, keyArn);
    await prod.kms.send(
      new PutKeyPolicyCommand({
        KeyId: keyArn,
        PolicyName: "default",
        Policy: JSON.stringify({ ...policy, Id: "team-key", Statement: [...policy.Statement, FOREIGN] }),
      }),
    );
    const roleArn = `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
    setup = {
      setupId: "kms-by-arn/StageRole",
      keyArn,
      region: REGION,
      statement: buildKeyPolicyStatement({ setupId: "kms-by-arn/StageRole", region: REGION, principals: [roleArn] }),
    };
  });

  const current = async (): Promise<PolicyDocument> =>
    parsePolicyDocument((await prod.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!);

  it("merges its statement by Sid, keeping the others' statements and the document's other fields, and takes only its own out again", async () => {
    const before = await current();
    await writeKeyPolicy(prod, { setup, planned: before, action: "merge", lockDirectory: lockDirectory() });
    const merged = await current();
    expect(merged.Statement).toEqual([...before.Statement, setup.statement]);
    expect((merged as { Id?: string }).Id).toBe("team-key");

    await writeKeyPolicy(prod, { setup, planned: merged, action: "remove", lockDirectory: lockDirectory() });
    const after = await current();
    expect(after).toEqual(before);
  });

  it("refuses to write over a change made to the key policy since the plan", async () => {
    const planned = await current();
    const changed = { ...planned, Statement: [...planned.Statement, { ...FOREIGN, Sid: "AddedMeanwhile" }] };
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(changed) }));
    const failure = await writeKeyPolicy(prod, { setup, planned, action: "merge", lockDirectory: lockDirectory() }).catch((error: unknown) => error);
    expect((failure as XacctError).message).toMatch(/changed since the plan.*AddedMeanwhile/);
    expect((await current()).Statement.some((s) => s.Sid === keyStatementSid(setup.setupId))).toBe(false);
  });

  it("refuses when xacct's Sid holds someone else's content, and leaves it", async () => {
    const planned = await current();
    const squatted = { ...planned, Statement: [...planned.Statement, { ...FOREIGN, Sid: keyStatementSid(setup.setupId), Action: "kms:*" }] };
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(squatted) }));
    const failure = await writeKeyPolicy(prod, { setup, planned: squatted, action: "merge", lockDirectory: lockDirectory() }).catch((error: unknown) => error);
    expect((failure as XacctError).message).toContain("not written by xacct");
    expect(await current()).toEqual(squatted);
  });
});
