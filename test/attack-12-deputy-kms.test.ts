/**
 * A service statement guarded only by a wide aws:SourceArn still lets other accounts' resources
 * use the bucket; with S3 Bucket Keys on, objects written before keep the object-ARN encryption
 * context; a KMS grant whose constraints S3 can never meet does not help. Pure: documents in, hops out.
 */
import { describe, expect, it } from "vitest";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument, type PolicyStatement } from "../src/policy/documents.js";
import { buildKeyPolicyStatement, buildKmsDecryptStatement } from "../src/policy/kms.js";
import type { LabeledPolicy } from "../src/policy-eval/index.js";
import { planKms } from "../src/resources/key-policy.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, type Hop, type VerifyTarget } from "../src/verify/hops.js";

import { B, P, S, KEY, target, locate, labeled, roleDocs } from "./support/hop-fixtures.js";

const hop = (hops: Hop[], id: string) => {
  const found = hops.find((h) => h.id === id);
  if (!found) throw new Error(`no hop ${id} in ${hops.map((h) => h.id).join(", ")}`);
  return found;
};

describe("D2: a service statement guarded only by aws:SourceArn", () => {
  const service = (sid: string, principal: string, condition: PolicyStatement["Condition"]): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: principal },
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${B}/*`,
    Condition: condition,
  });

  it.each([
    ["CT", "cloudtrail.amazonaws.com", "arn:aws:cloudtrail:*:*:trail/*"],
    ["Inv", "s3.amazonaws.com", "arn:aws:s3:::*"],
    ["Partner", "s3.amazonaws.com", "arn:aws:s3:::partner-source-bucket"],
    ["ThirdTrail", "cloudtrail.amazonaws.com", "arn:aws:cloudtrail:us-east-1:333333333333:trail/theirs"],
  ])("%s (%s, aws:SourceArn %s) fails, naming the statement, fix: aws:SourceAccount", (sid, principal, arn) => {
    const hops = computeHops(roleDocs({ bucket: [service(sid, principal, { ArnLike: { "aws:SourceArn": arn } })] }), target);
    const deputy = hop(hops, "services-cannot-reach-bucket");
    expect(deputy.ok).toBe(false);
    expect(deputy.detail).toContain(`statement "${sid}" of bucket policy of ${B}`);
    expect(deputy.fix).toContain(`aws:SourceAccount = ${P}`);
  });

  it.each([
    ["a trail of Production's own", { ArnLike: { "aws:SourceArn": `arn:aws:cloudtrail:*:${P}:trail/*` } }, "cloudtrail.amazonaws.com"],
    [
      "any bucket, paired with aws:SourceAccount = Production",
      { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" }, StringEquals: { "aws:SourceAccount": P } },
      "s3.amazonaws.com",
    ],
    ["aws:SourceAccount = Production alone", { StringEquals: { "aws:SourceAccount": P } }, "s3.amazonaws.com"],
  ])("%s: holds, with the warning for Production's own services", (_what, condition, principal) => {
    const hops = computeHops(roleDocs({ bucket: [service("Own", principal, condition)] }), target);
    expect(hop(hops, "services-cannot-reach-bucket").ok).toBe(true);
    expect(hop(hops, "production-services-cannot-reach-bucket").ok).toBe(false);
  });
});

describe("D2, the trust side: a service admitted by the role's trust, guarded only by aws:SourceArn", () => {
  const config = (arn: string): PolicyStatement => ({
    Sid: "Config",
    Effect: "Allow",
    Principal: { Service: "config.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { ArnLike: { "aws:SourceArn": arn } },
  });

  it("a wildcard account part: cannot tell, as for a service without any condition", () => {
    const hops = computeHops(roleDocs({ trust: [config("arn:aws:config:*:*:config-rule/*")] }), target);
    expect(hop(hops, "service-cannot-assume").ok).toBe(null);
  });

  it("Production's account: only the warning for Production's own resources", () => {
    const hops = computeHops(roleDocs({ trust: [config(`arn:aws:config:*:${P}:config-rule/*`)] }), target);
    expect(hops.some((h) => h.id === "service-cannot-assume")).toBe(false);
    expect(hop(hops, "production-services-cannot-assume").ok).toBe(false);
  });
});

const CTX = "kms:EncryptionContext:aws:s3:arn";
const rootOfProduction: PolicyStatement = { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${P}:root` }, Action: "kms:*", Resource: "*" };

function kmsDocs(given: {
  keyPolicy: PolicyStatement[];
  role?: PolicyStatement[];
  bucketKeyEnabled: boolean;
  grants?: NonNullable<Exclude<NonNullable<PathDocuments["kms"]>, { unreadable: string } | { missingKey: string }>["grants"]>;
}): PathDocuments {
  const docs = roleDocs({
    role: given.role ?? [
      { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` },
      buildKmsDecryptStatement({ arn: KEY, region: "us-east-1" }, { partition: "aws", bucket: B, bucketKeyEnabled: given.bucketKeyEnabled }),
    ],
  });
  docs.kms = {
    encryption: { algorithm: "aws:kms", keyId: KEY, bucketKeyEnabled: given.bucketKeyEnabled },
    key: { arn: KEY, accountId: P, region: "us-east-1", manager: "CUSTOMER" },
    keyPolicy: labeled(`key policy of ${KEY}`, given.keyPolicy),
    ...(given.grants ? { grants: given.grants } : {}),
  } as PathDocuments["kms"];
  return docs;
}

describe("D3: S3 Bucket Keys on, older objects keep the object-ARN encryption context", () => {
  it("a key-policy Deny admitting only the bucket ARN fails key-policy-admits, saying older objects would be unreadable", () => {
    const onlyBucket: PolicyStatement = {
      Sid: "OnlyBucketCtx",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotEquals: { [CTX]: `arn:aws:s3:::${B}` } },
    };
    const hops = computeHops(kmsDocs({ keyPolicy: [rootOfProduction, onlyBucket], bucketKeyEnabled: true }), target);
    const key = hop(hops, "key-policy-admits");
    expect(key.ok).toBe(false);
    expect(key.detail).toContain('statement "OnlyBucketCtx"');
    expect(key.detail).toMatch(/written before (S3 )?Bucket Keys were enabled/);
    expect(hop(hops, "role-may-decrypt").ok).toBe(true);
  });

  it("a reader policy allowing Decrypt only for the bucket-ARN context fails role-may-decrypt the same way", () => {
    const role: PolicyStatement[] = [
      { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` },
      { Sid: "BucketCtxOnly", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY, Condition: { StringEquals: { [CTX]: `arn:aws:s3:::${B}` } } },
    ];
    const decrypt = hop(computeHops(kmsDocs({ keyPolicy: [rootOfProduction], role, bucketKeyEnabled: true }), target), "role-may-decrypt");
    expect(decrypt.ok).toBe(false);
    expect(decrypt.detail).toMatch(/written before (S3 )?Bucket Keys were enabled/);
  });

  it("setup's own grants (role policy and key-policy statement) with Bucket Keys on still hold", () => {
    const scope = { partition: "aws" as const, bucket: B, bucketKeyEnabled: true };
    const setupStatement = buildKeyPolicyStatement({ setupId: "abc123", region: "us-east-1", principals: [target.roleArn], scope });
    const hops = computeHops(kmsDocs({ keyPolicy: [setupStatement], bucketKeyEnabled: true }), target);
    expect(hop(hops, "key-policy-admits").ok).toBe(true);
    expect(hop(hops, "role-may-decrypt").ok).toBe(true);
  });

  it("without Bucket Keys a key policy admitting only object ARNs still holds", () => {
    const onlyObjects: PolicyStatement = {
      Sid: "OnlyObjects",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotLike: { [CTX]: `arn:aws:s3:::${B}/*` } },
    };
    expect(hop(computeHops(kmsDocs({ keyPolicy: [rootOfProduction, onlyObjects], bucketKeyEnabled: false }), target), "key-policy-admits").ok).toBe(true);
  });
});

describe("D5: a KMS grant whose constraints S3 can never meet does not help", () => {
  const adminOnly: PolicyStatement = { Sid: "AdminOnly", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${P}:role/Admin` }, Action: "kms:*", Resource: "*" };
  const grant = (constraints?: { encryptionContextEquals?: Record<string, string>; encryptionContextSubset?: Record<string, string> }) => ({
    grantId: "g-1",
    granteePrincipal: target.roleArn,
    operations: ["Decrypt"],
    constrained: constraints !== undefined,
    ...(constraints ? { constraints } : {}),
  });
  const keyHop = (g: ReturnType<typeof grant>) =>
    hop(computeHops(kmsDocs({ keyPolicy: [adminOnly], bucketKeyEnabled: false, grants: [g] }), target), "key-policy-admits");

  it.each([
    ["EncryptionContextEquals {purpose: test}", { encryptionContextEquals: { purpose: "test" } }],
    ["EncryptionContextSubset {purpose: test}", { encryptionContextSubset: { purpose: "test" } }],
    ["EncryptionContextEquals naming aws:s3:arn and another key", { encryptionContextEquals: { "aws:s3:arn": `arn:aws:s3:::${B}/a`, purpose: "test" } }],
    ["EncryptionContextSubset naming another bucket", { encryptionContextSubset: { "aws:s3:arn": "arn:aws:s3:::other-bucket" } }],
    ["EncryptionContextEquals naming another bucket's object", { encryptionContextEquals: { "aws:s3:arn": "arn:aws:s3:::prod-bkt-other/x" } }],
  ])("%s: the hop stays ✘", (_what, constraints) => {
    expect(keyHop(grant(constraints)).ok).toBe(false);
  });

  it.each([
    ["no constraints", undefined],
    ["EncryptionContextEquals naming this bucket", { encryptionContextEquals: { "aws:s3:arn": `arn:aws:s3:::${B}` } }],
    ["EncryptionContextSubset naming one of its objects", { encryptionContextSubset: { "aws:s3:arn": `arn:aws:s3:::${B}/reports/q1.csv` } }],
  ])("%s: cannot tell, naming the grant", (_what, constraints) => {
    const key = keyHop(grant(constraints));
    expect(key.ok).toBe(null);
    expect(key.detail).toContain("g-1");
  });
});

describe("D3, setup: a key policy admitting the role only for the bucket-ARN context, Bucket Keys on", () => {
  it("setup still plans its own key-policy statement, covering the bucket and its objects", () => {
    const ROLE = target.roleArn;
    const key = { arn: KEY, accountId: P, region: "us-east-1", manager: "CUSTOMER" as const };
    const keyPolicy = policyDocument([
      { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${P}:user/key-admin` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "RoleBucketCtx",
        Effect: "Allow",
        Principal: { AWS: ROLE },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { [CTX]: `arn:aws:s3:::${B}` } },
      },
    ]);
    const plan = planKms(
      {
        answers: { mode: "role", bucket: B, roleName: "StageRole", region: "us-east-1", stagingUser: "StageAdmin", stagingProfile: "staging", trust: {} },
        partition: "aws",
        productionAccountId: P,
        stagingAccountIds: [S],
        roleArn: ROLE,
      },
      [{ key, keyPolicy, bucketKeyEnabled: true }],
    )!;
    expect(plan.keyStatements).toHaveLength(1);
    expect(plan.keyStatements[0]!.statement.Principal).toEqual({ AWS: ROLE });
    expect(JSON.stringify(plan.keyStatements[0]!.statement.Condition)).toContain(`"arn:aws:s3:::${B}","arn:aws:s3:::${B}/*"`);
  });
});
