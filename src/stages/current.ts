/**
 * Reads what already exists in both accounts for one setup, with read-only calls. Setup
 * diffs its plan against this, `--plan` shows that diff, and teardown removes from it. Each
 * part is read by the module of its kind of resource (resources/).
 */
import { GetRoleCommand, GetUserCommand, GetUserPolicyCommand } from "@aws-sdk/client-iam";
import { getInlinePolicy } from "../resources/staging-principal.js";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing, withAwsContext } from "../aws/errors.js";
import { parsePolicyDocument } from "../policy/index.js";
import { readAttachedPolicyArns } from "../resources/attachment.js";
import { readBucketTags } from "../resources/bucket.js";
import { readBucketPolicy } from "../resources/bucket-policy.js";
import { readBucketSettings } from "../resources/bucket-settings.js";
import { readManagedPolicy } from "../resources/managed-policy.js";
import { readRole } from "../resources/role.js";
import { readBucketEncryption } from "../aws/kms.js";
import { readBucketKeys, readRememberedKeys } from "../resources/key-policy.js";
import { readObjectEncryptionIfAny } from "../aws/kms.js";
import type { BucketKeyState, BucketSettings, ProductionState, StagingState } from "../resources/state.js";

export type { ProductionState, StagingState } from "../resources/state.js";
export { madeBySetup } from "../resources/state.js";

export interface ProductionTarget {
  bucket: string;
  bucketExists: boolean;
  /** Read Block Public Access, encryption and ownership too (setup hardens them; teardown does not care). */
  withBucketSettings?: boolean;
  /** false in resource-policy mode: there is no role or managed policy to read. */
  withRole?: boolean;
  /** Read the bucket's KMS keys and their key policies (SSE-KMS), from the default encryption (read with the settings when setup reads them). */
  withBucketKeys?: boolean;
  /** Setup's --test-key: that object's own key counts too. */
  objectKey?: string | undefined;
  /** Keys setup remembered putting its statement in, besides the bucket's own (setup takes it out of those no longer needed; teardown of all). */
  rememberedKeyArns?: string[] | undefined;
  /** Production's account: a key of another account is refused from its ARN, never looked up. */
  accountId?: string | undefined;
  policyArn: string;
  roleName: string;
  profile: string;
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
      bucketKeys: target.bucketExists && target.withBucketKeys ? await readKeys(clients, target, bucketSettings) : [],
    };
  });
}

/** Only an SSE-KMS bucket (or test object) costs more reads: DescribeKey and GetKeyPolicy per key. */
async function readKeys(clients: AwsClients, target: ProductionTarget, settings: BucketSettings | undefined): Promise<BucketKeyState[]> {
  const [byDefault, object] = await Promise.all([
    settings ? settings.defaultEncryption : readBucketEncryption(clients, target.bucket, target.profile),
    target.objectKey !== undefined ? readObjectEncryptionIfAny(clients, target.bucket, target.objectKey, target.profile) : undefined,
  ]);
  const keys = await readBucketKeys(clients, [byDefault, object], target.profile, target.accountId);
  return [...keys, ...(await readRememberedKeys(clients, target.rememberedKeyArns ?? [], keys, target.profile))];
}

/** `roleName`: the Staging side is that existing role (--staging-role), read instead of the user. */
export async function readStagingState(
  clients: AwsClients,
  target: { userName: string; roleName?: string | undefined; inlinePolicyName: string; profile: string },
): Promise<StagingState> {
  const ctx = { action: "reading the current state of the Staging account", profile: target.profile };
  const roleName = target.roleName;
  if (roleName !== undefined) return withAwsContext(ctx, () => readStagingRole(clients, roleName, target.inlinePolicyName));
  return withAwsContext(ctx, async () => {
    const user = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetUserCommand({ UserName: target.userName })));
    if (!user) return { user: undefined, inlinePolicy: undefined };
    const inline = await unlessMissing(["NoSuchEntity"], () =>
      clients.iam.send(new GetUserPolicyCommand({ UserName: target.userName, PolicyName: target.inlinePolicyName })),
    );
    return {
      user: { tags: user.User?.Tags ?? [], boundaryArn: user.User?.PermissionsBoundary?.PermissionsBoundaryArn, arn: user.User?.Arn },
      inlinePolicy: inline?.PolicyDocument ? parsePolicyDocument(inline.PolicyDocument) : undefined,
    };
  });
}

async function readStagingRole(clients: AwsClients, roleName: string, inlinePolicyName: string): Promise<StagingState> {
  const role = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
  if (!role?.Role) return { user: undefined, role: undefined, inlinePolicy: undefined };
  const text = await getInlinePolicy(clients.iam, { kind: "role", name: roleName }, inlinePolicyName);
  return {
    user: undefined,
    role: { arn: role.Role.Arn, boundaryArn: role.Role.PermissionsBoundary?.PermissionsBoundaryArn },
    inlinePolicy: text ? parsePolicyDocument(text) : undefined,
  };
}
