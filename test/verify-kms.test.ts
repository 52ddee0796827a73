/**
 * `xacct verify` on a bucket whose default encryption is a customer managed KMS key: reading
 * needs kms:Decrypt too, so verify must not say ✔ until the role may decrypt and the key policy
 * admits it. The emulator keeps keys, key policies and bucket encryption (it enforces none):
 * xacct's evaluator decides.
 */
import { PutRolePolicyCommand, DeleteRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { PutBucketEncryptionCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "verify-kms-bucket";
let prod: AwsClients;
let keyArn = "";
let defaultKeyPolicy = "";

const hopsOf = async () => {
  const result = await sandbox.run(["verify", "--json"]);
  const report = JSON.parse(result.stdout) as { hops: { id: string; ok: boolean | null; detail: string }[] };
  return { code: result.code, hops: Object.fromEntries(report.hops.map((h) => [h.id, h])) };
};

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  prod = makeClients({ region: "us-east-1", endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  keyArn = (await prod.kms.send(new CreateKeyCommand({ Description: "reports" }))).KeyMetadata!.Arn!;
  defaultKeyPolicy = (await prod.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!;
  await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn } }] },
    }),
  );
});

describe("verify on an SSE-KMS bucket", () => {
  it("fails the decrypt hop while the role has no kms:Decrypt on the key, naming the key and the fix", async () => {
    await prod.iam.send(new DeleteRolePolicyCommand({ RoleName: "StageRole", PolicyName: "decrypt" })).catch(() => undefined);
    const { code, hops } = await hopsOf();
    expect(code).toBe(1);
    expect(hops["role-may-decrypt"]).toMatchObject({ ok: false });
    expect(JSON.stringify(hops["role-may-decrypt"])).toContain(keyArn);
    // The default key policy lets Production's IAM policies decide.
    expect(hops["key-policy-admits"]).toMatchObject({ ok: true });
    expect(hops["role-may-read"]).toMatchObject({ ok: true });
  });

  it("holds once the role may decrypt through S3, and fails again when the key policy stops delegating to IAM", async () => {
    await prod.iam.send(
      new PutRolePolicyCommand({
        RoleName: "StageRole",
        PolicyName: "decrypt",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn, Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } },
          ],
        }),
      }),
    );
    const held = await hopsOf();
    expect(held.hops["role-may-decrypt"]).toMatchObject({ ok: true });
    expect(held.hops["key-policy-admits"]).toMatchObject({ ok: true });

    const other = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "OnlyAdmins", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${sandbox.prod.accountId}:role/KeyAdmin` }, Action: "kms:*", Resource: "*" },
      ],
    };
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(other) }));
    try {
      const refused = await hopsOf();
      expect(refused.code).toBe(1);
      expect(refused.hops["key-policy-admits"]).toMatchObject({ ok: false });
    } finally {
      await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: defaultKeyPolicy }));
    }
  });

  it("a key-policy Deny on the role's requests through S3 fails the key hop, naming its Sid", async () => {
    const policy = JSON.parse(defaultKeyPolicy);
    policy.Statement.push({
      Sid: "NoRoleSessions",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalType": "AssumedRole" } },
    });
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(policy) }));
    try {
      const { hops } = await hopsOf();
      expect(hops["key-policy-admits"]).toMatchObject({ ok: false });
      expect(hops["key-policy-admits"]!.detail).toContain("NoRoleSessions");
    } finally {
      await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: defaultKeyPolicy }));
    }
  });
});
