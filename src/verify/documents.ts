/**
 * Reads every document on the path from the Staging user to an object in the Production
 * bucket: the user's inline, attached and group policies; the role's trust, inline and
 * attached policies; the bucket policy, Block Public Access and ownership controls.
 * Read-only calls. Absent documents are reported as absent, not as failures.
 */
import { partitionForRegion } from "../policy/arn.js";
import { permissionSetRoleArn } from "../resources/staging-principal.js";
import {
  GetGroupPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import {
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing, withAwsContext } from "../aws/errors.js";
import { parsePolicyDocument } from "../policy/index.js";
import type { LabeledPolicy } from "../policy-eval/index.js";
import { readBucketAcl, type AclGrant } from "./bucket-acl.js";
import { readManagedDocument } from "./managed.js";
import { allInOrder } from "../aws/in-order.js";
import { readKmsOrMissing, type KmsDocuments, type MissingKmsKey } from "./kms-documents.js";
import { XacctError } from "../errors.js";
import type { OrganizationPolicies } from "./org-policies.js";
import type { PrincipalFacts } from "./request-context.js";

export interface PathDocuments {
  /** Every policy that applies to the Staging user, labelled for people. */
  userPolicies: LabeledPolicy[];
  userExists: boolean;
  /** The Staging user's ARN as IAM reports it (with its path): what aws:PrincipalArn and a Principal see. */
  userArn?: string | undefined;
  /** The role's ARN as IAM reports it (with its path); absent when there is no role. */
  roleArn?: string | undefined;
  trust: LabeledPolicy | undefined;
  rolePolicies: LabeledPolicy[];
  bucketPolicy: LabeledPolicy | undefined;
  publicAccessBlock: PublicAccessBlockConfiguration | undefined;
  objectOwnership: string | undefined;
  /** Grants of the bucket ACL to others than its owner; undefined when not read (then ACLs must be off to tell). */
  bucketAcl?: AclGrant[] | undefined;
  /** Permissions boundaries, when set: the user's, and the role's. */
  userBoundary?: LabeledPolicy | undefined;
  roleBoundary?: LabeledPolicy | undefined;
  /** What was read about the Staging user and the role (unique ID, tags, organization): the request context's facts. */
  userFacts?: PrincipalFacts | undefined;
  roleFacts?: PrincipalFacts | undefined;
  /** SCPs and RCPs of each side, when verify looked (pre-flight does not yet). */
  organization?: OrganizationPolicies | undefined;
  /** The bucket's (or `--key`'s object's) KMS key and its policy, when reading needs one (SSE-KMS); a key that does not exist; what could not be read, in words. */
  kms?: KmsDocuments | MissingKmsKey | { unreadable: string } | undefined;
  /** S3's canonical user IDs of Production and Staging, which bucket policies may name as principals. */
  productionCanonicalId?: string | undefined;
  stagingCanonicalId?: string | undefined;
}

const label = (kind: string, name: string, owner: string) => `${kind} ${name} of ${owner}`;

async function attached(
  iam: IAMClient,
  list: Promise<{ AttachedPolicies?: { PolicyArn?: string; PolicyName?: string }[] }>,
  owner: string,
): Promise<LabeledPolicy[]> {
  const policies = (await list).AttachedPolicies ?? [];
  return Promise.all(
    policies.map(async (p) => ({
      label: label("managed policy", p.PolicyName ?? "?", owner),
      document: (await readManagedDocument(iam, p.PolicyArn!)).document,
    })),
  );
}

/** A permissions boundary, by the ARN GetUser or GetRole names, as a labelled policy. */
export async function readBoundary(iam: IAMClient, arn: string | undefined, owner: string): Promise<LabeledPolicy | undefined> {
  if (!arn) return undefined;
  const { name, document } = await readManagedDocument(iam, arn);
  return { label: `permissions boundary ${name} of ${owner}`, document };
}

/**
 * `known.boundaryArn`: the boundary ARN from a GetUser the caller already made.
 * `known.skipInline`: an inline policy the caller has read already (pre-flight replaces it with the planned one).
 */
export async function readUserPolicies(
  iam: IAMClient,
  userName: string,
  known?: { boundaryArn: string | undefined; skipInline?: string | undefined },
): Promise<{ exists: boolean; arn?: string | undefined; policies: LabeledPolicy[]; boundary?: LabeledPolicy | undefined; facts?: PrincipalFacts }> {
  const owner = `user ${userName}`;
  const names = await unlessMissing(["NoSuchEntity"], () => iam.send(new ListUserPoliciesCommand({ UserName: userName })));
  if (!names) return { exists: false, policies: [] };
  const got = known ? undefined : (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  const boundaryArn = known ? known.boundaryArn : got?.PermissionsBoundary?.PermissionsBoundaryArn;
  const facts = got ? { uniqueId: got.UserId, tags: tagMap(got.Tags) } : undefined;
  // Four independent reads at once; a failure reports the first in this order, as when they ran one by one.
  const [boundary, inline, direct, viaGroups] = await allInOrder([
    readBoundary(iam, boundaryArn, owner),
    Promise.all(
      (names.PolicyNames ?? [])
        .filter((name) => name !== known?.skipInline)
        .map(async (name) => {
          const out = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }));
          return { label: label("inline policy", name, owner), document: parsePolicyDocument(out.PolicyDocument ?? "{}") };
        }),
    ),
    attached(iam, iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName })), owner),
    readGroupsPolicies(iam, userName),
  ] as const);
  return { exists: true, arn: got?.Arn, policies: [...inline, ...direct, ...viaGroups], boundary, ...(facts ? { facts } : {}) };
}

