/**
 * The policy-builder library: every policy document xacct writes comes from here.
 * Pure functions returning typed documents; no I/O.
 *
 * Every statement carries a stable Sid so that later runs (plan, converge, teardown) can find
 * their own statements among other people's.
 */
import { accountRootArn, bucketArn, bucketObjectsArn, type Partition } from "./arn.js";

export const POLICY_VERSION = "2012-10-17";

/** Characters that act on a terminal rather than print: controls, line breaks, bidirectional overrides. */
const ACTING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Text from AWS that others wrote (a Sid, a tag value, a Content-Type) as messages show it: as
 * it is, or, when it holds a character that would act on the terminal (clear the screen, start
 * a forged line), quoted with those escaped.
 */
export function shownText(text: string): string {
  return ACTING.test(text) ? quotedText(text) : text;
}

/** Text in quotes, with quotes, backslashes and the characters that act on a terminal escaped. */
export function quotedText(text: string): string {
  return `"${text.replace(/["\\]/g, "\\$&").replace(new RegExp(ACTING.source, "g"), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

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

export type PolicyPrincipal = "*" | { AWS?: string | string[]; Service?: string | string[]; CanonicalUser?: string | string[]; Federated?: string | string[] };

/** JSON policies may spell condition values as strings, booleans or numbers. */
export type ConditionValue = string | boolean | number;

export interface PolicyDocument {
  /**
   * The policy language: xacct writes 2012-10-17; an existing document keeps its own (absent or
   * 2008-10-17 means `${…}` is literal text, not a policy variable).
   */
  Version?: string;
  Statement: PolicyStatement[];
}

/** The Sids xacct owns. Alphanumeric only, as IAM requires. */
export const SID = {
  bucketLocate: "XacctStagingLocateBucket",
  readObjects: "XacctReadObjects",
  trustStaging: "XacctTrustStagingAccount",
  assumeRole: "XacctAssumeProductionRole",
  // Resource-policy mode: the bucket grants reads directly, and the user's own policy allows them.
  bucketRead: "XacctStagingReadObjects",
  listBucket: "XacctListBucket",
} as const;

/** The Sids every setup wrote into bucket policies before each setup had Sids of its own. */
export const LEGACY_BUCKET_POLICY_SIDS: readonly string[] = [SID.bucketLocate, SID.bucketRead];

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: statements };
}

/** The Staging side: one account, or several (their roots, in a deterministic order). */
export interface StagingAccounts {
  partition: Partition;
  stagingAccountId: string;
  /** Further Staging accounts trusted and granted alike. */
  moreStagingAccountIds?: string[] | undefined;
}

/** The chosen principals, else every Staging account's root: sorted and unique, so reruns match. */
function stagingPrincipals(input: StagingAccounts & { principals?: string[] | undefined }): string[] {
  if (input.principals?.length) return [...new Set(input.principals)].sort();
  const accounts = [...new Set([input.stagingAccountId, ...(input.moreStagingAccountIds ?? [])])].sort();
  return accounts.map((account) => accountRootArn(input.partition, account));
}

/** Who a statement grants, as IAM writes it: a string for one principal, a list for several. */
function grantee(input: StagingAccounts & { principals?: string[] | undefined }): { AWS: string | string[] } {
  const principals = stagingPrincipals(input);
  return { AWS: principals.length === 1 ? principals[0]! : principals };
}

/** What a bucket statement is about; `sid` is the setup's own (see bucketStatementSids). */
type BucketGrant = StagingAccounts & { bucket: string; principals?: string[] | undefined; sid?: string | undefined };

/** Bucket policy statement: the Staging account may find the bucket's region and list it. */
export function buildBucketLocateStatement(input: BucketGrant): PolicyStatement {
  return {
    Sid: input.sid ?? SID.bucketLocate,
    Effect: "Allow",
    Principal: grantee(input),
    Action: ["s3:GetBucketLocation", "s3:ListBucket"],
    Resource: bucketArn(input.partition, input.bucket),
  };
}

/** Resource-policy mode: the bucket itself lets the Staging account read its objects. */
export function buildBucketReadStatement(input: BucketGrant): PolicyStatement {
  return {
    Sid: input.sid ?? SID.bucketRead,
    Effect: "Allow",
    Principal: grantee(input),
    Action: "s3:GetObject",
    Resource: bucketObjectsArn(input.partition, input.bucket),
  };
}

/** Resource-policy mode: the Staging user's own policy for exactly those reads of that bucket. */
export function buildReadBucketPolicy(input: { partition: Partition; bucket: string }): PolicyDocument {
  return policyDocument([
    { Sid: SID.readObjects, Effect: "Allow", Action: "s3:GetObject", Resource: bucketObjectsArn(input.partition, input.bucket) },
    { Sid: SID.listBucket, Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: bucketArn(input.partition, input.bucket) },
  ]);
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

/** How tightly the role's trust is drawn; everything optional narrows the recipe's default. */
export interface TrustHardening {
  /** Specific users or roles to trust instead of the whole Staging account. */
  principals?: string[] | undefined;
  /** Required `sts:ExternalId`: guards a role meant for a third party against the confused deputy. */
  externalId?: string | undefined;
  /** Require that the caller signed in with MFA. */
  requireMfa?: boolean | undefined;
  /** Only principals of this AWS Organization. */
  orgId?: string | undefined;
  /** Let callers set a source identity that follows the session through role chains. */
  allowSourceIdentity?: boolean | undefined;
  /**
   * IAM Identity Center permission sets (by name) whose roles in the Staging accounts may
   * assume the role: the account principal, narrowed by `ArnLike aws:PrincipalArn`.
   */
  ssoPermissionSets?: string[] | undefined;
}

/**
 * Identity Center names a permission set's role `AWSReservedSSO_<name>_<suffix>`, the suffix 16
 * hexadecimal characters, under `/aws-reserved/sso.amazonaws.com/` (identity source in us-east-1)
 * or `/aws-reserved/sso.amazonaws.com/<region>/` (elsewhere). Sixteen `?` match the suffix and
 * nothing longer: `AWSReservedSSO_Dev_*` would also admit a permission set named `Dev_Admin`.
 * Only Identity Center can create roles under /aws-reserved/.
 */
export const SSO_ROLE_SUFFIX_LENGTH = 16;

/** The two ARN patterns (no region, any region) that admit exactly one permission set's roles in one account. */
export function ssoPermissionSetRolePatterns(partition: Partition, accountId: string, permissionSet: string): string[] {
  const name = `AWSReservedSSO_${permissionSet}_${"?".repeat(SSO_ROLE_SUFFIX_LENGTH)}`;
  const base = `arn:${partition}:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/`;
  return [`${base}${name}`, `${base}*/${name}`];
}

/** The actions a caller needs on the role: AssumeRole, and SetSourceIdentity when allowed. */
export function assumeActions(trust: TrustHardening): string | string[] {
  return trust.allowSourceIdentity ? ["sts:AssumeRole", "sts:SetSourceIdentity"] : "sts:AssumeRole";
}

/** The role's trust policy: the Staging account (or the chosen principals) may assume it, under the chosen conditions. */
export function buildTrustPolicy(input: StagingAccounts & TrustHardening & { sid?: string | undefined }): PolicyDocument {
  // Several accounts within one organization: name the organization, not every account
  // (AWS's pattern for org-wide trust; keeps the document small however many accounts).
  const orgWide = !!input.orgId && !input.principals?.length && (input.moreStagingAccountIds?.length ?? 0) > 0;
  const sso = ssoPrincipalArns(input);
  // Permission sets: the Staging accounts' roots, and aws:PrincipalArn names who of them (named principals too).
  const principals = sso.length > 0 ? stagingPrincipals({ ...input, principals: undefined }) : orgWide ? ["*"] : stagingPrincipals(input);
  const stringEquals: Record<string, string> = {};
  if (input.externalId) stringEquals["sts:ExternalId"] = input.externalId;
  if (input.orgId) stringEquals["aws:PrincipalOrgID"] = input.orgId;
  const condition: NonNullable<PolicyStatement["Condition"]> = {};
  if (Object.keys(stringEquals).length > 0) condition["StringEquals"] = stringEquals;
  if (input.requireMfa) condition["Bool"] = { "aws:MultiFactorAuthPresent": "true" };
  if (sso.length > 0) condition["ArnLike"] = { "aws:PrincipalArn": sso.length === 1 ? sso[0]! : sso };
  return policyDocument([
    {
      Sid: input.sid ?? SID.trustStaging,
      Effect: "Allow",
      Principal: { AWS: principals.length === 1 ? principals[0]! : principals },
      Action: assumeActions(input),
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    },
  ]);
}

/** The permission sets' role patterns in every Staging account, then any named principals; empty without permission sets. */
function ssoPrincipalArns(input: StagingAccounts & TrustHardening): string[] {
  const sets = [...new Set(input.ssoPermissionSets ?? [])].sort();
  if (sets.length === 0) return [];
  const accounts = [...new Set([input.stagingAccountId, ...(input.moreStagingAccountIds ?? [])])].sort();
  const patterns = accounts.flatMap((account) => sets.flatMap((set) => ssoPermissionSetRolePatterns(input.partition, account, set)));
  return [...patterns, ...[...new Set(input.principals ?? [])].sort()];
}

/** The Staging user's inline policy: assume exactly that one role. */
export function buildAssumeRolePolicy(input: { roleArn: string; allowSourceIdentity?: boolean | undefined }): PolicyDocument {
  return policyDocument([
    {
      Sid: SID.assumeRole,
      Effect: "Allow",
      Action: assumeActions(input),
      Resource: input.roleArn,
    },
  ]);
}
