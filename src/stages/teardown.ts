/**
 * Teardown removes exactly what setup made, and nothing that someone else made or changed
 * since: resources are deleted only when they carry xacct's tag and nothing foreign hangs off
 * them; shared documents lose only xacct's statements.
 */
import {
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  UpdateAssumeRolePolicyCommand,
  type Tag,
} from "@aws-sdk/client-iam";
import {
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
} from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { BUCKET_POLICY_SIDS, removeOwnedStatements, SID, type PolicyDocument } from "../policy/index.js";
import { madeBySetup, xacctSetupOf, type ProductionState, type StagingState } from "./current.js";
import { setupId } from "../plan.js";
import type { Step, StepStatus } from "./steps.js";
import { withAwsContext } from "../aws/errors.js";

export type RemovalKind = "delete" | "update" | "keep" | "none";

export type RemovalId = "attach" | "managed-policy" | "role" | "role-trust" | "bucket-policy" | "bucket" | "inline-policy" | "user";

export interface Removal {
  id: RemovalId;
  account: "production" | "staging";
  /** delete: remove it; update: remove only xacct's part; keep: exists but is not ours to remove; none: already gone. */
  kind: RemovalKind;
  resource: string;
  note?: string;
  before?: PolicyDocument | undefined;
  after?: PolicyDocument | undefined;
}

export interface TeardownTarget {
  mode: "role" | "resource-policy";
  bucket: string;
  roleName: string;
  policyName: string;
  policyArn: string;
  stagingUser: string;
  inlinePolicyName: string;
  deleteObjects: boolean;
  /** Setup recorded that it created the bucket, even if it stopped before tagging it. */
  bucketCreatedByXacct: boolean;
}

/** What else hangs off the resources, read only when they exist. */
export interface Dependents {
  roleInlinePolicies: string[];
  /** The managed policy is attached to more than this setup's role. */
  policyUsedElsewhere: boolean;
  userExtras: string[];
  objectCount: number;
}

const OWNED_SIDS = BUCKET_POLICY_SIDS;

export function computeRemovals(target: TeardownTarget, prod: ProductionState, staging: StagingState, deps: Dependents): Removal[] {
  const { bucket, roleName, policyName, stagingUser } = target;
  const id = setupId(target);
  // Only what this setup made is deleted; everything else is kept and says whose it is.
  const ours = (exists: boolean, tags: readonly Tag[]): RemovalKind => (!exists ? "none" : madeBySetup(tags, id) ? "delete" : "keep");
  const foreignAttached = prod.attachedPolicyArns.filter((arn) => arn !== target.policyArn);
  const removals: Removal[] = [
    {
      id: "attach",
      account: "production",
      kind: prod.attachedPolicyArns.includes(target.policyArn) ? "delete" : "none",
      resource: `attachment of ${policyName} to role ${roleName}`,
    },
    { id: "managed-policy", account: "production", kind: ours(!!prod.managedPolicy, prod.managedPolicy?.tags ?? []), resource: `managed policy ${policyName} and all its versions` },
    { id: "role", account: "production", kind: ours(!!prod.role, prod.role?.tags ?? []), resource: `role ${roleName}` },
    foreignTrustRemoval(target, prod),
    bucketPolicyRemoval(bucket, prod.bucketPolicy),
    {
      id: "bucket",
      account: "production",
      kind: ours(prod.bucketExists, target.bucketCreatedByXacct ? [{ Key: "managed-by", Value: "xacct" }, { Key: "xacct:setup", Value: id }] : prod.bucketTags),
      resource: `bucket ${bucket}`,
    },
    { id: "inline-policy", account: "staging", kind: staging.inlinePolicy ? "delete" : "none", resource: `inline policy ${target.inlinePolicyName} of user ${stagingUser}` },
    { id: "user", account: "staging", kind: ours(!!staging.user, staging.user?.tags ?? []), resource: `user ${stagingUser}` },
  ];
  for (const removal of removals) explainKeep(removal, deps, foreignAttached, target, keptBecause(removal.id, prod, staging, target));
  keepWhatServesOtherSetups(removals, prod, id);
  // Resource-policy mode made no role: nothing of it to remove or to mention; nor a trust
  // statement to take out of a role that is not there or is this setup's own.
  const roleOnly: RemovalId[] = ["attach", "managed-policy", "role"];
  return removals.filter((r) => !(r.id === "role-trust" && r.kind === "none") && (target.mode === "role" || !roleOnly.includes(r.id) || r.kind !== "none"));
}

/**
 * A role or bucket another xacct setup owns is that setup's to change: the attachment, the
 * Staging user's policy for that role, and the statements in that bucket's policy stay too.
 */