/** Tags as the aws:PrincipalTag/… keys see them; GetUser and GetRole return every tag. */
export function tagMap(tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ""]])));
}

/** The policies of every group the user is in. */
async function readGroupsPolicies(iam: IAMClient, userName: string): Promise<LabeledPolicy[]> {
  const groups = (await iam.send(new ListGroupsForUserCommand({ UserName: userName }))).Groups ?? [];
  return (await Promise.all(groups.map((g) => readGroupPolicies(iam, g.GroupName!)))).flat();
}

async function readGroupPolicies(iam: IAMClient, groupName: string): Promise<LabeledPolicy[]> {
  const owner = `group ${groupName}`;
  const names = (await iam.send(new ListGroupPoliciesCommand({ GroupName: groupName }))).PolicyNames ?? [];
  const inline = await Promise.all(
    names.map(async (name) => {
      const out = await iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name }));
      return { label: label("inline policy", name, owner), document: parsePolicyDocument(out.PolicyDocument ?? "{}") };
    }),
  );
  return [...inline, ...(await attached(iam, iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName })), owner))];
}

/**
 * The Staging side's policies: the user's, or with --staging-role that existing role's (its ARN
 * stands for its sessions: a Principal or aws:PrincipalArn naming the role matches them).
 */
export async function readStagingSide(
  iam: IAMClient,
  side: { stagingUser: string; stagingRole?: string | undefined },
  known?: { boundaryArn: string | undefined; skipInline?: string | undefined },
): ReturnType<typeof readUserPolicies> {
  if (side.stagingRole === undefined) return readUserPolicies(iam, side.stagingUser, known);
  const role = await readRoleDocuments(iam, side.stagingRole);
  if (!role.trust) return { exists: false, policies: [] };
  const skipped = known?.skipInline === undefined ? undefined : label("inline policy", known.skipInline, `role ${side.stagingRole}`);
  // No facts: the request judged is the role's, and a session's aws:userid and tags are not read here (open, never guessed).
  return { exists: true, arn: role.arn, policies: role.policies.filter((p) => p.label !== skipped), boundary: role.boundary };
}

export async function readRoleDocuments(
  iam: IAMClient,
  roleName: string,
): Promise<{
  arn?: string | undefined;
  trust: LabeledPolicy | undefined;
  policies: LabeledPolicy[];
  boundary?: LabeledPolicy | undefined;
  facts?: PrincipalFacts;
}> {
  const owner = `role ${roleName}`;
  const role = await unlessMissing(["NoSuchEntity"], () => iam.send(new GetRoleCommand({ RoleName: roleName })));
  if (!role?.Role) return { trust: undefined, policies: [] };
  const trust = { label: `trust policy of ${owner}`, document: parsePolicyDocument(role.Role.AssumeRolePolicyDocument ?? "{}", `trust policy of ${owner}`) };
  const inline = await readRoleInlinePolicies(iam, roleName);
  const boundary = await readBoundary(iam, role.Role.PermissionsBoundary?.PermissionsBoundaryArn, owner);
  const facts = { uniqueId: role.Role.RoleId, tags: tagMap(role.Role.Tags) };
  return {
    arn: role.Role.Arn,
    trust,
    boundary,
    facts,
    policies: [...inline, ...(await attached(iam, iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })), owner))],
  };
}

/** S3's canonical user ID of the account (ListBuckets' Owner); undefined when it may not list. */
export async function readCanonicalId(clients: AwsClients): Promise<string | undefined> {
  const out = await unlessMissing(["AccessDenied"], () => clients.s3.send(new ListBucketsCommand({ MaxBuckets: 1 })));
  return out?.Owner?.ID;
}

/** A role's inline policies, labelled for people. */
export async function readRoleInlinePolicies(iam: IAMClient, roleName: string): Promise<LabeledPolicy[]> {
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
  return Promise.all(
    names.map(async (name) => {
      const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      return { label: label("inline policy", name, `role ${roleName}`), document: parsePolicyDocument(out.PolicyDocument ?? "{}") };
    }),
  );
}

