/**
 * What teardown will remove: exactly what setup made, and nothing that someone else made or
 * changed since. Resources are deleted only when AWS shows they are this setup's (its tags;
 * for policies, xacct's content) and nothing foreign hangs off them; shared documents lose
 * only this setup's statements. The steps that carry it out are in teardown-steps.ts.
 */
import {
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type Tag,
} from "@aws-sdk/client-iam";
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import {
  inexactRewriteNote,
  isOneOf,
  isTrustSid,
  isXacctTrustStatement,
  removeOwnedStatements,
  sameGrant,
  SID,
  trustStatementSid,
  xacctStagingPolicies,
  type Partition,
  type PolicyDocument,
  type PolicyStatement,
} from "../policy/index.js";
import { setupId } from "../plan.js";
import { removeSetupStatements, type BucketSetup } from "./bucket-statements.js";
import { madeBySetup, xacctSetupOf, type ProductionState, type StagingState } from "./current.js";

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
  partition: Partition;
  bucket: string;
  roleName: string;
  roleArn: string;
  policyName: string;
  policyArn: string;
  stagingUser: string;
  inlinePolicyName: string;
  /** What this setup grants in the bucket policy, under its own Sids (recognises older xacct's statements too). */
  bucketStatements: readonly PolicyStatement[];
  /** Its trust statement as setup remembered it: recognises an older xacct's one in a role xacct did not make. */
  trustStatement?: PolicyStatement | undefined;
  deleteObjects: boolean;
  /** Setup recorded that it created the bucket: said when the bucket is kept, never a reason to delete it. */
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

const NOT_XACCTS = "not created by xacct (no managed-by=xacct tag)";

/** The inline policies xacct writes for the Staging user of this setup, in any of its forms. */
export function stagingPolicyCandidates(target: Pick<TeardownTarget, "mode" | "partition" | "bucket" | "roleArn">): PolicyDocument[] {
  // An older xacct named a role with a path without it (role/Name): that policy was xacct's too.
  const pathless = target.roleArn.replace(/:role\/.*\/([^/]+)$/, ":role/$1");
  return [...new Set([target.roleArn, pathless])].flatMap((roleArn) => xacctStagingPolicies({ ...target, roleArn }));
}

export function bucketSetupOf(target: TeardownTarget): BucketSetup {
  return { setupId: setupId(target), partition: target.partition, bucket: target.bucket, statements: target.bucketStatements };
}

