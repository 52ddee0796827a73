/**
 * A snapshot of everything in one emulator account that setup or teardown could touch, so a
 * test can show that teardown returns both accounts to exactly their state before setup.
 */
import {
  GetPolicyVersionCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
} from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, GetBucketTaggingCommand, ListBucketsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch {
    return null;
  }
}

export async function snapshotAccount(clients: { iam: IAMClient; s3: S3Client }): Promise<unknown> {
  const { iam, s3 } = clients;
  const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
  const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
  const policies = (await iam.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies ?? [];
  const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
  return {
    buckets: await Promise.all(
      buckets.map(async (b) => ({
        name: b.Name,
        policy: (await orNull(() => s3.send(new GetBucketPolicyCommand({ Bucket: b.Name }))))?.Policy ?? null,
        tags: (await orNull(() => s3.send(new GetBucketTaggingCommand({ Bucket: b.Name }))))?.TagSet ?? null,
        keys: ((await s3.send(new ListObjectsV2Command({ Bucket: b.Name }))).Contents ?? []).map((o) => o.Key),
      })),
    ),
    roles: await Promise.all(
      roles.map(async (r) => ({
        name: r.RoleName,
        trust: r.AssumeRolePolicyDocument,
        attached: (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName }))).AttachedPolicies,
      })),
    ),
    policies: await Promise.all(
      policies.map(async (p) => ({
        name: p.PolicyName,
        document: (await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: p.DefaultVersionId }))).PolicyVersion?.Document,
      })),
    ),
    users: await Promise.all(
      users.map(async (u) => ({
        name: u.UserName,
        inline: (await iam.send(new ListUserPoliciesCommand({ UserName: u.UserName }))).PolicyNames,
        attached: (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: u.UserName }))).AttachedPolicies,
      })),
    ),
  };
}