function keepWhatServesOtherSetups(removals: Removal[], prod: ProductionState, id: string): void {
  const roleOwner = prod.role ? xacctSetupOf(prod.role.tags) : undefined;
  const bucketOwner = prod.bucketExists ? xacctSetupOf(prod.bucketTags) : undefined;
  const keep = (ids: RemovalId[], owner: string) => {
    for (const removal of removals) {
      if (ids.includes(removal.id) && removal.kind !== "none") Object.assign(removal, { kind: "keep", note: `it serves another xacct setup, ${owner}` });
    }
  };
  if (roleOwner !== undefined && roleOwner !== id) keep(["attach", "inline-policy", "role-trust"], roleOwner);
  if (bucketOwner !== undefined && bucketOwner !== id) keep(["bucket-policy"], bucketOwner);
}

/** A role setup used but did not make keeps existing: only xacct's trust statement leaves it. */
function foreignTrustRemoval(target: TeardownTarget, prod: ProductionState): Removal {
  const resource = `xacct's statement in the trust policy of role ${target.roleName}`;
  const trust = prod.role?.trust;
  // Only a role xacct did not make at all: another setup's role is that setup's to change.
  const foreign = prod.role !== undefined && xacctSetupOf(prod.role.tags) === undefined;
  const present = !!trust && foreign && trust.Statement.some((s) => s.Sid === SID.trustStaging);
  if (!present) return { id: "role-trust", account: "production", kind: "none", resource };
  const after = removeOwnedStatements(trust, [SID.trustStaging]);
  return after
    ? { id: "role-trust", account: "production", kind: "update", resource, before: trust, after }
    : { id: "role-trust", account: "production", kind: "keep", resource, note: "it is the role's only statement: edit the trust policy or delete the role yourself" };
}

/** Why a resource that exists is not ours: whose it is, by its tags. */
function keptBecause(id: RemovalId, prod: ProductionState, staging: StagingState, target: TeardownTarget): string {
  const tags = id === "role" ? prod.role?.tags : id === "managed-policy" ? prod.managedPolicy?.tags : id === "bucket" ? prod.bucketTags : id === "user" ? staging.user?.tags : undefined;
  const owner = tags ? xacctSetupOf(tags) : undefined;
  if (owner && owner !== setupId(target)) return `made by another xacct setup, ${owner}`;
  return "not created by xacct (no managed-by=xacct tag)";
}

function bucketPolicyRemoval(bucket: string, policy: PolicyDocument | undefined): Removal {
  const resource = `bucket policy of ${bucket}`;
  if (!policy || !policy.Statement.some((s) => s.Sid && OWNED_SIDS.includes(s.Sid))) {
    return { id: "bucket-policy", account: "production", kind: "none", resource };
  }
  const after = removeOwnedStatements(policy, OWNED_SIDS);
  return after
    ? { id: "bucket-policy", account: "production", kind: "update", resource, note: "only xacct's statements are removed", before: policy, after }
    : { id: "bucket-policy", account: "production", kind: "delete", resource, note: "it holds only xacct's statements" };
}

/** Turns a planned delete into "keep" when something not ours depends on the resource. */
function explainKeep(removal: Removal, deps: Dependents, foreignAttached: string[], target: TeardownTarget, whyNotOurs: string): void {
  const keep = (note: string) => Object.assign(removal, { kind: "keep" as const, note });
  if (removal.kind === "keep") {
    removal.note ??= whyNotOurs;
    return;
  }
  if (removal.kind !== "delete") return;
  if (removal.id === "managed-policy" && deps.policyUsedElsewhere) {
    keep("it is attached to other roles, users or groups too");
  } else if (removal.id === "role" && (foreignAttached.length > 0 || deps.roleInlinePolicies.length > 0)) {
    keep(`other policies are attached to it: ${[...foreignAttached, ...deps.roleInlinePolicies].join(", ")}`);
  } else if (removal.id === "user" && deps.userExtras.length > 0) {
    keep(`it has more than xacct gave it: ${deps.userExtras.join(", ")}`);
  } else if (removal.id === "bucket" && deps.objectCount > 0 && !target.deleteObjects) {
    keep(`it holds ${deps.objectCount === 1000 ? "1000 or more" : deps.objectCount} object versions; give --delete-objects to delete them too`);
  } else if (removal.id === "bucket" && deps.objectCount > 0) {
    removal.note = "with every object in it (--delete-objects)";
  }
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
    prod.bucketExists && (target.bucketCreatedByXacct || madeBySetup(prod.bucketTags, setupId(target))) ? countObjectVersions(prodClients, target.bucket) : 0,
  ]);
  const ownAttachment = prod.attachedPolicyArns.includes(target.policyArn) ? 1 : 0;
  const policyUsedElsewhere = (prod.managedPolicy?.attachmentCount ?? 0) > ownAttachment;
  return { roleInlinePolicies, userExtras, objectCount, policyUsedElsewhere };
}

