/**
 * The bucket's protections: Block Public Access, default encryption, ownership controls
 * (ACLs off). Every bucket xacct creates gets them; an existing one only with --harden-bucket,
 * otherwise the plan says what it lacks. Teardown leaves them with the bucket.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetPublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing } from "../aws/errors.js";
import type { SetupPlan } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import type { Change, ResourceKind } from "./resource.js";
import type { BucketSettings, ProductionState } from "./state.js";

export const bucketSettings: ResourceKind = {
  id: "bucket-hardening",
  account: "production",
  change: ({ plan, prod }) => hardeningChange(plan, prod),
  apply: ({ clients, plan }) => ({
    title: `Bucket ${plan.answers.bucket}: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced`,
    undo: `aws s3api delete-public-access-block --bucket ${plan.answers.bucket} --profile ${displayShellWord(plan.answers.productionProfile)}`,
    write: async (c) => {
      await hardenBucket(clients, plan.answers.bucket);
      return c.kind === "create" ? "created" : "updated";
    },
  }),
};

/** What a hardened bucket has that this one lacks, in words; empty when nothing. */
export function bucketDeviations(settings: BucketSettings | undefined): string[] {
  if (!settings) return ["Block Public Access", "default encryption", "ownership BucketOwnerEnforced"];
  return [
    !settings.publicAccessBlocked && "Block Public Access is not fully on",
    !settings.encryption && "no default encryption",
    settings.objectOwnership !== "BucketOwnerEnforced" && `object ownership is ${settings.objectOwnership ?? "not set"}, not BucketOwnerEnforced`,
  ].filter((d): d is string => typeof d === "string");
}

function hardeningChange(plan: SetupPlan, prod: ProductionState): Change {
  const resource = `settings of bucket ${plan.answers.bucket}: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced`;
  if (!prod.bucketExists) return { id: "bucket-hardening", account: "production", kind: "create", resource };
  const deviations = bucketDeviations(prod.bucketSettings);
  if (deviations.length === 0) return { id: "bucket-hardening", account: "production", kind: "none", resource };
  return plan.answers.hardenBucket
    ? { id: "bucket-hardening", account: "production", kind: "update", resource, note: deviations.join("; ") }
    : { id: "bucket-hardening", account: "production", kind: "none", resource, note: `left as is: ${deviations.join("; ")}; give --harden-bucket to fix` };
}

export async function readBucketSettings(clients: AwsClients, bucket: string): Promise<BucketSettings> {
  const [block, encryption, ownership] = await Promise.all([
    unlessMissing(["NoSuchPublicAccessBlockConfiguration"], () => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))),
    unlessMissing(["ServerSideEncryptionConfigurationNotFoundError"], () => clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))),
    unlessMissing(["OwnershipControlsNotFoundError"], () => clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))),
  ]);
  const b = block?.PublicAccessBlockConfiguration;
  const rule = encryption?.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
  const algorithm = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  return {
    publicAccessBlocked: !!b && [b.BlockPublicAcls, b.IgnorePublicAcls, b.BlockPublicPolicy, b.RestrictPublicBuckets].every(Boolean),
    encryption: algorithm,
    defaultEncryption: algorithm ? { algorithm, keyId: rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID || undefined, bucketKeyEnabled: rule?.BucketKeyEnabled === true } : undefined,
    objectOwnership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
  };
}

/** What every bucket xacct creates gets: nothing public, encrypted at rest, no ACLs. */
async function hardenBucket(clients: AwsClients, bucket: string): Promise<void> {
  await clients.s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }),
  );
  await clients.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
    }),
  );
  await clients.s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
}
