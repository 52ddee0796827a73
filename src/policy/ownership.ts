/**
 * Telling xacct's statements from everyone else's in documents other people share (bucket
 * policies, role trusts, a user's inline policies). A Sid alone proves nothing, since anyone
 * can write one: a statement is xacct's when its Sid is one xacct writes AND its content has
 * the shape xacct gives it. Each setup's bucket statements carry Sids derived from the setup's
 * id, so setups sharing a bucket never change each other's.
 */
import { createHash } from "node:crypto";
import { bucketArn, bucketObjectsArn, type Partition } from "./arn.js";
import { buildAssumeRolePolicy, buildReadBucketPolicy, SID, type PolicyDocument, type PolicyStatement } from "./documents.js";
import { byCodeUnits } from "../code-unit-order.js";
import { notExactParts } from "./bucket-policy.js";

/** 12 hex characters naming one setup (`<bucket>/<role>`): alphanumeric, as Sids must be. */
export function setupDigest(setupId: string): string {
  return createHash("sha256").update(setupId).digest("hex").slice(0, 12);
}

/** The Sids of one setup's statements in a bucket policy. */
export function bucketStatementSids(setupId: string): { locate: string; read: string } {
  const digest = setupDigest(setupId);
  return { locate: `${SID.bucketLocate}${digest}`, read: `${SID.bucketRead}${digest}` };
}

/** The Sid of one setup's statement in a role's trust (a role xacct did not make may serve several setups). */
export function trustStatementSid(setupId: string): string {
  return `${SID.trustStaging}${setupDigest(setupId)}`;
}

const BUCKET_SID = new RegExp(`^(${SID.bucketLocate}|${SID.bucketRead})([0-9a-f]{12})?$`);
const TRUST_SID = new RegExp(`^${SID.trustStaging}([0-9a-f]{12})?$`);

/** Which of xacct's bucket grants a Sid stands for (any setup's, or an older xacct's); undefined for other Sids. */
export function bucketSidKind(sid: string | undefined): "locate" | "read" | undefined {
  const match = sid === undefined ? null : BUCKET_SID.exec(sid);
  if (!match) return undefined;
  return match[1] === SID.bucketLocate ? "locate" : "read";
}

/** A Sid xacct writes in trust policies. */
export function isTrustSid(sid: string | undefined): boolean {
  return sid !== undefined && TRUST_SID.test(sid);
}

/** The principals of an `{"AWS": …}` principal; undefined for any other kind of principal. */
export function awsPrincipals(statement: PolicyStatement): string[] | undefined {
  const principal = statement.Principal;
  if (typeof principal !== "object" || Object.keys(principal).some((key) => key !== "AWS")) return undefined;
  const list = typeof principal.AWS === "string" ? [principal.AWS] : principal.AWS;
  return Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === "string") ? list : undefined;
}

/** Order-free form of a statement or document: keys sorted, lists as sorted sets, one-item lists as the item. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    return items.map((item) => JSON.stringify(item)).sort();
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => byCodeUnits(a, b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The same grant, whatever its Sid: principals compared as a set. */
export function sameGrant(a: PolicyStatement, b: PolicyStatement): boolean {
  const { Sid: _a, ...restA } = a;
  const { Sid: _b, ...restB } = b;
  return sameContent(restA, restB);
}

/** One of xacct's bucket statements for this bucket, granting whichever accounts it names. */
export function isXacctBucketStatement(statement: PolicyStatement, partition: Partition, bucket: string): boolean {
  const kind = bucketSidKind(statement.Sid);
  if (!kind || !awsPrincipals(statement)) return false;
  const { Sid: _sid, Principal: _principal, ...rest } = statement;
  const expected =
    kind === "locate"
      ? { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: bucketArn(partition, bucket) }
      : { Effect: "Allow", Action: "s3:GetObject", Resource: bucketObjectsArn(partition, bucket) };
  return sameContent(rest, expected);
}

/** The condition keys xacct's trust statement may carry, by operator. */
const TRUST_CONDITIONS: Record<string, string[]> = {
  StringEquals: ["sts:ExternalId", "aws:PrincipalOrgID"],
  Bool: ["aws:MultiFactorAuthPresent"],
  // --trust-sso-permission-set: the permission sets' roles (policy/documents.ts).
  ArnLike: ["aws:PrincipalArn"],
};

/** xacct's trust statement: an Allow of sts:AssumeRole to named AWS principals, under xacct's conditions only. */
export function isXacctTrustStatement(statement: PolicyStatement): boolean {
  if (!isTrustSid(statement.Sid) || statement.Effect !== "Allow" || !awsPrincipals(statement)) return false;
  const { Sid: _sid, Effect: _effect, Principal: _principal, Action, Condition, ...rest } = statement;
  if (Object.keys(rest).length > 0) return false;
  const actionOk = sameContent(Action, "sts:AssumeRole") || sameContent(Action, ["sts:AssumeRole", "sts:SetSourceIdentity"]);
  const conditionOk = Object.entries(Condition ?? {}).every(
    ([operator, keys]) => TRUST_CONDITIONS[operator] !== undefined && Object.keys(keys).every((key) => TRUST_CONDITIONS[operator]!.includes(key)),
  );
  return actionOk && conditionOk;
}

/**
 * A document that is, statement for statement, one of those xacct would write (Version aside).
 * Never one that may hide what xacct did not read (a key written twice, a number too long).
 */
export function isOneOf(document: PolicyDocument, candidates: readonly PolicyDocument[]): boolean {
  if (notExactParts(document).length > 0) return false;
  return candidates.some((candidate) => sameContent(document.Statement, candidate.Statement));
}

/** Every form of the Staging user's inline policy xacct writes for one setup (with and without source identity). */
export function xacctStagingPolicies(setup: { mode: "role" | "resource-policy"; partition: Partition; bucket: string; roleArn: string }): PolicyDocument[] {
  return setup.mode === "role"
    ? [buildAssumeRolePolicy({ roleArn: setup.roleArn }), buildAssumeRolePolicy({ roleArn: setup.roleArn, allowSourceIdentity: true })]
    : [buildReadBucketPolicy({ partition: setup.partition, bucket: setup.bucket })];
}
