/**
 * The S3 actions "nothing more" is checked against, by what they do, and the wildcard test
 * that finds which of them a statement names. Pure data: a statement that names an S3 action
 * not listed here (a new one) is judged as administration by `actionsNamedBy` unless its name says it reads.
 */
import type { PolicyStatement } from "../policy/documents.js";
import { matchesWildcardIgnoringCase } from "../policy-eval/wildcard.js";

export type S3ActionKind = "read" | "list" | "write" | "delete" | "administer";

export interface S3Action {
  action: string;
  /** What the request names: an object of the bucket, or the bucket itself. */
  on: "object" | "bucket";
  kind: S3ActionKind;
}

const object = (kind: S3ActionKind, names: string[]): S3Action[] => names.map((n) => ({ action: `s3:${n}`, on: "object", kind }));
const bucket = (kind: S3ActionKind, names: string[]): S3Action[] => names.map((n) => ({ action: `s3:${n}`, on: "bucket", kind }));

export const S3_ACTIONS: readonly S3Action[] = [
  ...object("read", [
    "GetObject",
    "GetObjectVersion",
    "GetObjectAttributes",
    "GetObjectVersionAttributes",
    "GetObjectTagging",
    "GetObjectVersionTagging",
    "GetObjectAcl",
    "GetObjectVersionAcl",
    "GetObjectRetention",
    "GetObjectLegalHold",
    "GetObjectTorrent",
    "GetObjectVersionTorrent",
    "ListMultipartUploadParts",
  ]),
  ...bucket("list", [
    "ListBucket",
    "ListBucketVersions",
    "ListBucketMultipartUploads",
    "GetBucketLocation",
    "GetBucketPolicy",
    "GetBucketAcl",
    "GetBucketVersioning",
    "GetLifecycleConfiguration",
    "GetReplicationConfiguration",
    "GetEncryptionConfiguration",
    "GetBucketPublicAccessBlock",
    "GetBucketOwnershipControls",
    "GetBucketTagging",
    "GetBucketObjectLockConfiguration",
  ]),
  ...object("write", [
    "PutObject",
    "PutObjectTagging",
    "PutObjectVersionTagging",
    "RestoreObject",
    "ReplicateObject",
    "ReplicateTags",
    "ObjectOwnerOverrideToBucketOwner",
    "InitiateReplication",
  ]),
  ...object("delete", [
    "DeleteObject",
    "DeleteObjectVersion",
    "DeleteObjectTagging",
    "DeleteObjectVersionTagging",
    "AbortMultipartUpload",
    "ReplicateDelete",
    "BypassGovernanceRetention",
  ]),
  ...object("administer", ["PutObjectAcl", "PutObjectVersionAcl", "PutObjectRetention", "PutObjectLegalHold"]),
  ...bucket("administer", [
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketAcl",
    "DeleteBucket",
    "PutLifecycleConfiguration",
    "PutReplicationConfiguration",
    "DeleteReplicationConfiguration",
    "PutEncryptionConfiguration",
    "PutBucketPublicAccessBlock",
    "PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls",
    "PutBucketVersioning",
    "PutBucketObjectLockConfiguration",
    "PutBucketCORS",
    "PutBucketWebsite",
    "DeleteBucketWebsite",
    "PutBucketLogging",
    "PutBucketNotification",
    "PutBucketTagging",
    "PutBucketRequestPayment",
    "PutAccelerateConfiguration",
    "PutInventoryConfiguration",
    "PutAnalyticsConfiguration",
    "PutMetricsConfiguration",
    "PutIntelligentTieringConfiguration",
  ]),
];

/** Reading never changes anything: S3's read actions all begin so. */
export function isReadName(action: string): boolean {
  return /^s3:(Get|List|Describe)/i.test(action);
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function actionMatches(pattern: string, action: string): boolean {
  if (pattern === "*") return true;
  const [service, name = ""] = pattern.split(/:(.*)/s);
  return service!.toLowerCase() === "s3" && matchesWildcardIgnoringCase(name, action.slice(3));
}

/**
 * The listed actions a statement's Action or NotAction can mean, plus any S3 action it names
 * literally that is not listed (a new action): those are judged as "not a read" unless named so.
 */
export function actionsNamedBy(statement: PolicyStatement): S3Action[] {
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction);
    const unlisted = excluded.some((p) => actionMatches(p, "s3:XacctUnlisted")) ? [] : unlistedAction("s3:XacctUnlisted");
    return [...S3_ACTIONS.filter((a) => !excluded.some((p) => actionMatches(p, a.action))), ...unlisted];
  }
  const patterns = asList(statement.Action);
  const listed = S3_ACTIONS.filter((a) => patterns.some((p) => actionMatches(p, a.action)));
  const unknown = patterns
    .filter((p) => /^s3:[A-Za-z]+$/i.test(p) && !S3_ACTIONS.some((a) => a.action.toLowerCase() === p.toLowerCase()))
    .flatMap(unlistedAction);
  // A wildcard may name actions this table does not list (S3 gains new ones): one stands for them.
  const unlisted = patterns.flatMap((p) => {
    const instance = unlistedInstance(p);
    return instance ? unlistedAction(instance) : [];
  });
  return [...listed, ...unknown, ...unlisted];
}

function unlistedAction(action: string): S3Action[] {
  return [
    { action, on: "object", kind: isReadName(action) ? "read" : "administer" },
    { action, on: "bucket", kind: isReadName(action) ? "list" : "administer" },
  ];
}

/** An action name, listed nowhere, that an S3 wildcard pattern matches; undefined for other patterns. */
function unlistedInstance(pattern: string): string | undefined {
  if (!/[*?]/.test(pattern)) return undefined;
  const instance = (pattern === "*" ? "s3:*" : pattern).replace(/\*/g, "XacctUnlisted").replace(/\?/g, "X");
  return /^s3:[A-Za-z]+$/i.test(instance) ? instance : undefined;
}
