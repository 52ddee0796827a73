/**
 * Wildcards must not hide what a statement grants: an account pattern in a condition
 * (`33333333333?`, `0*` on aws:PrincipalAccount) is probed with accounts it matches, and an
 * S3 action wildcard that matches only actions xacct's table does not list counts as
 * administration. Pure: documents in, hops out.
 */
import { describe, expect, it } from "vitest";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument, type PolicyStatement } from "../src/policy/documents.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, type VerifyTarget } from "../src/verify/hops.js";

const BUCKET = "shared-b1";
const target: VerifyTarget = {
  region: "us-east-1",
  sessionName: "xacct-staging",
  productionAccountId: "111111111111",
  stagingAccountId: "222222222222",
  stagingUser: "StageAdmin",
  roleName: "Reused",
  roleArn: "arn:aws:iam::111111111111:role/Reused",
  bucket: BUCKET,
};
const locate: PolicyStatement = {
  Sid: "XacctLocate",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::222222222222:root" },
  Action: ["s3:GetBucketLocation", "s3:ListBucket"],
  Resource: `arn:aws:s3:::${BUCKET}`,
};

function docs(given: { bucket?: PolicyStatement[]; trust?: PolicyStatement[] }): PathDocuments {
  const trust = buildTrustPolicy({ partition: "aws", stagingAccountId: "222222222222" });
  return {
    userExists: true,
    userPolicies: [{ label: "inline policy admin of user StageAdmin", document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]) }],
    trust: { label: "trust policy of role Reused", document: policyDocument([...(given.trust ?? []), ...trust.Statement]) },
    rolePolicies: [{ label: "managed policy ReusedReadObjects of role Reused", document: buildReadObjectsPolicy({ partition: "aws", bucket: BUCKET }) }],
    bucketPolicy: { label: `bucket policy of ${BUCKET}`, document: policyDocument([locate, ...(given.bucket ?? [])]) },
    publicAccessBlock: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    objectOwnership: "BucketOwnerEnforced",
  };
}

const failedIds = (d: PathDocuments) =>
  computeHops(d, target)
    .filter((h) => !h.ok)
    .map((h) => h.id);
const byAccount = (pattern: string) => ({ StringLike: { "aws:PrincipalAccount": pattern } });

describe("an account pattern in a condition is probed with accounts it matches", () => {
  it.each(["33333333333?", "0*", "3*3"])("a bucket grant to accounts %s is a third account reading and changing", (pattern) => {
    const upload: PolicyStatement = {
      Sid: "PartnerUpload",
      Effect: "Allow",
      Principal: "*",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"],
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: byAccount(pattern),
    };
    expect(failedIds(docs({ bucket: [upload] }))).toContain("no-third-account-reads");
  });

  it("a reused role's trust admitting accounts 33333333333? admits a third account", () => {
    const partner: PolicyStatement = { Sid: "Partner", Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: byAccount("33333333333?") };
    const third = computeHops(docs({ trust: [partner] }), target).find((h) => h.id === "third-account-cannot-assume")!;
    expect(third.ok).toBe(false);
    expect(third.detail).toContain('statement "Partner"');
  });

  it("a pattern that matches Staging alone admits no one else, and one that matches more does", () => {
    const grant = (pattern: string): PolicyStatement => ({
      Sid: "Sides",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: byAccount(pattern),
    });
    expect(failedIds(docs({ bucket: [grant("222222222222")] }))).not.toContain("no-third-account-reads");
    expect(failedIds(docs({ bucket: [grant("22222222222?")] }))).toContain("no-third-account-reads");
  });
});

describe("an S3 action wildcard that matches no listed action counts as administration", () => {
  it("anyone may s3:CreateBucketMetadata*: the bucket is public", () => {
    const meta: PolicyStatement = {
      Sid: "StagingMeta",
      Effect: "Allow",
      Principal: "*",
      Action: ["s3:CreateBucketMetadata*"],
      Resource: `arn:aws:s3:::${BUCKET}`,
    };
    expect(failedIds(docs({ bucket: [meta] }))).toContain("bucket-not-public");
  });

  it("Staging may s3:*Abac on the bucket: it changes the bucket without the role", () => {
    const abac: PolicyStatement = {
      Sid: "StagingAbac",
      Effect: "Allow",
      Principal: { AWS: "222222222222" },
      Action: ["s3:*Abac"],
      Resource: `arn:aws:s3:::${BUCKET}`,
    };
    expect(failedIds(docs({ bucket: [abac] }))).toContain("staging-cannot-read-directly");
  });

  it("a read wildcard (s3:Get*) for the role stays a read", () => {
    const reads: PolicyStatement = {
      Sid: "Reads",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:role/Reused" },
      Action: ["s3:Get*"],
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    };
    expect(failedIds(docs({ bucket: [reads] }))).toEqual([]);
  });
});