async function listRoleInlinePolicies(clients: AwsClients, roleName: string): Promise<string[]> {
  const out = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  return (out.PolicyNames ?? []).map((name) => `inline ${name}`);
}

export async function listUserExtras(clients: AwsClients, target: { stagingUser: string; inlinePolicyName: string }): Promise<string[]> {
  const UserName = target.stagingUser;
  const [keys, inline, attached, groups] = await Promise.all([
    clients.iam.send(new ListAccessKeysCommand({ UserName })),
    clients.iam.send(new ListUserPoliciesCommand({ UserName })),
    clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName })),
    clients.iam.send(new ListGroupsForUserCommand({ UserName })),
  ]);
  return [
    ...(keys.AccessKeyMetadata ?? []).map((k) => `access key ${k.AccessKeyId}`),
    ...(inline.PolicyNames ?? []).filter((n) => n !== target.inlinePolicyName).map((n) => `inline policy ${n}`),
    ...(attached.AttachedPolicies ?? []).map((p) => `policy ${p.PolicyName}`),
    ...(groups.Groups ?? []).map((g) => `group ${g.GroupName}`),
  ];
}

/** Up to one page: enough to know whether the bucket is empty and roughly how full. */
async function countObjectVersions(clients: AwsClients, bucket: string): Promise<number> {
  const out = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
  return (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
}

export function teardownSteps(
  prodClients: AwsClients,
  stagingClients: AwsClients,
  removals: Removal[],
  target: TeardownTarget,
  prod: ProductionState,
  where: { production: { account: string; profile: string }; staging: { account: string; profile: string } },
): Step[] {
  const iam = prodClients.iam;
  const run = (id: RemovalId, title: string, remove: (r: Removal) => Promise<StepStatus>): Step => ({
    id,
    title,
    run: async () => {
      const removal = removals.find((r) => r.id === id)!;
      if (removal.kind === "none") return "absent";
      if (removal.kind === "keep") return "kept";
      const side = where[removal.account];
      return withAwsContext({ action: `removing ${removal.resource} in ${side.account}`, profile: side.profile }, () => remove(removal));
    },
  });
  const steps = [
    run("attach", `Detach ${target.policyName} from role ${target.roleName}`, async () => {
      await iam.send(new DetachRolePolicyCommand({ RoleName: target.roleName, PolicyArn: target.policyArn }));
      return "deleted";
    }),
    run("managed-policy", `Delete managed policy ${target.policyName}`, async () => {
      for (const version of prod.managedPolicy?.versions.filter((v) => !v.isDefault) ?? []) {
        await iam.send(new DeletePolicyVersionCommand({ PolicyArn: target.policyArn, VersionId: version.id }));
      }
      await iam.send(new DeletePolicyCommand({ PolicyArn: target.policyArn }));
      return "deleted";
    }),
    run("role", `Delete role ${target.roleName}`, async () => {
      await iam.send(new DeleteRoleCommand({ RoleName: target.roleName }));
      return "deleted";
    }),
    run("role-trust", `Remove xacct's statement from the trust policy of role ${target.roleName}`, async (r) => {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: target.roleName, PolicyDocument: JSON.stringify(r.after) }));
      return "updated";
    }),
    run("bucket-policy", `Remove xacct's statements from the policy of bucket ${target.bucket}`, async (r) => {
      if (r.after) await prodClients.s3.send(new PutBucketPolicyCommand({ Bucket: target.bucket, Policy: JSON.stringify(r.after) }));
      else await prodClients.s3.send(new DeleteBucketPolicyCommand({ Bucket: target.bucket }));
      return r.after ? "updated" : "deleted";
    }),
    run("bucket", `Delete bucket ${target.bucket}`, async () => {
      if (target.deleteObjects) await emptyBucket(prodClients, target.bucket);
      await prodClients.s3.send(new DeleteBucketCommand({ Bucket: target.bucket }));
      return "deleted";
    }),
    run("inline-policy", `Delete inline policy ${target.inlinePolicyName} of user ${target.stagingUser}`, async () => {
      await stagingClients.iam.send(new DeleteUserPolicyCommand({ UserName: target.stagingUser, PolicyName: target.inlinePolicyName }));
      return "deleted";
    }),
    run("user", `Delete user ${target.stagingUser}`, async () => {
      await stagingClients.iam.send(new DeleteUserCommand({ UserName: target.stagingUser }));
      return "deleted";
    }),
  ];
  // Resources this mode never had (no role in resource-policy mode) have no step.
  return steps.filter((step) => removals.some((r) => r.id === step.id));
}

/** Deletes every object version and delete marker, a page of up to 1000 at a time. */
async function emptyBucket(clients: AwsClients, bucket: string): Promise<void> {
  for (;;) {
    const page = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length === 0) return;
    await clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}
