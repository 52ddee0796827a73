import { describe, expect, it } from "vitest";
import {
  buildAssumeRolePolicy,
  buildBucketLocateStatement,
  buildReadObjectsPolicy,
  buildTrustPolicy,
  mergeOwnedStatements,
  parsePolicyDocument,
  partitionForRegion,
  policyDocument,
  removeOwnedStatements,
  roleArn,
  SID,
} from "../src/policy/index.js";

describe("partitions", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-west-2", "aws"],
    ["cn-north-1", "aws-cn"],
    ["cn-northwest-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ])("%s is in partition %s", (region, partition) => {
    expect(partitionForRegion(region)).toBe(partition);
  });
});

describe("policy builders", () => {
  const cases = [
    {
      name: "bucket policy lets Staging locate and list the bucket, in aws-cn",
      build: () => buildBucketLocateStatement({ partition: "aws-cn", bucket: "b1-data", stagingAccountId: "222222222222" }),
      expected: {
        Sid: SID.bucketLocate,
        Effect: "Allow",
        Principal: { AWS: "arn:aws-cn:iam::222222222222:root" },
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: "arn:aws-cn:s3:::b1-data",
      },
    },
    {
      name: "managed policy reads objects of exactly that bucket",
      build: () => buildReadObjectsPolicy({ partition: "aws", bucket: "production-test-bucket-101" }),
      expected: {
        Version: "2012-10-17",
        Statement: [{ Sid: SID.readObjects, Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::production-test-bucket-101/*" }],
      },
    },
    {
      name: "trust policy names the Staging account root",
      build: () => buildTrustPolicy({ partition: "aws-us-gov", stagingAccountId: "222222222222" }),
      expected: {
        Version: "2012-10-17",
        Statement: [{ Sid: SID.trustStaging, Effect: "Allow", Principal: { AWS: "arn:aws-us-gov:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
      },
    },
    {
      name: "Staging inline policy allows AssumeRole on exactly the role",
      build: () => buildAssumeRolePolicy({ roleArn: roleArn("aws", "111111111111", "StageRole") }),
      expected: {
        Version: "2012-10-17",
        Statement: [{ Sid: SID.assumeRole, Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/StageRole" }],
      },
    },
  ];
  it.each(cases)("$name", ({ build, expected }) => {
    expect(build()).toEqual(expected);
  });

  it("uses no wildcard except the object wildcard the task needs", () => {
    const docs = [
      buildReadObjectsPolicy({ partition: "aws", bucket: "b1-data" }),
      buildTrustPolicy({ partition: "aws", stagingAccountId: "222222222222" }),
      buildAssumeRolePolicy({ roleArn: roleArn("aws", "111111111111", "StageRole") }),
      policyDocument([buildBucketLocateStatement({ partition: "aws", bucket: "b1-data", stagingAccountId: "222222222222" })]),
    ];
    const stars = JSON.stringify(docs).match(/[^"]*\*[^"]*/g);
    expect(stars).toEqual(["arn:aws:s3:::b1-data/*"]);
  });

  it("gives every statement an alphanumeric Sid that IAM accepts", () => {
    for (const sid of Object.values(SID)) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
  });
});

describe("bucket policy merging", () => {
  const ours = buildBucketLocateStatement({ partition: "aws", bucket: "b1-data", stagingAccountId: "222222222222" });
  const foreign = { Sid: "OtherTeam", Effect: "Deny" as const, Principal: "*" as const, Action: "s3:*", Resource: "arn:aws:s3:::b1-data" };

  it("creates a policy holding only our statement when the bucket has none", () => {
    expect(mergeOwnedStatements(undefined, [ours])).toEqual(policyDocument([ours]));
  });

  it("keeps other statements in place and replaces ours where it stood", () => {
    const stale = { ...ours, Principal: { AWS: "arn:aws:iam::333333333333:root" } };
    const merged = mergeOwnedStatements(policyDocument([stale, foreign]), [ours]);
    expect(merged.Statement).toEqual([ours, foreign]);
  });

  it("appends ours after foreign statements when it was missing", () => {
    expect(mergeOwnedStatements(policyDocument([foreign]), [ours]).Statement).toEqual([foreign, ours]);
  });

  it("removes only our statements, and reports an empty policy as gone", () => {
    expect(removeOwnedStatements(policyDocument([foreign, ours]), [SID.bucketLocate])?.Statement).toEqual([foreign]);
    expect(removeOwnedStatements(policyDocument([ours]), [SID.bucketLocate])).toBeUndefined();
  });

  it("parses documents as S3 (JSON) and IAM (URL-encoded) return them", () => {
    const doc = policyDocument([ours]);
    expect(parsePolicyDocument(JSON.stringify(doc))).toEqual(doc);
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
    expect(parsePolicyDocument(JSON.stringify({ Version: "2012-10-17", Statement: ours })).Statement).toEqual([ours]);
  });
});
