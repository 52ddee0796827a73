/**
 * Reads what already exists in both accounts for one setup, with read-only calls. Setup
 * diffs its plan against this, `--plan` shows that diff, and teardown removes from it.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPolicyVersionsCommand,
  type Tag,
} from "@aws-sdk/client-iam";
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing, withAwsContext } from "../aws/errors.js";
import { parsePolicyDocument, type PolicyDocument } from "../policy/index.js";

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
  objectOwnership: string | undefined;
}

export interface ProductionState {
  bucketExists: boolean;
  bucketSettings: BucketSettings | undefined;
  bucketTags: Tag[];
  bucketPolicy: PolicyDocument | undefined;
  managedPolicy: { document: PolicyDocument; defaultVersionId: string; versions: PolicyVersion[]; tags: Tag[]; attachmentCount: number } | undefined;
  /** `arn` as IAM reports it: with the role's path (role/team/Name), which the name alone does not tell. */
  role: { arn: string; trust: PolicyDocument; tags: Tag[]; maxSessionDuration: number; boundaryArn?: string | undefined } | undefined;
  /** ARNs of every managed policy attached to the role. */
  attachedPolicyArns: string[];
}

export interface StagingState {
  user: { tags: Tag[]; boundaryArn?: string | undefined } | undefined;
  inlinePolicy: PolicyDocument | undefined;
}

export interface ProductionTarget {
  bucket: string;
  bucketExists: boolean;
  /** Read Block Public Access, encryption and ownership too (setup hardens them; teardown does not care). */
  withBucketSettings?: boolean;
  /** false in resource-policy mode: there is no role or managed policy to read. */
  withRole?: boolean;
  policyArn: string;
  roleName: string;
  profile: string;
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

export async function readProductionState(clients: AwsClients, target: ProductionTarget): Promise<ProductionState> {
  const ctx = { action: "reading the current state of the Production account", profile: target.profile };
  return withAwsContext(ctx, async () => {
    const [bucketPolicy, bucketTags, bucketSettings, managedPolicy, role] = await Promise.all([
      target.bucketExists ? readBucketPolicy(clients, target.bucket) : undefined,
      target.bucketExists ? readBucketTags(clients, target.bucket) : [],
      target.bucketExists && target.withBucketSettings ? readBucketSettings(clients, target.bucket) : undefined,
      target.withRole === false ? undefined : readManagedPolicy(clients, target.policyArn),
      target.withRole === false ? undefined : readRole(clients, target.roleName),
    ]);
    return {
      bucketExists: target.bucketExists,
      bucketSettings,
      bucketTags,
      bucketPolicy,
      managedPolicy,
      role,
      attachedPolicyArns: role ? await readAttachedPolicyArns(clients, target.roleName) : [],
    };
  });
}

/** A role's trust, tags and maximum session; undefined when there is no such role. */
export async function readRole(clients: AwsClients, roleName: string): Promise<ProductionState["role"]> {
  const out = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
  if (!out?.Role) return undefined;
  return {
    arn: out.Role.Arn ?? "",
    trust: parsePolicyDocument(out.Role.AssumeRolePolicyDocument ?? "{}"),
    tags: out.Role.Tags ?? [],
    maxSessionDuration: out.Role.MaxSessionDuration ?? 3600,
    boundaryArn: out.Role.PermissionsBoundary?.PermissionsBoundaryArn,
  };
}

export async function readBucketPolicy(clients: AwsClients, bucket: string): Promise<PolicyDocument | undefined> {
  const out = await unlessMissing(["NoSuchBucketPolicy"], () => clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
  return out?.Policy ? parsePolicyDocument(out.Policy) : undefined;
}

async function readBucketSettings(clients: AwsClients, bucket: string): Promise<BucketSettings> {
  const [block, encryption, ownership] = await Promise.all([
    unlessMissing(["NoSuchPublicAccessBlockConfiguration"], () => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))),
    unlessMissing(["ServerSideEncryptionConfigurationNotFoundError"], () => clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))),
    unlessMissing(["OwnershipControlsNotFoundError"], () => clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))),
  ]);
  const b = block?.PublicAccessBlockConfiguration;
  return {
    publicAccessBlocked: !!b && [b.BlockPublicAcls, b.IgnorePublicAcls, b.BlockPublicPolicy, b.RestrictPublicBuckets].every(Boolean),
    encryption: encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    objectOwnership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
  };
}

export async function readBucketTags(clients: AwsClients, bucket: string): Promise<Tag[]> {
  const out = await unlessMissing(["NoSuchTagSet", "NoSuchTagSetError"], () =>
    clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })),
  );
  return (out?.TagSet ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
}

export async function readManagedPolicy(clients: AwsClients, policyArn: string): Promise<ProductionState["managedPolicy"]> {
  const policy = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
  const defaultVersionId = policy?.Policy?.DefaultVersionId;
  if (!defaultVersionId) return undefined;
  const [version, versions] = await Promise.all([
    clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: defaultVersionId })),
    clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn })),
  ]);
  return {
    document: parsePolicyDocument(version.PolicyVersion?.Document ?? "{}"),
    defaultVersionId,
    versions: (versions.Versions ?? []).map((v) => ({
      id: v.VersionId ?? "",
      isDefault: v.IsDefaultVersion ?? false,
      created: v.CreateDate?.getTime() ?? 0,
    })),
    tags: policy?.Policy?.Tags ?? [],
    attachmentCount: policy?.Policy?.AttachmentCount ?? 0,
  };
}

async function readAttachedPolicyArns(clients: AwsClients, roleName: string): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return arns;
}

export async function readStagingState(
  clients: AwsClients,
  target: { userName: string; inlinePolicyName: string; profile: string },
): Promise<StagingState> {
  const ctx = { action: "reading the current state of the Staging account", profile: target.profile };
  return withAwsContext(ctx, async () => {
    const user = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetUserCommand({ UserName: target.userName })));
    if (!user) return { user: undefined, inlinePolicy: undefined };
    const inline = await unlessMissing(["NoSuchEntity"], () =>
      clients.iam.send(new GetUserPolicyCommand({ UserName: target.userName, PolicyName: target.inlinePolicyName })),
    );
    return {
      user: { tags: user.User?.Tags ?? [], boundaryArn: user.User?.PermissionsBoundary?.PermissionsBoundaryArn },
      inlinePolicy: inline?.PolicyDocument ? parsePolicyDocument(inline.PolicyDocument) : undefined,
    };
  });
}
