/**
 * One setup's statements in a bucket policy that other teams and other setups share: which
 * statements are this setup's, the policy setup writes, and what teardown takes out. Pure.
 *
 * A statement is this setup's when it carries one of the setup's own Sids (derived from its
 * id) with xacct's content, or, written by an older xacct under the shared Sids, when it
 * grants exactly what this setup grants.
 */
import { invalidInput } from "../errors.js";
import {
  bucketSidKind,
  bucketStatementSids,
  isXacctBucketStatement,
  LEGACY_BUCKET_POLICY_SIDS,
  mergeOwnedStatements,
  refuseLanguageChange,
  removeOwnedStatements,
  sameGrant,
  type Partition,
  type PolicyDocument,
  type PolicyStatement,
  shownText,
} from "../policy/index.js";

export interface BucketSetup {
  setupId: string;
  partition: Partition;
  bucket: string;
  /** The statements this setup writes, under its own Sids. */
  statements: readonly PolicyStatement[];
}

/** Statements carrying a Sid xacct writes whose content is not xacct's: someone else's. */
export function borrowedSidStatements(policy: PolicyDocument | undefined, setup: Pick<BucketSetup, "partition" | "bucket">): PolicyStatement[] {
  return (policy?.Statement ?? []).filter((s) => bucketSidKind(s.Sid) !== undefined && !isXacctBucketStatement(s, setup.partition, setup.bucket));
}

/** Refuses a policy that holds another party's statement under one of xacct's Sids, or whose language would have to change. */
export function refuseUnsafeBucketMerge(policy: PolicyDocument | undefined, setup: BucketSetup): void {
  const borrowed = borrowedSidStatements(policy, setup);
  if (borrowed.length > 0) {
    throw invalidInput(
      `The bucket policy of ${setup.bucket} holds ${borrowed.map((s) => `statement ${shownText(s.Sid!)}`).join(", ")}, which was not written by xacct (its content is not xacct's); xacct will not overwrite or remove it.`,
      "Give that statement a Sid of its own in the bucket policy, then run setup again.",
    );
  }
  refuseLanguageChange(policy, setup.statements, `bucket policy of ${setup.bucket}`);
}

/** Sids of statements an older xacct wrote under the shared Sids that grant exactly what this setup grants. */
function legacySidsOwned(policy: PolicyDocument | undefined, setup: BucketSetup): string[] {
  return (policy?.Statement ?? [])
    .filter((s) => s.Sid !== undefined && LEGACY_BUCKET_POLICY_SIDS.includes(s.Sid) && isXacctBucketStatement(s, setup.partition, setup.bucket))
    .filter((s) => setup.statements.some((own) => sameGrant(s, own)))
    .map((s) => s.Sid!);
}

/** This setup's Sids, whichever mode wrote them. */
function ownSids(setupId: string): string[] {
  return Object.values(bucketStatementSids(setupId));
}

/**
 * The policy after setup: this setup's statements replaced or added; its statements of the
 * other mode, and its own under older xacct's shared Sids, dropped; everything else as it was.
 */
export function mergeSetupStatements(policy: PolicyDocument | undefined, setup: BucketSetup): PolicyDocument {
  const retired = [...ownSids(setup.setupId), ...legacySidsOwned(policy, setup)];
  return mergeOwnedStatements(policy, [...setup.statements], retired);
}

/** What teardown takes out of the policy, and which of xacct's statements it leaves to their setups. */
export interface BucketStatementRemoval {
  /** The policy afterwards; undefined when nothing else is left (delete the policy). */
  after: PolicyDocument | undefined;
  removed: string[];
  /** Statements with xacct's Sids that are not this setup's: another setup's, or not xacct's at all. */
  left: PolicyStatement[];
}

export function removeSetupStatements(policy: PolicyDocument, setup: BucketSetup): BucketStatementRemoval {
  const own = new Set(ownSids(setup.setupId));
  const legacy = new Set(legacySidsOwned(policy, setup));
  const removed = policy.Statement.filter(
    (s) => s.Sid !== undefined && (legacy.has(s.Sid) || (own.has(s.Sid) && isXacctBucketStatement(s, setup.partition, setup.bucket))),
  ).map((s) => s.Sid!);
  const left = policy.Statement.filter((s) => bucketSidKind(s.Sid) !== undefined && !removed.includes(s.Sid!));
  return { after: removed.length > 0 ? removeOwnedStatements(policy, removed) : policy, removed, left };
}