export function computeRemovals(target: TeardownTarget, prod: ProductionState, staging: StagingState, deps: Dependents): Removal[] {
  const { bucket, roleName, policyName, stagingUser } = target;
  const id = setupId(target);
  // Only what AWS shows is this setup's (its tags) is deleted; everything else is kept and says whose it is.
  const ours = (exists: boolean, tags: readonly Tag[]): RemovalKind => (!exists ? "none" : madeBySetup(tags, id) ? "delete" : "keep");
  const foreignAttached = prod.attachedPolicyArns.filter((arn) => arn !== target.policyArn);
  const policyIsOurs = !!prod.managedPolicy && madeBySetup(prod.managedPolicy.tags, id);
  const removals: Removal[] = [
    {
      id: "attach",
      account: "production",
      kind: !prod.attachedPolicyArns.includes(target.policyArn) ? "none" : policyIsOurs ? "delete" : "keep",
      resource: `attachment of ${policyName} to role ${roleName}`,
      ...(prod.attachedPolicyArns.includes(target.policyArn) && !policyIsOurs ? { note: `the managed policy ${policyName} is ${NOT_XACCTS}` } : {}),
    },
    { id: "managed-policy", account: "production", kind: ours(!!prod.managedPolicy, prod.managedPolicy?.tags ?? []), resource: `managed policy ${policyName} and all its versions` },
    { id: "role", account: "production", kind: ours(!!prod.role, prod.role?.tags ?? []), resource: `role ${roleName}` },
    foreignTrustRemoval(target, prod),
    bucketPolicyRemoval(target, prod.bucketPolicy),
    { id: "bucket", account: "production", kind: ours(prod.bucketExists, prod.bucketTags), resource: `bucket ${bucket}` },
    inlinePolicyRemoval(target, staging),
    { id: "user", account: "staging", kind: ours(!!staging.user, staging.user?.tags ?? []), resource: `user ${stagingUser}` },
  ];
  for (const removal of removals) explainKeep(removal, deps, foreignAttached, target, keptBecause(removal.id, prod, staging, target));
  keepWhatServesOtherSetups(removals, prod, id);
  keepWhatOthersRelyOn(removals, prod, target);
  keepUserWithForeignPolicy(removals);
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

/**
 * The trust of a role xacct did not make, without this setup's statement: the one under its own
 * Sid, or one an older xacct wrote under the shared Sid that grants exactly what this setup
 * grants. Kind "none" when there is none; "keep" when only statements of others are there.
 */
export function trustWithoutOurs(trust: PolicyDocument, target: TeardownTarget): { kind: RemovalKind; after?: PolicyDocument; note?: string; rest: string[] } {
  const own = trustStatementSid(setupId(target));
  const isOurs = (s: PolicyStatement) =>
    isXacctTrustStatement(s) && (s.Sid === own || (s.Sid === SID.trustStaging && target.trustStatement !== undefined && sameGrant(s, target.trustStatement)));
  const ours = trust.Statement.filter(isOurs).map((s) => s.Sid!);
  const others = trust.Statement.filter((s) => isTrustSid(s.Sid) && !isOurs(s));
  const rest = foreignStatementNames({ Statement: trust.Statement.filter((s) => !isOurs(s)) });
  const whyOthers = others.map((s) =>
    isXacctTrustStatement(s) ? `statement ${s.Sid} is another setup's (or an older xacct's with other settings)` : `statement ${s.Sid} was not written by xacct (its content is not xacct's)`,
  );
  if (ours.length === 0) return others.length > 0 ? { kind: "keep", note: whyOthers.join("; "), rest } : { kind: "none", rest };
  const inexact = inexactRewriteNote(trust);
  if (inexact) return { kind: "keep", note: `the trust policy ${inexact}`, rest };
  const after = removeOwnedStatements(trust, ours);
  return after
    ? { kind: "update", after, rest }
    : { kind: "keep", note: "it is the role's only statement: edit the trust policy or delete the role yourself", rest };
}

/**
 * A bucket or role this setup made that others now rely on stays, losing only this setup's
 * parts: a bucket whose policy grants someone else (deleting it breaks them and frees its name
 * for anyone to claim), a role whose trust admits others or that carries others' policies.
 */
function keepWhatOthersRelyOn(removals: Removal[], prod: ProductionState, target: TeardownTarget): void {
  const bucket = removals.find((r) => r.id === "bucket");
  const othersInPolicy = prod.bucketPolicy ? foreignStatementNames(removeSetupStatements(prod.bucketPolicy, bucketSetupOf(target)).after) : [];
  if (bucket?.kind === "delete" && othersInPolicy.length > 0) {
    Object.assign(bucket, { kind: "keep", note: `its policy holds statements that are not this setup's: ${othersInPolicy.join(", ")}` });
  }
  const role = removals.find((r) => r.id === "role");
  if (!prod.role || !role || !madeBySetup(prod.role.tags, setupId(target))) return;
  const trust = trustWithoutOurs(prod.role.trust, target);
  const othersTrusted = trust.rest;
  if (role.kind === "delete" && othersTrusted.length > 0) Object.assign(role, { kind: "keep", note: `its trust policy admits others too: ${othersTrusted.join(", ")}` });
  if (role.kind !== "keep") return;
  // The role stays, so xacct's trust statement leaves it (the Staging side loses the role).
  const trustRemoval = removals.find((r) => r.id === "role-trust")!;
  Object.assign(trustRemoval, trust.kind === "update" ? { kind: "update", before: prod.role.trust, after: trust.after } : { kind: trust.kind, note: trust.note });
}

/** The statements of a document, by Sid (or position): what is left once this setup's are out. */
export function foreignStatementNames(rest: PolicyDocument | undefined): string[] {
  return (rest?.Statement ?? []).map((s, i) => s.Sid ?? `#${i + 1}`);
}

/** IAM deletes no user that still has an inline policy: one xacct leaves in place keeps the user too. */
function keepUserWithForeignPolicy(removals: Removal[]): void {
  const inline = removals.find((r) => r.id === "inline-policy");
  const user = removals.find((r) => r.id === "user");
  if (inline?.kind === "keep" && user?.kind === "delete") Object.assign(user, { kind: "keep", note: `its ${inline.resource} stays` });
}

/** A role setup used but did not make keeps existing: only xacct's trust statement leaves it. */
function foreignTrustRemoval(target: TeardownTarget, prod: ProductionState): Removal {
  const resource = `xacct's statement in the trust policy of role ${target.roleName}`;
  // Only a role xacct did not make at all: another setup's role is that setup's to change.
  const foreign = prod.role !== undefined && xacctSetupOf(prod.role.tags) === undefined;
  if (!prod.role || !foreign) return { id: "role-trust", account: "production", kind: "none", resource };
  const { kind, after, note } = trustWithoutOurs(prod.role.trust, target);
  return { id: "role-trust", account: "production", kind, resource, ...(note ? { note } : {}), ...(after ? { before: prod.role.trust, after } : {}) };
}

/** Why a resource that exists is not ours: whose it is, by its tags. */
function keptBecause(id: RemovalId, prod: ProductionState, staging: StagingState, target: TeardownTarget): string {
  const tags = id === "role" ? prod.role?.tags : id === "managed-policy" ? prod.managedPolicy?.tags : id === "bucket" ? prod.bucketTags : id === "user" ? staging.user?.tags : undefined;
  const owner = tags ? xacctSetupOf(tags) : undefined;
  if (owner && owner !== setupId(target)) return `made by another xacct setup, ${owner}`;
  if (id === "bucket" && target.bucketCreatedByXacct) return `xacct created it, but AWS no longer shows it as this setup's: ${NOT_XACCTS}`;
  return NOT_XACCTS;
}

function bucketPolicyRemoval(target: TeardownTarget, policy: PolicyDocument | undefined): Removal {
  const resource = `bucket policy of ${target.bucket}`;
  if (!policy) return { id: "bucket-policy", account: "production", kind: "none", resource };
  const { after, removed, left } = removeSetupStatements(policy, bucketSetupOf(target));
  const leftNote = left.length > 0 ? `${left.map((s) => s.Sid).join(", ")} ${left.length === 1 ? "is not this setup's and stays" : "are not this setup's and stay"}` : undefined;
  if (removed.length === 0) {
    return { id: "bucket-policy", account: "production", kind: leftNote ? "keep" : "none", resource, ...(leftNote ? { note: leftNote } : {}) };
  }
  const inexact = inexactRewriteNote(policy);
  if (inexact) return { id: "bucket-policy", account: "production", kind: "keep", resource, note: `it ${inexact}: remove ${removed.join(", ")} yourself` };
  return after
    ? { id: "bucket-policy", account: "production", kind: "update", resource, note: leftNote ? `only this setup's statements are removed; ${leftNote}` : "only this setup's statements are removed", before: policy, after }
    : { id: "bucket-policy", account: "production", kind: "delete", resource, note: "it holds only this setup's statements" };
}

/** The Staging user's inline policy goes only when it is what xacct writes for this setup. */
function inlinePolicyRemoval(target: TeardownTarget, staging: StagingState): Removal {
  const resource = `inline policy ${target.inlinePolicyName} of user ${target.stagingUser}`;
  if (!staging.inlinePolicy) return { id: "inline-policy", account: "staging", kind: "none", resource };
  return isOneOf(staging.inlinePolicy, stagingPolicyCandidates(target))
    ? { id: "inline-policy", account: "staging", kind: "delete", resource }
    : { id: "inline-policy", account: "staging", kind: "keep", resource, note: "its content was not written by xacct for this setup" };
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
export async function countObjectVersions(clients: AwsClients, bucket: string): Promise<number> {
  const out = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
  return (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
}
