/**
 * The difference between what setup wants and what exists: one Change per resource, in the
 * order setup applies them. Pure: the plan and the current state in, the changes out.
 */
import type { SetupPlan } from "../plan.js";
import { mergeOwnedStatements, type PolicyDocument } from "../policy/index.js";
import { sameDocument } from "./compare.js";
import { isXacctTagged, type ProductionState, type StagingState } from "./current.js";

export type ChangeKind = "create" | "update" | "none";

export type ChangeId = "bucket" | "bucket-policy" | "managed-policy" | "role" | "attach" | "user" | "inline-policy";

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
export function computeSetupChanges(plan: SetupPlan, prod: ProductionState, staging: StagingState, bucketCreatedByXacct = false): Change[] {
  const { bucket, roleName, policyName, stagingUser } = plan.answers;
  const bucketPolicy = mergeOwnedStatements(prod.bucketPolicy, [plan.documents.bucketStatement]);
  const bucketKind: ChangeKind = !prod.bucketExists
    ? "create"
    : bucketCreatedByXacct && !isXacctTagged(prod.bucketTags)
      ? "update"
      : "none";
  const changes: Change[] = [
    { id: "bucket", account: "production", kind: bucketKind, resource: `bucket ${bucket}`, ...(bucketKind === "update" ? { note: "add xacct's tag" } : {}) },
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
    {
      id: "role",
      account: "production",
      kind: documentChange(prod.role?.trust, plan.documents.trust),
      resource: `role ${roleName} (trust policy)`,
      before: prod.role?.trust,
      after: plan.documents.trust,
    },
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
      kind: documentChange(staging.inlinePolicy, plan.documents.assumeRole),
      resource: `inline policy ${plan.inlinePolicyName} of user ${stagingUser}`,
      before: staging.inlinePolicy,
      after: plan.documents.assumeRole,
    },
  ];
  return changes;
}

export function pendingChanges(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.kind !== "none");
}