export async function readBucketDocuments(
  clients: AwsClients,
  bucket: string,
): Promise<Pick<PathDocuments, "bucketPolicy" | "publicAccessBlock" | "objectOwnership" | "bucketAcl">> {
  const [policy, block, ownership, acl] = await Promise.all([
    unlessMissing(["NoSuchBucketPolicy"], () => clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))),
    unlessMissing(["NoSuchPublicAccessBlockConfiguration"], () => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))),
    unlessMissing(["OwnershipControlsNotFoundError"], () => clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))),
    readBucketAcl(clients, bucket),
  ]);
  return {
    bucketPolicy: policy?.Policy
      ? { label: `bucket policy of ${bucket}`, document: parsePolicyDocument(policy.Policy, `bucket policy of ${bucket}`) }
      : undefined,
    publicAccessBlock: block?.PublicAccessBlockConfiguration,
    objectOwnership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
    bucketAcl: acl,
  };
}

export async function readPathDocuments(
  prod: AwsClients,
  staging: AwsClients,
  target: {
    stagingUser: string;
    stagingRole?: string | undefined;
    /** The Staging side is these permission sets: nothing of Staging is read, the path is judged for one of their roles. */
    ssoPermissionSets?: string[] | undefined;
    stagingAccountId?: string | undefined;
    region?: string | undefined;
    roleName: string;
    bucket: string;
    productionProfile: string;
    stagingProfile: string;
    mode?: "role" | "resource-policy";
    objectKey?: string | undefined;
  },
): Promise<PathDocuments> {
  const noRole = { arn: undefined, trust: undefined, policies: [] as LabeledPolicy[] };
  const [user, role, bucket, productionCanonicalId, stagingCanonicalId, kms] = await Promise.all([
    target.ssoPermissionSets?.length && target.stagingAccountId
      ? // A permission set's role is Identity Center's: judged for one of its roles, its policy not read (verify says so).
        {
          exists: true,
          arn: permissionSetRoleArn(partitionForRegion(target.region ?? "us-east-1"), target.stagingAccountId, target.ssoPermissionSets[0]!),
          policies: [] as LabeledPolicy[],
          boundary: undefined,
          facts: undefined,
        }
      : withAwsContext(
          {
            action: `reading the policies of ${target.stagingRole !== undefined ? `role ${target.stagingRole}` : `user ${target.stagingUser}`} in the Staging account`,
            profile: target.stagingProfile,
          },
          () => readStagingSide(staging.iam, target),
        ),
    target.mode === "resource-policy"
      ? noRole
      : withAwsContext({ action: `reading role ${target.roleName} in the Production account`, profile: target.productionProfile }, () =>
          readRoleDocuments(prod.iam, target.roleName),
        ),
    withAwsContext({ action: `reading the settings of bucket ${target.bucket}`, profile: target.productionProfile }, () =>
      readBucketDocuments(prod, target.bucket),
    ),
    withAwsContext({ action: "reading the Production account's S3 canonical user ID", profile: target.productionProfile }, () => readCanonicalId(prod)),
    withAwsContext({ action: "reading the Staging account's S3 canonical user ID", profile: target.stagingProfile }, () => readCanonicalId(staging)),
    readKmsIfAllowed(prod, target.bucket, target.productionProfile, target.objectKey),
  ]);
  const boundaries = { userBoundary: user.boundary, roleBoundary: "boundary" in role ? role.boundary : undefined };
  const facts = { userFacts: user.facts, roleFacts: "facts" in role ? role.facts : undefined };
  return {
    userPolicies: user.policies,
    userExists: user.exists,
    userArn: "arn" in user ? user.arn : undefined,
    roleArn: role.arn,
    trust: role.trust,
    rolePolicies: role.policies,
    ...boundaries,
    ...facts,
    productionCanonicalId,
    stagingCanonicalId,
    ...bucket,
    kms,
  };
}

/**
 * The KMS documents, or, where Production's credentials could not read them (refused, or any
 * other answer from AWS), what went wrong: the KMS hop says "cannot tell" and the other hops
 * are still reported. No answer at all (no network, no credentials) still ends verify.
 */
async function readKmsIfAllowed(prod: AwsClients, bucket: string, profile: string, objectKey?: string): Promise<PathDocuments["kms"]> {
  try {
    return await readKmsOrMissing(prod, bucket, objectKey, profile);
  } catch (error) {
    if (error instanceof XacctError && error.awsCode !== undefined && error.awsCode !== "CredentialsProviderError") {
      return { unreadable: `the bucket's encryption or its KMS key could not be read with profile ${profile} (${error.message}).` };
    }
    throw error;
  }
}
