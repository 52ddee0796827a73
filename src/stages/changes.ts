/**
 * The difference between what setup wants and what exists: one Change per resource, in the
 * order setup applies them. Pure: the plan and the current state in, the changes out.
 */
import type { SetupPlan } from "../plan.js";
import {
  isOneOf,
  isTrustSid,
  isXacctTrustStatement,
  mergeOwnedStatements,
  refuseLanguageChange,
  roleArn,
  sameGrant,
  SID,
  xacctStagingPolicies,
  type PolicyDocument,
} from "../policy/index.js";
import { mergeSetupStatements, refuseUnsafeBucketMerge, type BucketSetup } from "./bucket-statements.js";
import { sameDocument } from "./compare.js";
import type { Tag } from "@aws-sdk/client-iam";
import { invalidInput } from "../errors.js";
import { DEFAULTS, setupId } from "../plan.js";
import { isXacctTagged, madeBySetup, xacctSetupOf, type BucketSettings, type ProductionState, type StagingState } from "./current.js";

export type ChangeKind = "create" | "update" | "none";

export type ChangeId = "bucket" | "bucket-hardening" | "bucket-policy" | "managed-policy" | "role" | "role-session" | "attach" | "user" | "inline-policy";

export interface Change {
  id: ChangeId;
  account: "production" | "staging";
  kind: ChangeKind;
  /** What the resource is, e.g. "role StageRole". */
  resource: string;
  note?: string;
  before?: PolicyDocument | undefined;
  after?: PolicyDocument | undefined;
}

function documentChange(before: PolicyDocument | undefined, after: PolicyDocument): ChangeKind {
  if (!before) return "create";
  return sameDocument(before, after) ? "none" : "update";
}

/**
 * `bucketCreatedByXacct`: an earlier run recorded that it created this bucket. If that run
 * stopped before tagging it, the tag is still owed (teardown recognises its buckets by it).
 */
/** What a hardened bucket has that this one lacks, in words; empty when nothing. */
export function bucketDeviations(settings: BucketSettings | undefined): string[] {
  if (!settings) return ["Block Public Access", "default encryption", "ownership BucketOwnerEnforced"];
  return [
    !settings.publicAccessBlocked && "Block Public Access is not fully on",
    !settings.encryption && "no default encryption",
    settings.objectOwnership !== "BucketOwnerEnforced" && `object ownership is ${settings.objectOwnership ?? "not set"}, not BucketOwnerEnforced`,
  ].filter((d): d is string => typeof d === "string");
}

function hardeningChange(plan: SetupPlan, prod: ProductionState): Change {
  const resource = `settings of bucket ${plan.answers.bucket}: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced`;
  if (!prod.bucketExists) return { id: "bucket-hardening", account: "production", kind: "create", resource };
  const deviations = bucketDeviations(prod.bucketSettings);
  if (deviations.length === 0) return { id: "bucket-hardening", account: "production", kind: "none", resource };
  return plan.answers.hardenBucket
    ? { id: "bucket-hardening", account: "production", kind: "update", resource, note: deviations.join("; ") }
    : { id: "bucket-hardening", account: "production", kind: "none", resource, note: `left as is: ${deviations.join("; ")}; give --harden-bucket to fix` };
}

