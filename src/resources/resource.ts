/**
 * What every kind of resource xacct manages answers, in one module per kind: what setup wants
 * of it (the change), how it is written (the step), what teardown does with it (the removal,
 * and the step that removes it, saying why it keeps what is not its own). Setup and teardown
 * are these answers for a list of kinds (index.ts); a new kind is one more module in the list.
 */
import type { AwsClients } from "../aws/clients.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import { sameDocument, type Partition, type PolicyDocument, type PolicyStatement, shownText } from "../policy/index.js";
import type { Overflow } from "../policy/limits.js";
import type { StepOutcome, StepStatus } from "../stages/steps.js";
import type { ProductionState, StagingState } from "./state.js";

export type Account = "production" | "staging";

export type ChangeKind = "create" | "update" | "none";

export interface Change {
  /** The kind of resource (its module's id), e.g. "role". */
  id: string;
  account: Account;
  kind: ChangeKind;
  /** What the resource is, e.g. "role StageRole". */
  resource: string;
  /** An update that only adds or only removes one statement of a shared document, shown as such. */
  verb?: "add" | "remove" | undefined;
  note?: string;
  before?: PolicyDocument | undefined;
  after?: PolicyDocument | undefined;
}

export type RemovalKind = "delete" | "update" | "keep" | "none";

export interface Removal {
  id: string;
  account: Account;
  /** delete: remove it; update: remove only xacct's part; keep: exists but is not ours to remove; none: already gone. */
  kind: RemovalKind;
  resource: string;
  note?: string;
  /** Kept, though it is this setup's own (its bucket, for the objects in it): the setup stays remembered. */
  ownLeft?: boolean;
  before?: PolicyDocument | undefined;
  after?: PolicyDocument | undefined;
}

/** What setup knows when it plans: the plan and what exists in both accounts. */
export interface SetupView {
  plan: SetupPlan;
  prod: ProductionState;
  staging: StagingState;
  /** An earlier run recorded that it created the bucket. */
  bucketCreatedByXacct: boolean;
}

/** What a setup step may use: the clients of its account and what was read before the plan. */
export interface ApplyView {
  clients: AwsClients;
  plan: SetupPlan;
  current: ProductionState;
  /** Runs right after CreateBucket succeeds, before anything else can fail. */
  bucketCreated: () => Promise<void>;
  /** Where xacct processes on this machine take turns writing one bucket's policy. */
  lockDirectory: string;
}

/** What a size check sees: the plan, the kind's change (its document merged with what exists), how many Staging accounts. */
export interface SizeView {
  plan: SetupPlan;
  change: Change;
  accounts: number;
}

/** A setup step: written only when its change is pending. */
export interface ApplySpec {
  title: string;
  /** Undoes the step when it created the resource. */
  undo: string;
  /** Undoes the step when it updated an existing resource; absent: said in words (put the earlier version back). */
  undoUpdate?: string | undefined;
  write: (change: Change) => Promise<StepStatus>;
}

/** The setup teardown removes, as flags or the state file name it. */
export interface TeardownTarget {
  mode: "role" | "resource-policy";
  partition: Partition;
  bucket: string;
  roleName: string;
  roleArn: string;
  policyName: string;
  policyArn: string;
  stagingUser: string;
  /** The Staging side is these permission sets: setup wrote nothing in Staging, so there is nothing to remove. */
  ssoPermissionSets?: string[] | undefined;
  /** The Staging side is this existing role (its inline policy only; the role is never removed). */
  stagingRole?: string | undefined;
  inlinePolicyName: string;
  /** What this setup grants in the bucket policy, under its own Sids (recognises older xacct's statements too). */
  bucketStatements: readonly PolicyStatement[];
  /** Its trust statement as setup remembered it: recognises an older xacct's one in a role xacct did not make. */
  trustStatement?: PolicyStatement | undefined;
  deleteObjects: boolean;
  /** Setup recorded that it created the bucket: said when the bucket is kept, never a reason to delete it. */
  bucketCreatedByXacct: boolean;
  /**
   * Other remembered setups that use the same Staging user's inline policy (same account,
   * user and policy name) or the same managed policy: what they use stays, naming them.
   */
  sharedWith?: { inlinePolicy?: string | undefined; managedPolicy?: string | undefined } | undefined;
}

/** What else hangs off the resources, read only when they exist. */
export interface Dependents {
  roleInlinePolicies: string[];
  /** The managed policy is attached to more than this setup's role. */
  policyUsedElsewhere: boolean;
  userExtras: string[];
  objectCount: number;
}

/** What teardown knows when it decides. */
export interface TeardownView {
  target: TeardownTarget;
  prod: ProductionState;
  staging: StagingState;
  deps: Dependents;
}

