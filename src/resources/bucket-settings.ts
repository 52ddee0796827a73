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
  apply: ({ clients, plan, current }) => {
    const settings = current.bucketExists ? current.bucketSettings : undefined;
    const parts = hardeningParts(settings);
    return {
      title: `Bucket ${plan.answers.bucket}: ${parts.map((p) => p.name).join(", ")}`,
      undo: hardeningUndo(plan, settings, parts),
      write: async (c) => {
        await hardenBucket(clients, plan.answers.bucket, parts);
        return c.kind === "create" ? "created" : "updated";
      },
    };
  },
};

type Part = "block" | "encryption" | "ownership";

/**
 * What hardening changes on this bucket: only what it lacks. Default encryption counts as on
 * whatever it is: a bucket under SSE-KMS keeps its key (only a bucket with none gets SSE-S3).
 */
function hardeningParts(settings: BucketSettings | undefined): { part: Part; name: string }[] {
  return [
    (!settings || !settings.publicAccessBlocked) && { part: "block" as const, name: "Block Public Access" },
    (!settings || !settings.encryption) && { part: "encryption" as const, name: "SSE-S3 encryption" },
    (!settings || settings.objectOwnership !== "BucketOwnerEnforced") && { part: "ownership" as const, name: "BucketOwnerEnforced" },
  ].filter((p): p is { part: Part; name: string } => p !== false);
}

/** The commands that put back what hardening changed, one per part it changed, one per line (each pasteable alone). */
function hardeningUndo(plan: SetupPlan, settings: BucketSettings | undefined, parts: readonly { part: Part }[]): string {
  const bucket = `--bucket ${displayShellWord(plan.answers.bucket)} --profile ${displayShellWord(plan.answers.productionProfile)}`;
  const undo: Record<Part, string> = {
    block: `aws s3api delete-public-access-block ${bucket}  # or put back the bucket's earlier Block Public Access settings`,
    encryption: `aws s3api delete-bucket-encryption ${bucket}`,
    ownership: settings?.objectOwnership
      ? `aws s3api put-bucket-ownership-controls ${bucket} --ownership-controls ${displayShellWord(`Rules=[{ObjectOwnership=${settings.objectOwnership}}]`)}`
      : `aws s3api delete-bucket-ownership-controls ${bucket}`,
  };
  return parts.map((p) => undo[p.part]).join("\n");
}

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
  if (!prod.bucketExists)
    return {
      id: "bucket-hardening",
      account: "production",
      kind: "create",
      resource: `settings of bucket ${plan.answers.bucket}: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced`,
    };
  const deviations = bucketDeviations(prod.bucketSettings);
  const parts = hardeningParts(prod.bucketSettings);
  const resource = `settings of bucket ${plan.answers.bucket}: ${parts.length > 0 ? parts.map((p) => p.name).join(", ") : "Block Public Access, default encryption, BucketOwnerEnforced"}`;
  if (deviations.length === 0) return { id: "bucket-hardening", account: "production", kind: "none", resource };
  const kept = prod.bucketSettings?.encryption ? [`default encryption stays ${prod.bucketSettings.encryption} as it is`] : [];
  return plan.answers.hardenBucket
    ? { id: "bucket-hardening", account: "production", kind: "update", resource, note: [...deviations, ...kept].join("; ") }
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
    defaultEncryption: algorithm
      ? { algorithm, keyId: rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID || undefined, bucketKeyEnabled: rule?.BucketKeyEnabled === true }
      : undefined,
    objectOwnership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
  };
}

/** What every bucket xacct creates gets: nothing public, encrypted at rest, no ACLs; an existing bucket only the parts it lacks. */
async function hardenBucket(clients: AwsClients, bucket: string, parts: readonly { part: Part }[]): Promise<void> {
  const wanted = new Set(parts.map((p) => p.part));
  if (wanted.has("block"))
    await clients.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    );
  if (wanted.has("encryption"))
    await clients.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      }),
    );
  if (wanted.has("ownership"))
    await clients.s3.send(
      new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }),
    );
}