export function computeSetupChanges(plan: SetupPlan, prod: ProductionState, staging: StagingState, bucketCreatedByXacct = false): Change[] {
  const { bucket, roleName, policyName, stagingUser } = plan.answers;
  const bucketPolicy = mergeSetupStatements(prod.bucketPolicy, bucketSetup(plan));
  const changes: Change[] = [
    bucketChange(plan, prod, bucketCreatedByXacct),
    hardeningChange(plan, prod),
    {
      id: "bucket-policy",
      account: "production",
      kind: documentChange(prod.bucketPolicy, bucketPolicy),
      resource: `bucket policy of ${bucket}`,
      before: prod.bucketPolicy,
      after: bucketPolicy,
    },
    {
      id: "managed-policy",
      account: "production",
      kind: documentChange(prod.managedPolicy?.document, plan.documents.readObjects),
      resource: `managed policy ${policyName}`,
      before: prod.managedPolicy?.document,
      after: plan.documents.readObjects,
    },
    roleChange(plan, prod),
    ...sessionChange(plan, prod),
    {
      id: "attach",
      account: "production",
      kind: prod.attachedPolicyArns.includes(plan.policyArn) ? "none" : "create",
      resource: `attachment of ${policyName} to role ${roleName}`,
    },
    { id: "user", account: "staging", kind: staging.user ? "none" : "create", resource: `user ${stagingUser}` },
    {
      id: "inline-policy",
      account: "staging",
      kind: documentChange(staging.inlinePolicy, plan.documents.stagingPolicy),
      resource: `inline policy ${plan.inlinePolicyName} of user ${stagingUser}`,
      before: staging.inlinePolicy,
      after: plan.documents.stagingPolicy,
    },
  ];
  // Resource-policy mode makes no role: only the bucket and the user's own policy change.
  const roleOnly: ChangeId[] = ["managed-policy", "role", "role-session", "attach"];
  return plan.answers.mode === "role" ? changes : changes.filter((c) => !roleOnly.includes(c.id));
}

/**
 * A bucket an earlier run created but stopped before tagging still owes its tag. Once it has
 * tags of anyone else's, though, it has been taken over: the state file's word does not claim
 * it back (teardown would then delete it).
 */
function bucketChange(plan: SetupPlan, prod: ProductionState, bucketCreatedByXacct: boolean): Change {
  const resource = `bucket ${plan.answers.bucket}`;
  if (!prod.bucketExists) return { id: "bucket", account: "production", kind: "create", resource };
  if (!bucketCreatedByXacct || isXacctTagged(prod.bucketTags)) return { id: "bucket", account: "production", kind: "none", resource };
  return prod.bucketTags.length === 0
    ? { id: "bucket", account: "production", kind: "update", resource, note: "add xacct's tag" }
    : { id: "bucket", account: "production", kind: "none", resource, note: "xacct created it, but its tags now say it is someone else's: left as theirs" };
}

/** This setup's statements in the bucket policy, as the bucket-statement rules need them. */
export function bucketSetup(plan: SetupPlan): BucketSetup {
  return { setupId: setupId(plan.answers), partition: plan.partition, bucket: plan.answers.bucket, statements: plan.documents.bucketStatements };
}

/**
 * The role's trust: xacct's statement (found by its Sid) merged into whatever trust an existing
 * role has, so other principals a role already trusts keep their access.
 */
function roleChange(plan: SetupPlan, prod: ProductionState): Change {
  const after = prod.role ? mergeOwnedStatements(prod.role.trust, plan.documents.trust.Statement, legacyTrustSids(plan, prod.role)) : plan.documents.trust;
  return {
    id: "role",
    account: "production",
    kind: documentChange(prod.role?.trust, after),
    resource: `role ${plan.answers.roleName} (trust policy)`,
    before: prod.role?.trust,
    after,
  };
}

/**
 * Stops a plan that would take over what belongs to someone else: a role, managed policy or
 * bucket made by another xacct setup, or a managed policy xacct did not make (its versions are
 * its owner's). A role xacct did not make is used as it is, with xacct's trust statement merged.
 */
export function refuseOtherOwners(plan: SetupPlan, prod: ProductionState, staging?: StagingState): void {
  const id = setupId(plan.answers);
  const conflicts: string[] = [];
  const check = (what: string, tags: readonly Tag[] | undefined, foreignIsConflict: boolean) => {
    if (!tags) return;
    const owner = xacctSetupOf(tags);
    if (owner !== undefined && owner !== id) conflicts.push(`${what} belongs to xacct setup ${owner}`);
    else if (owner === undefined && foreignIsConflict) conflicts.push(`${what} exists and was not made by xacct`);
  };
  if (plan.answers.mode === "role") {
    check(`role ${plan.answers.roleName}`, prod.role?.tags, false);
    check(`managed policy ${plan.answers.policyName}`, prod.managedPolicy?.tags, true);
  }
  check(`bucket ${plan.answers.bucket}`, prod.bucketExists ? prod.bucketTags : undefined, false);
  if (conflicts.length > 0) {
    throw invalidInput(
      `Setup ${id} would take over what is not its own: ${conflicts.join("; ")}.`,
      "Choose other names (--role-name, --policy-name, --bucket), or tear the other setup down first.",
    );
  }
  refuseUnsafeBucketMerge(prod.bucketPolicy, bucketSetup(plan));
  if (staging?.inlinePolicy) refuseForeignInlinePolicy(plan, staging.inlinePolicy);
  if (plan.answers.mode === "role" && prod.role) refuseUnsafeTrustMerge(plan, prod.role.trust);
}

