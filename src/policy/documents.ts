/**
 * The policy-builder library: every policy document xacct writes comes from here.
 * Pure functions returning typed documents; no I/O.
 *
 * Every statement carries a stable Sid so that later runs (plan, converge, teardown) can find
 * their own statements among other people's.
 */
import {
  accountRootArn,
  bucketArn,
  bucketObjectsArn,
  type Partition,
} from "./arn.js";

export const POLICY_VERSION = "2012-10-17";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: PolicyPrincipal;
  /** Found in other teams' bucket policies; xacct never writes it. */
  NotPrincipal?: PolicyPrincipal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, ConditionValue | ConditionValue[]>>;
}

export type PolicyPrincipal =
  | "*"
  | { AWS?: string | string[]; Service?: string | string[]; CanonicalUser?: string | string[]; Federated?: string | string[] };

/** JSON policies may spell condition values as strings, booleans or numbers. */
export type ConditionValue = string | boolean | number;

export interface PolicyDocument {
  Version: typeof POLICY_VERSION;
  Statement: PolicyStatement[];
}

/** The Sids xacct owns. Alphanumeric only, as IAM requires. */
export const SID = {
  bucketLocate: "XacctStagingLocateBucket",
  readObjects: "XacctReadObjects",
  trustStaging: "XacctTrustStagingAccount",
  assumeRole: "XacctAssumeProductionRole",
} as const;

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: statements };
}

/** Bucket policy statement: the Staging account may find the bucket's region and list it. */
export function buildBucketLocateStatement(input: {
  partition: Partition;
  bucket: string;
  stagingAccountId: string;
}): PolicyStatement {
  return {
    Sid: SID.bucketLocate,
    Effect: "Allow",
    Principal: { AWS: accountRootArn(input.partition, input.stagingAccountId) },
    Action: ["s3:GetBucketLocation", "s3:ListBucket"],
    Resource: bucketArn(input.partition, input.bucket),
  };
}

/** The managed permissions policy attached to the role: read objects, nothing else. */
export function buildReadObjectsPolicy(input: { partition: Partition; bucket: string }): PolicyDocument {
  return policyDocument([
    {
      Sid: SID.readObjects,
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: bucketObjectsArn(input.partition, input.bucket),
    },
  ]);
}

/** The role's trust policy: principals of the Staging account may assume it. */
export function buildTrustPolicy(input: { partition: Partition; stagingAccountId: string }): PolicyDocument {
  return policyDocument([
    {
      Sid: SID.trustStaging,
      Effect: "Allow",
      Principal: { AWS: accountRootArn(input.partition, input.stagingAccountId) },
      Action: "sts:AssumeRole",
    },
  ]);
}

/** The Staging user's inline policy: assume exactly that one role. */
export function buildAssumeRolePolicy(input: { roleArn: string }): PolicyDocument {
  return policyDocument([
    {
      Sid: SID.assumeRole,
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: input.roleArn,
    },
  ]);
}
