/**
 * What teardown will remove: exactly what setup made, and nothing that someone else made or
 * changed since. Resources are deleted only when AWS shows they are this setup's (its tags;
 * for policies, xacct's content) and nothing foreign hangs off them; shared documents lose
 * only this setup's statements. Each kind decides for itself (resources/); the rules here
 * look across kinds. The steps that carry it out are in teardown-steps.ts.
 */
import { ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { setupId } from "../plan.js";
import { TEARDOWN_ORDER } from "../resources/index.js";
import { countObjectVersions } from "../resources/bucket.js";
import { othersInBucketPolicy } from "../resources/bucket-policy.js";
import { NOT_XACCTS, type Dependents, type Removal, type TeardownTarget } from "../resources/resource.js";
import { madeBySetup, xacctSetupOf, type ProductionState, type StagingState } from "../resources/state.js";
import { trustWithoutOurs } from "../resources/trust-statements.js";
import { listUserExtras } from "../resources/user.js";
import { shownText } from "../policy/index.js";

export type { Removal, TeardownTarget } from "../resources/resource.js";
export { stagingPolicyCandidates } from "../resources/inline-policy.js";

export function computeRemovals(target: TeardownTarget, prod: ProductionState, staging: StagingState, deps: Dependents): Removal[] {
  const view = { target, prod, staging, deps };
  const kinds = TEARDOWN_ORDER.filter((kind) => kind.removal);
  const removals = kinds.flatMap((kind) => kind.removal!(view));
  for (const removal of removals) if (removal.kind === "keep") removal.note ??= NOT_XACCTS;
  keepWhatServesOtherSetups(removals, prod, setupId(target));
  keepWhatOthersRelyOn(removals, prod, target);
  keepWhatOtherSetupsUse(removals, target);
  keepUserWithForeignPolicy(removals);
  // Resource-policy mode made no role: nothing of it to remove or to mention; nor a trust
  // statement to take out of a role that is not there or is this setup's own.
  const roleOnly = new Set(kinds.filter((kind) => kind.roleOnly).map((kind) => kind.id));
  const hidden = new Set(kinds.filter((kind) => kind.hiddenWhenNone).map((kind) => kind.id));
  return removals.filter((r) => !(hidden.has(r.id) && r.kind === "none") && (target.mode === "role" || !roleOnly.has(r.id) || r.kind !== "none"));
}

/**
 * A role or bucket another xacct setup owns is that setup's to change: the attachment, the
 * Staging user's policy for that role, and the statements in that bucket's policy stay too.
 */
function keepWhatServesOtherSetups(removals: Removal[], prod: ProductionState, id: string): void {
  const roleOwner = prod.role ? xacctSetupOf(prod.role.tags) : undefined;
  const bucketOwner = prod.bucketExists ? xacctSetupOf(prod.bucketTags) : undefined;
  const keep = (ids: string[], owner: string) => {
    for (const removal of removals) {
      if (ids.includes(removal.id) && removal.kind !== "none")
        Object.assign(removal, { kind: "keep", note: `it serves another xacct setup, ${shownText(owner)}` });
    }
  };
  if (roleOwner !== undefined && roleOwner !== id) keep(["attach", "inline-policy", "role-trust"], roleOwner);
  if (bucketOwner !== undefined && bucketOwner !== id) keep(["bucket-policy"], bucketOwner);
}

/**
 * A bucket or role this setup made that others now rely on stays, losing only this setup's
 * parts: a bucket whose policy grants someone else (deleting it breaks them and frees its name
 * for anyone to claim), a role whose trust admits others or that carries others' policies.
 */
function keepWhatOthersRelyOn(removals: Removal[], prod: ProductionState, target: TeardownTarget): void {
  const bucket = removals.find((r) => r.id === "bucket");
  const othersInPolicy = othersInBucketPolicy(prod.bucketPolicy, target);
  if (bucket?.kind === "delete" && othersInPolicy.length > 0) {
    Object.assign(bucket, { kind: "keep", note: `its policy holds statements that are not this setup's: ${othersInPolicy.join(", ")}` });
  }
  const role = removals.find((r) => r.id === "role");
  if (!prod.role || !role || !madeBySetup(prod.role.tags, setupId(target))) return;
  const trust = trustWithoutOurs(prod.role.trust, target);
  const othersTrusted = trust.rest;
  if (role.kind === "delete" && othersTrusted.length > 0)
    Object.assign(role, { kind: "keep", note: `its trust policy admits others too: ${othersTrusted.join(", ")}` });
  if (role.kind !== "keep") return;
  // The role stays, so xacct's trust statement leaves it (the Staging side loses the role).
  const trustRemoval = removals.find((r) => r.id === "role-trust")!;
  Object.assign(
    trustRemoval,
    trust.kind === "update" ? { kind: "update", before: prod.role.trust, after: trust.after } : { kind: trust.kind, note: trust.note },
  );
}

/**
 * Names are not per setup: two remembered setups on one Staging user share its inline policy
 * (xacct-assume-ROLE, xacct-read-BUCKET), two on one role its managed policy. Neither is
 * tagged, so only the remembered setups tell: what another one uses stays, naming it.
 */
function keepWhatOtherSetupsUse(removals: Removal[], target: TeardownTarget): void {
  const keep = (ids: string[], owner: string | undefined) => {
    if (owner === undefined) return;
    for (const removal of removals)
      if (ids.includes(removal.id) && (removal.kind === "delete" || removal.kind === "update"))
        Object.assign(removal, { kind: "keep", note: `setup ${owner} uses it too` });
  };
  keep(["inline-policy"], target.sharedWith?.inlinePolicy);
  keep(["attach", "managed-policy"], target.sharedWith?.managedPolicy);
}

/** IAM deletes no user that still has an inline policy: one xacct leaves in place keeps the user too. */
function keepUserWithForeignPolicy(removals: Removal[]): void {
  const inline = removals.find((r) => r.id === "inline-policy");
  const user = removals.find((r) => r.id === "user");
  if (inline?.kind === "keep" && user?.kind === "delete") Object.assign(user, { kind: "keep", note: `its ${inline.resource} stays` });
}

export async function readDependents(
  prodClients: AwsClients,
  stagingClients: AwsClients,
  target: TeardownTarget,
  prod: ProductionState,
  staging: StagingState,
): Promise<Dependents> {
  const [roleInlinePolicies, userExtras, objectCount] = await Promise.all([
    prod.role ? listRoleInlinePolicies(prodClients, target.roleName) : [],
    // Only a user xacct made may be deleted, so only then does what else it has matter.
    staging.user && madeBySetup(staging.user.tags, setupId(target)) ? listUserExtras(stagingClients, target) : [],
    prod.bucketExists && madeBySetup(prod.bucketTags, setupId(target)) ? countObjectVersions(prodClients, target.bucket) : 0,
  ]);
  const ownAttachment = prod.attachedPolicyArns.includes(target.policyArn) ? 1 : 0;
  const policyUsedElsewhere = (prod.managedPolicy?.attachmentCount ?? 0) > ownAttachment;
  return { roleInlinePolicies, userExtras, objectCount, policyUsedElsewhere };
}

async function listRoleInlinePolicies(clients: AwsClients, roleName: string): Promise<string[]> {
  const out = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  return (out.PolicyNames ?? []).map((name) => `inline ${name}`);
}
