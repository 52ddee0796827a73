/**
 * The KMS hops of verify, on documents read from the emulator (which stores keys, key
 * policies and bucket encryption but enforces none): judged by xacct's evaluator, as AWS
 * would. ✔ with the grants, ✘ without (naming what is missing), ✘ when the key policy denies,
 * `?` when the key policy cannot be read.
 */
import { CreateKeyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import {
  buildKeyPolicyStatement,
  buildKmsDecryptStatement,
  plannedKmsGrants,
  buildReadBucketPolicy,
  buildReadObjectsPolicy,
  keyPolicyPrincipals,
  withKmsDecrypt,
  type KmsKey,
  type PolicyDocument,
  type PolicyStatement,
} from "../src/policy/index.js";
import type { LabeledPolicy } from "../src/policy-eval/index.js";
import { readKmsDocuments, type KmsDocuments } from "../src/verify/kms-documents.js";
import { keyPolicyAdmits, keyPolicyAdmitsReader, kmsHops, type KmsHopInput } from "../src/verify/hops/kms.js";
import { readerDecryptRequest, type KmsReader } from "../src/verify/kms-request.js";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const REGION = "us-east-1";
let prod: AwsClients;
let prodId: string;
let stagingId: string;
let key: KmsKey;
let defaultPolicy: PolicyDocument;

async function kmsBucket(bucket: string, keyArn: string, bucketKey = false): Promise<void> {
  await prod.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn }, BucketKeyEnabled: bucketKey }],
      },
    }),
  );
}

async function setKeyPolicy(statements: PolicyStatement[]): Promise<void> {
  await prod.kms.send(new PutKeyPolicyCommand({ KeyId: key.arn, PolicyName: "default", Policy: JSON.stringify({ ...defaultPolicy, Statement: statements }) }));
}

async function docsOf(bucket: string, clients: AwsClients = prod): Promise<KmsDocuments> {
  const docs = await readKmsDocuments(clients, bucket);
  if (!docs) throw new Error(`bucket ${bucket} is not SSE-KMS`);
  return docs;
}

const roleArn = () => `arn:aws:iam::${prodId}:role/StageRole`;
const labelled = (label: string, document: PolicyDocument): LabeledPolicy => ({ label, document });

const reader = (mode: KmsReader["mode"]): KmsReader => ({
  mode,
  region: REGION,
  productionAccountId: prodId,
  roleArn: roleArn(),
  stagingAccountId: stagingId,
  stagingUser: "stage-reader",
  sessionName: "xacct-staging",
});

/** Role mode: a session of StageRole reading `bucket/report.csv`. */
function roleInput(docs: KmsDocuments, bucket: string, rolePolicy: PolicyDocument, bucketKeyEnabled = docs.encryption.bucketKeyEnabled): KmsHopInput {
  const request = readerDecryptRequest(reader("role"), { key: docs.key, bucket, objectKey: "report.csv", bucketKeyEnabled });
  return {
    mode: "role",
    reader: "StageRole",
    request,
    key: docs.key,
    keyPolicy: docs.keyPolicy,
    readerPolicies: [labelled("managed policy xacct-read of role StageRole", rolePolicy)],
  };
}

/** Resource-policy mode: the Staging user reading directly. */
function userInput(docs: KmsDocuments, bucket: string, userPolicy: PolicyDocument): KmsHopInput {
  const request = readerDecryptRequest(reader("resource-policy"), { key: docs.key, bucket, objectKey: "report.csv", bucketKeyEnabled: false });
  return {
    mode: "resource-policy",
    reader: "stage-reader",
    request,
    key: docs.key,
    keyPolicy: docs.keyPolicy,
    readerPolicies: [labelled("inline policy of user stage-reader", userPolicy)],
  };
}

const verdicts = (hops: { id: string; ok: boolean | null }[]) => Object.fromEntries(hops.map((h) => [h.id, h.ok]));

beforeAll(async () => {
  prod = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  prodId = sandbox.prod.accountId;
  stagingId = sandbox.staging.accountId;
  const created = await prod.kms.send(new CreateKeyCommand({ Description: "reports" }));
  key = { arn: created.KeyMetadata!.Arn!, accountId: prodId, region: REGION, manager: "CUSTOMER" };
  await kmsBucket("reports", key.arn);
  await kmsBucket("reports-bucket-key", key.arn, true);
  defaultPolicy = (await docsOf("reports")).keyPolicy!.document;
});

