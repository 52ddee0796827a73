/**
 * An SSE-KMS bucket with S3 Bucket Keys on, set up by xacct, then changed as an attacker would:
 * a key-policy Deny admitting only the bucket-ARN context (objects written before Bucket Keys
 * keep their own), and a KMS grant whose constraints S3 can never meet. The emulator keeps the
 * key policy, grants and encryption (it enforces none): xacct's evaluator decides.
 */
import { CreateGrantCommand, CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand, RevokeGrantCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import type { Hop } from "../src/verify/hops.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "deputy-kms-bucket";
let prod: AwsClients;
let keyArn = "";
let keyPolicy = "";

async function verify(): Promise<{ code: number; hops: Record<string, Hop> }> {
  const run = await sandbox.run(["verify", "--json"]);
  const out = JSON.parse(run.stdout) as { hops: Hop[] };
  return { code: run.code, hops: Object.fromEntries(out.hops.map((h) => [h.id, h])) };
}

async function withKeyPolicy(statements: object[], check: () => Promise<void>): Promise<void> {
  await prod.kms.send(
    new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }),
  );
  try {
    await check();
  } finally {
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: keyPolicy }));
  }
}

beforeAll(async () => {
  prod = makeClients({ region: "us-east-1", endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  keyArn = (await prod.kms.send(new CreateKeyCommand({ Description: "bucket keys" }))).KeyMetadata!.Arn!;
  await prod.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }],
      },
    }),
  );
  const setup = await sandbox.run(setupArgs(BUCKET));
  expect(setup.code, setup.stderr).toBe(0);
  keyPolicy = (await prod.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!;
});

describe("S3 Bucket Keys on", () => {
  it("setup's own grants hold for both encryption contexts: every hop ✔, exit 0", async () => {
    const report = await verify();
    expect(Object.values(report.hops).filter((h) => h.ok !== true)).toEqual([]);
    expect(report.code).toBe(0);
  });

  it("a key-policy Deny admitting only the bucket ARN fails key-policy-admits, exit 1, saying older objects would be unreadable", async () => {
    const current = JSON.parse(keyPolicy) as { Statement: object[] };
    const onlyBucket = {
      Sid: "OnlyBucketCtx",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotEquals: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${BUCKET}` } },
    };
    await withKeyPolicy([...current.Statement, onlyBucket], async () => {
      const report = await verify();
      expect(report.hops["key-policy-admits"]).toMatchObject({ ok: false });
      expect(report.hops["key-policy-admits"]!.detail).toContain("written before Bucket Keys were enabled");
      expect(report.hops["key-policy-admits"]!.detail).toContain('"OnlyBucketCtx"');
      expect(report.code).toBe(1);
    });
  });
});

describe("a KMS grant for the role, while the key policy does not admit it", () => {
  const admins = [{ Sid: "OnlyAdmins", Effect: "Allow", Principal: { AWS: "arn:aws:iam::%ACCOUNT%:role/KeyAdmin" }, Action: "kms:*", Resource: "*" }];
  const grantFor = async (constraints: { EncryptionContextEquals?: Record<string, string>; EncryptionContextSubset?: Record<string, string> }) =>
    prod.kms.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`,
        Operations: ["Decrypt"],
        Constraints: constraints,
      }),
    );

  it.each([
    ["EncryptionContextEquals {purpose: test}: S3 never sends it, ✘ exit 1", { EncryptionContextEquals: { purpose: "test" } }, false, 1],
    ["EncryptionContextSubset naming this bucket: could hold, ? exit 3", { EncryptionContextSubset: { "aws:s3:arn": `arn:aws:s3:::${BUCKET}` } }, null, 3],
  ] as const)("%s", async (_what, constraints, ok, code) => {
    const grant = await grantFor(constraints);
    try {
      await withKeyPolicy(JSON.parse(JSON.stringify(admins).replace("%ACCOUNT%", sandbox.prod.accountId)) as object[], async () => {
        const report = await verify();
        expect(report.hops["key-policy-admits"]).toMatchObject({ ok });
        expect(report.code).toBe(code);
      });
    } finally {
      await prod.kms.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: grant.GrantId! }));
    }
  });
});