/** The Staging user's inline policy of xacct's name is replaced only when xacct wrote it (for this setup). */
function refuseForeignInlinePolicy(plan: SetupPlan, current: PolicyDocument): void {
  const { mode, bucket, stagingUser } = plan.answers;
  // An older xacct named a role with a path without it (role/Name): that policy is xacct's too, and gets corrected.
  const pathless = roleArn(plan.partition, plan.accounts.production.accountId, plan.answers.roleName);
  const candidates = [plan.roleArn, pathless].flatMap((arn) => xacctStagingPolicies({ mode, partition: plan.partition, bucket, roleArn: arn }));
  if (isOneOf(current, candidates)) return;
  throw invalidInput(
    `The inline policy ${plan.inlinePolicyName} of user ${stagingUser} was not written by xacct (its content is not xacct's); xacct will not overwrite it.`,
    "Rename or remove that inline policy, or name another user with --staging-user.",
  );
}

/**
 * An older xacct wrote its trust statement under one shared Sid. It is this setup's, and gives
 * way to the setup's own Sid, in a role this setup made, or where it grants exactly the same.
 */
function legacyTrustSids(plan: SetupPlan, role: NonNullable<ProductionState["role"]>): string[] {
  const ownRole = madeBySetup(role.tags, setupId(plan.answers));
  const wanted = plan.documents.trust.Statement[0]!;
  return role.trust.Statement.filter((s) => s.Sid === SID.trustStaging && isXacctTrustStatement(s) && (ownRole || sameGrant(s, wanted))).map((s) => s.Sid!);
}

/** An existing role's trust must not hold another party's statement under xacct's Sid, nor need a new language. */
function refuseUnsafeTrustMerge(plan: SetupPlan, trust: PolicyDocument): void {
  const borrowed = trust.Statement.filter((s) => isTrustSid(s.Sid) && !isXacctTrustStatement(s));
  if (borrowed.length > 0) {
    throw invalidInput(
      `The trust policy of role ${plan.answers.roleName} holds ${borrowed.map((s) => `statement ${s.Sid}`).join(", ")}, which was not written by xacct (its content is not xacct's); xacct will not overwrite or remove it.`,
      "Give that statement a Sid of its own in the role's trust policy, or choose another role with --role-name.",
    );
  }
  refuseLanguageChange(trust, plan.documents.trust.Statement, `trust policy of role ${plan.answers.roleName}`);
}

/** An existing role's maximum session changes through UpdateRole; a new role gets it with CreateRole. */
function sessionChange(plan: SetupPlan, prod: ProductionState): Change[] {
  if (!prod.role) return [];
  // A role xacct did not make keeps its own maximum unless one is asked for.
  if (!madeBySetup(prod.role.tags, setupId(plan.answers)) && plan.answers.maxSessionDuration === DEFAULTS.maxSessionDuration) return [];
  const wanted = plan.answers.maxSessionDuration;
  const differs = prod.role.maxSessionDuration !== wanted;
  return [
    {
      id: "role-session",
      account: "production",
      kind: differs ? "update" : "none",
      resource: `maximum session duration of role ${plan.answers.roleName}`,
      ...(differs ? { note: `${prod.role.maxSessionDuration} s → ${wanted} s` } : {}),
    },
  ];
}

export function pendingChanges(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.kind !== "none");
}
