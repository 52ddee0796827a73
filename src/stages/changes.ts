/**
 * The difference between what setup wants and what exists: one Change per resource, in the
 * order setup applies them (resources/index.ts). Pure: the plan and the current state in, the
 * changes out. Each kind's change is its module's; the refusals here look across kinds.
 */
import type { Tag } from "@aws-sdk/client-iam";
import { invalidInput } from "../errors.js";
import { conflictHint, describeConflict, untagBucketCommand, type OwnerConflict } from "./owner-conflicts.js";
import { setupId, type SetupPlan } from "../plan.js";
import { SETUP_ORDER } from "../resources/index.js";
import { bucketSetup } from "../resources/bucket-policy.js";
import { refuseUnsafeBucketMerge } from "../resources/bucket-statements.js";
import { refuseForeignInlinePolicy } from "../resources/inline-policy.js";
import type { Change, ChangeKind } from "../resources/resource.js";
import { xacctSetupOf, type ProductionState, type StagingState } from "../resources/state.js";
import { refuseUnsafeTrustMerge } from "../resources/trust-statements.js";

export type { Change, ChangeKind };

/**
 * `bucketCreatedByXacct`: an earlier run recorded that it created this bucket. If that run
 * stopped before tagging it, the tag is still owed (teardown recognises its buckets by it).
 */
export function computeSetupChanges(plan: SetupPlan, prod: ProductionState, staging: StagingState, bucketCreatedByXacct = false): Change[] {
  const view = { plan, prod, staging, bucketCreatedByXacct };
  // Resource-policy mode makes no role: only the bucket and the user's own policy change.
  const kinds = SETUP_ORDER.filter((kind) => plan.answers.mode === "role" || !kind.roleOnly);
  return kinds.flatMap((kind) => kind.change?.(view) ?? []);
}

/**
 * Stops a plan that would take over what belongs to someone else: a role, managed policy or
 * bucket made by another xacct setup, or a managed policy xacct did not make (its versions are
 * its owner's). A role xacct did not make is used as it is, with xacct's trust statement merged.
 * `rememberedIds`: the setups xacct remembers. A tag naming one of them says which teardown
 * frees the resource; a tag naming none outlived its setup (teardown kept a bucket that held
 * objects, or the setup was made elsewhere), and for a bucket the hint gives the command that
 * removes it (the old setup's bucket statements left with it; its data is the bucket's own).
 */
export function refuseOtherOwners(plan: SetupPlan, prod: ProductionState, staging?: StagingState, rememberedIds: readonly string[] = []): void {
  const id = setupId(plan.answers);
  const conflicts = ownershipConflicts(plan, prod, rememberedIds);
  if (conflicts.length > 0) {
    throw invalidInput(`Setup ${id} would take over what is not its own: ${conflicts.map(describeConflict).join("; ")}.`, conflictHint(conflicts));
  }
  refuseUnsafeBucketMerge(prod.bucketPolicy, bucketSetup(plan));
  if (staging?.inlinePolicy) refuseForeignInlinePolicy(plan, staging.inlinePolicy);
  if (plan.answers.mode === "role" && prod.role) refuseUnsafeTrustMerge(plan, prod.role.trust);
}

/** What of the plan's resources belongs to someone else (setup and export refuse to take it over). */
export function ownershipConflicts(plan: SetupPlan, prod: ProductionState, rememberedIds: readonly string[] = []): OwnerConflict[] {
  const id = setupId(plan.answers);
  const conflicts: OwnerConflict[] = [];
  const check = (what: string, tags: readonly Tag[] | undefined, foreignIsConflict: boolean, untag?: string) => {
    if (!tags) return;
    const owner = xacctSetupOf(tags);
    if (owner !== undefined && owner !== id) conflicts.push({ what, owner, remembered: rememberedIds.includes(owner), untag });
    else if (owner === undefined && foreignIsConflict) conflicts.push({ what });
  };
  const { bucket, productionProfile } = plan.answers;
  if (plan.answers.mode === "role") {
    // A role or policy left by a setup xacct no longer remembers still holds that setup's grants: another name is the way out, not an untag.
    check(`role ${plan.answers.roleName}`, prod.role?.tags, false);
    check(`managed policy ${plan.answers.policyName}`, prod.managedPolicy?.tags, true);
  }
  if (prod.bucketExists) check(`bucket ${bucket}`, prod.bucketTags, false, untagBucketCommand(bucket, prod.bucketTags, productionProfile));
  return conflicts;
}

export function pendingChanges(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.kind !== "none");
}