describe("role mode", () => {
  const granted = () => withKmsDecrypt(buildReadObjectsPolicy({ partition: "aws", bucket: "reports" }), key);

  it("holds with the role's decrypt grant and the default key policy (which lets IAM policies decide)", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    const hops = kmsHops(roleInput(await docsOf("reports"), "reports", granted()));
    expect(verdicts(hops)).toEqual({ "role-may-decrypt": true, "key-policy-admits": true });
  });

  it("fails without the role's decrypt grant, naming the key and the fix", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    const hops = kmsHops(roleInput(await docsOf("reports"), "reports", buildReadObjectsPolicy({ partition: "aws", bucket: "reports" })));
    const decrypt = hops.find((h) => h.id === "role-may-decrypt")!;
    expect(decrypt.ok).toBe(false);
    expect(decrypt.fix).toContain(`kms:Decrypt on ${key.arn}`);
    expect(decrypt.fix).toContain("xacct setup");
  });

  it("fails when the key policy admits neither the role nor its account, and holds once xacct's statement is in it", async () => {
    const adminOnly: PolicyStatement = {
      Sid: "KeyAdmins",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${prodId}:user/admin` },
      Action: "kms:*",
      Resource: "*",
    };
    await setKeyPolicy([adminOnly]);
    const docs = await docsOf("reports");
    const hop = kmsHops(roleInput(docs, "reports", granted())).find((h) => h.id === "key-policy-admits")!;
    expect(hop.ok).toBe(false);
    expect(hop.detail).toContain(`key policy of ${key.arn}`);
    expect(hop.fix).toContain("xacct setup");
    expect(keyPolicyAdmits(roleInput(docs, "reports", granted()).request, docs.keyPolicy!).decision).not.toBe("Allow");

    await setKeyPolicy([
      adminOnly,
      buildKeyPolicyStatement({ setupId: "reports/StageRole", region: REGION, principals: keyPolicyPrincipals({ mode: "role", roleArn: roleArn() }) }),
    ]);
    expect(verdicts(kmsHops(roleInput(await docsOf("reports"), "reports", granted())))).toEqual({ "role-may-decrypt": true, "key-policy-admits": true });
  });

  it("fails when the role's permissions boundary does not allow kms:Decrypt, naming the boundary", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    const input = roleInput(await docsOf("reports"), "reports", granted());
    const boundary = labelled("permissions boundary OnlyS3 of role StageRole", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
    });
    const hop = kmsHops({ ...input, readerBoundary: boundary }).find((h) => h.id === "role-may-decrypt")!;
    expect(hop.ok).toBe(false);
    expect(hop.detail).toContain("permissions boundary OnlyS3 of role StageRole");
  });

  it("fails when the key policy denies the role, naming the statement", async () => {
    const deny: PolicyStatement = {
      Sid: "OnlyCiRoles",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotLike: { "aws:PrincipalArn": `arn:aws:iam::${prodId}:role/ci-*` } },
    };
    await setKeyPolicy([...defaultPolicy.Statement, deny]);
    const hop = kmsHops(roleInput(await docsOf("reports"), "reports", granted())).find((h) => h.id === "key-policy-admits")!;
    expect(hop.ok).toBe(false);
    expect(hop.detail).toContain("OnlyCiRoles");
    expect(hop.fix).toContain("OnlyCiRoles");
  });

  it("judges the encryption context S3 sends: the bucket's ARN when S3 Bucket Keys are on, the object's otherwise", async () => {
    const onlyBucketContext: PolicyStatement = {
      Sid: "BucketKeyOnly",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotEquals: { "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports-bucket-key" } },
    };
    await setKeyPolicy([...defaultPolicy.Statement, onlyBucketContext]);
    const policy = withKmsDecrypt(buildReadObjectsPolicy({ partition: "aws", bucket: "reports-bucket-key" }), key);
    const docs = await docsOf("reports-bucket-key");
    expect(docs.encryption.bucketKeyEnabled).toBe(true);
    expect(verdicts(kmsHops(roleInput(docs, "reports-bucket-key", policy)))["key-policy-admits"]).toBe(true);
    expect(verdicts(kmsHops(roleInput(docs, "reports-bucket-key", policy, false)))["key-policy-admits"]).toBe(false);
  });

  it("holds for the AWS managed aws/s3 key without any KMS grant: its policy admits its account's principals through S3", async () => {
    const docs = await docsOf("reports");
    // The policy AWS gives every aws/s3 key (as GetKeyPolicy shows it).
    const awsS3Policy = labelled(`key policy of ${key.arn}`, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Allow access through S3 for all principals in the account that are authorized to use S3",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          Resource: "*",
          Condition: { StringEquals: { "kms:CallerAccount": prodId, "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
        },
        {
          Sid: "Allow direct access to key metadata to the account",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${prodId}:root` },
          Action: ["kms:Describe*", "kms:Get*", "kms:List*"],
          Resource: "*",
        },
      ],
    });
    const managed = { ...docs, key: { ...docs.key, manager: "AWS" as const }, keyPolicy: awsS3Policy };
    const hops = kmsHops(roleInput(managed, "reports", buildReadObjectsPolicy({ partition: "aws", bucket: "reports" })));
    expect(verdicts(hops)).toEqual({ "role-may-decrypt": true, "key-policy-admits": true });
  });

  it("cannot tell (ok: null) when the key policy cannot be read", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    const denied: AwsClients = {
      ...prod,
      kms: {
        send: (command: { constructor: { name: string } }) =>
          command.constructor.name === "GetKeyPolicyCommand"
            ? Promise.reject(Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }))
            : prod.kms.send(command as never),
      } as unknown as AwsClients["kms"],
    };
    const docs = await docsOf("reports", denied);
    expect(docs.keyPolicy).toBeUndefined();
    const hop = kmsHops(roleInput(docs, "reports", granted())).find((h) => h.id === "key-policy-admits")!;
    expect(hop.ok).toBeNull();
    expect(hop.detail).toMatch(/^Cannot tell/);
  });
});

