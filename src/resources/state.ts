/**
 * What xacct reads of both accounts for one setup, and how it tells whose a resource is (its
 * tags). Each kind's module reads its part (resources/*.ts); stages/current.ts reads them all.
 */
import type { Tag } from "@aws-sdk/client-iam";
import type { Encryption } from "../aws/kms.js";
import type { KmsKey, PolicyDocument } from "../policy/index.js";
import { shownText } from "../policy/index.js";

export interface PolicyVersion {
  id: string;
  isDefault: boolean;
  created: number;
}

/** The bucket settings xacct hardens: Block Public Access, default encryption, ownership. */
export interface BucketSettings {
  /** All four Block Public Access settings on. */
  publicAccessBlocked: boolean;
  /** The default encryption algorithm, e.g. AES256 (SSE-S3) or aws:kms. */
  encryption: string | undefined;
  /** The default encryption whole: with SSE-KMS, its key as configured. */
  defaultEncryption?: Encryption | undefined;
  objectOwnership: string | undefined;
}

export interface ManagedPolicyState {
  document: PolicyDocument;
  defaultVersionId: string;
  versions: PolicyVersion[];
  tags: Tag[];
  attachmentCount: number;
}

export interface RoleState {
  /** As IAM reports it: with the role's path (role/team/Name), which the name alone does not tell. */
  arn: string;
  trust: PolicyDocument;
  tags: Tag[];
  maxSessionDuration: number;
  boundaryArn?: string | undefined;
}

export interface ProductionState {
  bucketExists: boolean;
  bucketSettings: BucketSettings | undefined;
  bucketTags: Tag[];
  bucketPolicy: PolicyDocument | undefined;
  managedPolicy: ManagedPolicyState | undefined;
  role: RoleState | undefined;
  /** ARNs of every managed policy attached to the role. */
  attachedPolicyArns: string[];
  /** The KMS keys reading the bucket's objects needs (SSE-KMS): none for SSE-S3. */
  bucketKeys: BucketKeyState[];
}

/** A KMS key the bucket's objects are encrypted with, and its key policy as read (not read for an AWS managed key). */
export interface BucketKeyState {
  key: KmsKey;
  keyPolicy: PolicyDocument | undefined;
  bucketKeyEnabled: boolean;
  /** Read only because an earlier run put its statement in it: reading no longer needs it. */
  remembered?: boolean | undefined;
}

export interface StagingState {
  /** `arn`: IAM's ARN of the user, with its path (user/ops/Name). */
  user: { tags: Tag[]; boundaryArn?: string | undefined; arn?: string | undefined } | undefined;
  /** With --staging-role: that role as IAM reports it (its ARN with its path); undefined when it does not exist. */
  role?: { arn: string | undefined; boundaryArn?: string | undefined } | undefined;
  inlinePolicy: PolicyDocument | undefined;
}

export function isXacctTagged(tags: readonly Tag[]): boolean {
  return tags.some((t) => t.Key === "managed-by" && t.Value === "xacct");
}

/** Which xacct setup (`<bucket>/<role>`) made a resource, from its tags; undefined if none. */
export function xacctSetupOf(tags: readonly Tag[]): string | undefined {
  return isXacctTagged(tags) ? (tags.find((t) => t.Key === "xacct:setup")?.Value ?? "") : undefined;
}

/** Made by this very setup: xacct's tag, and its setup tag naming this bucket and role. */
export function madeBySetup(tags: readonly Tag[], setupId: string): boolean {
  return xacctSetupOf(tags) === setupId;
}

/** Why teardown keeps a resource it found: it is not this setup's. */
export const NOT_XACCTS = "not created by xacct: it has no managed-by=xacct tag";

/** Teardown's verdict on a resource by its tags: deleted when this setup's, else kept, saying whose it is. */
export function removalByTags(exists: boolean, tags: readonly Tag[], setupId: string): { kind: "none" | "delete" | "keep"; note?: string } {
  if (!exists) return { kind: "none" };
  if (madeBySetup(tags, setupId)) return { kind: "delete" };
  const owner = xacctSetupOf(tags);
  return { kind: "keep", note: owner && owner !== setupId ? `made by another xacct setup, ${shownText(owner)}` : NOT_XACCTS };
}