/** What a teardown step may use: its account's clients, and the other removals as decided. */
export interface RemoveView {
  clients: AwsClients;
  target: TeardownTarget;
  removals: readonly Removal[];
  /** Where xacct processes on this machine take turns writing a shared document (a key policy). */
  lockDirectory: string;
  profile: string;
}

/** A teardown step: asks AWS again, when it runs, whether the resource is still this setup's. */
export interface RemoveSpec {
  title: string;
  remove: (removal: Removal) => Promise<StepStatus | StepOutcome>;
}

/** How a kind is exported: built from the plan with template placeholders in place of names (export/parameters.ts). */
export interface ExportView {
  /** The plan with placeholders, e.g. `${BucketName}` or `${var.bucket}`. */
  templated: SetupPlan;
  /** The plan itself: what setup writes, which the exported documents must equal once resolved. */
  plan: SetupPlan;
}

/** A policy document inside an exported resource, checked against the one setup writes. */
export interface ExportedDocument {
  name: string;
  /** The resource's attribute (Terraform) or property (CloudFormation) that holds it. */
  field: string;
  expected: PolicyDocument;
}

/** What export knows after reading both accounts: the plan and what exists now. */
export interface ExistingView {
  plan: SetupPlan;
  prod: ProductionState;
  staging: StagingState;
}

/**
 * A kind's resource as export describes it for adoption: whether it exists already, and the
 * ids each format imports it by (Terraform's `import` block id; CloudFormation's resource
 * identifier, its type's primary identifier properties).
 */
export interface Adoption {
  /** What it is, e.g. "role StageRole". */
  resource: string;
  exists: boolean;
  terraformId: string;
  /** Absent when the kind has no resource of its own in CloudFormation (the attachment is the managed policy's Roles). */
  cloudformationId?: Record<string, string> | undefined;
  /**
   * Statements in it that are not this setup's (another team's, another setup's): exported, the
   * resource would own the whole document and delete them, so export leaves it out.
   */
  othersStatements?: string[] | undefined;
}

export interface TerraformFragment {
  /** The kind it comes from (its module's id); set when the fragments are gathered. */
  kind?: string;
  file: "production.tf.json" | "staging.tf.json";
  type: string;
  name: string;
  body: Record<string, unknown>;
  document?: ExportedDocument;
}

export interface CloudFormationFragment {
  /** The kind it comes from (its module's id); set when the fragments are gathered. */
  kind?: string;
  template: "production" | "staging";
  logicalId: string;
  resource: { Type: string; Condition?: string; Properties: Record<string, unknown> };
  document?: ExportedDocument;
}

export interface ResourceKind {
  id: string;
  account: Account;
  /** Exists only in role mode (resource-policy mode makes no role). */
  roleOnly?: boolean;
  /** Setup: its change (none when setup does not touch it in this plan). */
  change?: (view: SetupView) => Change | Change[] | undefined;
  /** The step that writes one of its changes (a kind may have several instances, e.g. one per key). */
  apply?: (view: ApplyView, change: Change) => ApplySpec;
  /** Its document as setup will leave it, when over AWS's size limit: what, how long, and the way out. */
  overflow?: (view: SizeView) => Overflow | undefined;
  /** Teardown: what happens to it and why. */
  removal?: (view: TeardownView) => Removal | Removal[];
  remove?: (view: RemoveView, removal: Removal) => RemoveSpec;
  /** Teardown leaves it out of the plan when there is nothing of xacct's in it (it is not a resource xacct made). */
  hiddenWhenNone?: boolean;
  /** Export: its resources in Terraform and in CloudFormation (role mode). */
  terraform?: (view: ExportView) => TerraformFragment[];
  cloudformation?: (view: ExportView) => CloudFormationFragment[];
  /** Export after setup: whether it exists, and how each format adopts it (kinds that export a resource). */
  adoption?: (view: ExistingView) => Adoption;
}

export { NOT_XACCTS } from "./state.js";

/** Said when a resource the plan would remove turns out, at the moment of removal, to be someone else's. */
export const NO_LONGER = "AWS no longer shows it as this setup's";

export const keptNow = (note: string): StepOutcome => ({ status: "kept", note });

/** A document setup writes whole: created when absent, updated when it differs. */
export function documentChange(before: PolicyDocument | undefined, after: PolicyDocument): ChangeKind {
  if (!before) return "create";
  return sameDocument(before, after) ? "none" : "update";
}

/** The statements of a document, by Sid (or position): what is left once this setup's are out. */
export function foreignStatementNames(rest: PolicyDocument | undefined): string[] {
  return (rest?.Statement ?? []).map((s, i) => (s.Sid === undefined ? `#${i + 1}` : shownText(s.Sid)));
}

/** xacct's tags as Terraform writes them: a map. */
export function tagMap(plan: SetupPlan): Record<string, string> {
  return Object.fromEntries(xacctTags(plan).map((tag) => [tag.Key, tag.Value]));
}
