/**
 * The breadth of verify's "cannot" checks: a grant limited to part of the bucket (a prefix, a
 * policy variable), any action beyond reading (versions, retention, bucket policy, ACLs), for
 * the role, for Staging without the role, for third accounts and the public. Pure: documents in,
 * hops out.
 */
import { describe, expect, it } from "vitest";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument, type PolicyStatement } from "../src/policy/documents.js";
import { computeHops, type VerifyTarget } from "../src/verify/hops.js";
import type { PathDocuments } from "../src/verify/documents.js";

const BUCKET = "prod-bucket-a1";
const target: VerifyTarget = {
  region: "us-east-1",
  sessionName: "xacct-staging",
  productionAccountId: "111111111111",
  stagingAccountId: "222222222222",
  stagingUser: "StageAdmin",
  roleName: "StageRole",
  roleArn: "arn:aws:iam::111111111111:role/StageRole",
  bucket: BUCKET,
  assumeContext: { "aws:MultiFactorAuthPresent": true },
};
const locate: PolicyStatement = {
  Sid: "XacctLocate",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::222222222222:root" },
  Action: ["s3:GetBucketLocation", "s3:ListBucket"],
  Resource: `arn:aws:s3:::${BUCKET}`,
};

function docs(extraBucket: PolicyStatement[] = [], extraRole: PolicyStatement[] = []): PathDocuments {
  return {
    userExists: true,
    userPolicies: [{ label: "inline policy admin of user StageAdmin", document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]) }],
    trust: { label: "trust policy of role StageRole", document: buildTrustPolicy({ partition: "aws", stagingAccountId: "222222222222" }) },
    rolePolicies: [
      { label: "managed policy StageRoleReadObjects of role StageRole", document: buildReadObjectsPolicy({ partition: "aws", bucket: BUCKET }) },
      ...(extraRole.length ? [{ label: "inline policy extra of role StageRole", document: policyDocument(extraRole) }] : []),
    ],
    bucketPolicy: { label: `bucket policy of ${BUCKET}`, document: policyDocument([locate, ...extraBucket]) },
    publicAccessBlock: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    objectOwnership: "BucketOwnerEnforced",
  };
}

const failed = (d: PathDocuments, t: VerifyTarget = target) => computeHops(d, t).filter((h) => !h.ok);
const obj = (suffix: string) => `arn:aws:s3:::${BUCKET}/${suffix}`;

describe("verify's negative checks cover any object and any action", () => {
  it("the normal recipe passes, read-only extras are not called writes", () => {
    expect(failed(docs())).toEqual([]);
    const reads = { Sid: "MoreReads", Effect: "Allow" as const, Action: ["s3:Get*", "s3:List*"], Resource: [obj("*")] };
    expect(failed(docs([], [reads]))).toEqual([]);
  });

  const cases: Array<{ name: string; bucket?: PolicyStatement[]; role?: PolicyStatement[]; hops: string[]; says: string }> = [
    {
      name: "a prefix grant to the role and a third account (finding 1)",
      bucket: [
        {
          Sid: "Uploads",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::111111111111:role/StageRole", "arn:aws:iam::333333333333:root"] },
          Action: ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"],
          Resource: obj("uploads/*"),
        },
      ],
      hops: ["role-cannot-write", "role-cannot-delete", "no-third-account-reads"],
      says: "uploads/",
    },
    {
      name: "a policy variable (finding 1)",
      bucket: [
        {
          Sid: "Home",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:role/StageRole" },
          Action: ["s3:PutObject", "s3:DeleteObject"],
          Resource: obj("home/${aws:userid}/*"),
        },
      ],
      hops: ["role-cannot-write", "role-cannot-delete"],
      says: 'statement "Home"',
    },
    {
      name: "a reused role's own prefix write (finding 1)",
      role: [{ Sid: "Drop", Effect: "Allow", Action: "s3:PutObject", Resource: obj("drop/*") }],
      hops: ["role-cannot-write"],
      says: "drop/x",
    },
    {
      name: "a third account writing (finding 2)",
      bucket: [
        { Sid: "D", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: obj("*") },
      ],
      hops: ["no-third-account-reads"],
      says: "s3:PutObject",
    },
    {
      name: "a third account administering the bucket (finding 2)",
      bucket: [
        {
          Sid: "D",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::333333333333:root" },
          Action: ["s3:PutBucketPolicy", "s3:DeleteBucket"],
          Resource: `arn:aws:s3:::${BUCKET}`,
        },
      ],
      hops: ["no-third-account-reads"],
      says: "s3:PutBucketPolicy",
    },
    {
      name: "Staging writing without the role (finding 2)",
      bucket: [
        { Sid: "D", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: obj("*") },
      ],
      hops: ["staging-cannot-read-directly"],
      says: "Staging account 222222222222",
    },
    {
      name: "the public administering the bucket (finding 2)",
      bucket: [{ Sid: "D", Effect: "Allow", Principal: "*", Action: ["s3:PutBucketPolicy", "s3:PutBucketAcl"], Resource: `arn:aws:s3:::${BUCKET}` }],
      hops: ["bucket-not-public", "staging-cannot-read-directly", "role-cannot-administer"],
      says: "s3:PutBucketPolicy",
    },
    {
      name: "the public writing under a condition on its own account (finding 2)",
      bucket: [
        {
          Sid: "D",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: obj("*"),
          Condition: { StringEquals: { "aws:PrincipalAccount": "333333333333" } },
        },
      ],
      hops: ["no-third-account-reads"],
      says: "account 333333333333",
    },
    {
      name: "a reused role deleting versions, setting retention, bypassing governance (finding 9)",
      role: [{ Sid: "Lock", Effect: "Allow", Action: ["s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:BypassGovernanceRetention"], Resource: obj("*") }],
      hops: ["role-cannot-delete", "role-cannot-administer"],
      says: 'statement "Lock"',
    },
    {
      name: "a reused role with s3:* by NotAction",
      role: [{ Sid: "Not", Effect: "Allow", NotAction: "s3:GetObject", Resource: obj("*") }],
      hops: ["role-cannot-write", "role-cannot-delete", "role-cannot-administer"],
      says: 'statement "Not"',
    },
  ];

  it.each(cases)("catches $name", ({ bucket, role, hops, says }) => {
    const bad = failed(docs(bucket, role));
    expect(bad.map((h) => h.id).sort()).toEqual([...hops].sort());
    expect(bad.map((h) => h.detail).join(" ")).toContain(says);
  });

  it("resource-policy mode: Staging writing or administering through the bucket is beyond the plan", () => {
    const read: PolicyStatement = {
      Sid: "Read",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::222222222222:root" },
      Action: "s3:GetObject",
      Resource: obj("*"),
    };
    const direct = { ...docs([read]), trust: undefined, rolePolicies: [] };
    const t = { ...target, mode: "resource-policy" as const };
    expect(failed(direct, t)).toEqual([]);
    const more = {
      ...docs([
        read,
        {
          Sid: "W",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::222222222222:root" },
          Action: ["s3:PutObject", "s3:PutBucketAcl"],
          Resource: [obj("in/*"), `arn:aws:s3:::${BUCKET}`],
        },
      ]),
      trust: undefined,
      rolePolicies: [],
    };
    expect(
      failed(more, t)
        .map((h) => h.id)
        .sort(),
    ).toEqual(["user-cannot-administer", "user-cannot-write"]);
  });
});