describe("resource-policy mode", () => {
  const granted = () => withKmsDecrypt(buildReadBucketPolicy({ partition: "aws", bucket: "reports" }), key);

  it("fails while the key policy admits only Production, and holds once it admits Staging's root", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    const before = kmsHops(userInput(await docsOf("reports"), "reports", granted()));
    expect(verdicts(before)).toEqual({ "user-may-decrypt": true, "key-policy-admits": false });

    const principals = keyPolicyPrincipals({ mode: "resource-policy", partition: "aws", stagingAccountId: stagingId });
    await setKeyPolicy([...defaultPolicy.Statement, buildKeyPolicyStatement({ setupId: "reports/stage-reader", region: REGION, principals })]);
    expect(verdicts(kmsHops(userInput(await docsOf("reports"), "reports", granted())))).toEqual({ "user-may-decrypt": true, "key-policy-admits": true });
  });

  it("fails without the user's own decrypt grant, across accounts", async () => {
    const hops = kmsHops(userInput(await docsOf("reports"), "reports", buildReadBucketPolicy({ partition: "aws", bucket: "reports" })));
    expect(verdicts(hops)["user-may-decrypt"]).toBe(false);
  });

  it("fails for the AWS managed key, with the fix", async () => {
    const docs = await docsOf("reports");
    const managed = { ...docs, key: { ...docs.key, manager: "AWS" as const }, keyPolicy: undefined };
    const hop = kmsHops(userInput(managed, "reports", granted())).find((h) => h.id === "key-policy-admits")!;
    expect(hop.ok).toBe(false);
    expect(hop.fix).toMatch(/customer managed key.*role mode/);
  });
});

describe("what setup plans for the key, decided by the evaluator", () => {
  const plan = async (mode: KmsReader["mode"]) => {
    const docs = await docsOf("reports");
    const request = readerDecryptRequest(reader(mode), { key: docs.key, bucket: "reports", objectKey: "report.csv", bucketKeyEnabled: false });
    const principals =
      mode === "role" ? keyPolicyPrincipals({ mode, roleArn: roleArn() }) : keyPolicyPrincipals({ mode, partition: "aws", stagingAccountId: stagingId });
    return plannedKmsGrants({
      key: docs.key,
      bucket: "reports",
      setupId: "reports/StageRole",
      principals,
      sharing: { mode, productionAccountId: prodId, stagingAccountIds: [stagingId] },
      keyPolicyAdmitsReader: keyPolicyAdmitsReader(request, docs.keyPolicy!),
    });
  };
  const adminOnly: PolicyStatement = {
    Sid: "KeyAdmins",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${prodId}:user/admin` },
    Action: "kms:*",
    Resource: "*",
  };

  it("adds a key-policy statement for the role when the key policy admits neither it nor its account", async () => {
    await setKeyPolicy([adminOnly]);
    const grants = await plan("role");
    expect(grants.decrypt).toEqual(buildKmsDecryptStatement(key));
    expect(grants.keyStatement?.Principal).toEqual({ AWS: roleArn() });
  });

  it("adds none when the key policy already names the role", async () => {
    await setKeyPolicy([
      adminOnly,
      { Sid: "ReportsReaders", Effect: "Allow", Principal: { AWS: roleArn() }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" },
    ]);
    expect((await plan("role")).keyStatement).toBeUndefined();
  });

  it("adds none when the key policy lets Production's IAM policies decide (its root)", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    expect((await plan("role")).keyStatement).toBeUndefined();
  });

  it("admits Staging's root in resource-policy mode, where Production's root does not help", async () => {
    await setKeyPolicy(defaultPolicy.Statement);
    expect((await plan("resource-policy")).keyStatement?.Principal).toEqual({ AWS: `arn:aws:iam::${stagingId}:root` });
  });
});
