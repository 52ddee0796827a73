/**
 * The bucket itself: created (and tagged as xacct's) when setup makes it, tagged when an
 * earlier run stopped before the tag, and deleted by teardown only when AWS shows it is this
 * setup's, it holds no one else's grants, and it is empty (or --delete-objects).
 */
import type { Tag } from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  type BucketLocationConstraint,
} from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { isAwsError, unlessMissing } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { setupId, xacctTags, type SetupPlan } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import type { StepStatus } from "../stages/steps.js";
import { othersInBucketPolicy, readBucketPolicy } from "./bucket-policy.js";
import { keptNow, NO_LONGER, NOT_XACCTS, type Change, type Removal, type ResourceKind } from "./resource.js";
import { isXacctTagged, madeBySetup, xacctSetupOf, type ProductionState } from "./state.js";
import { shownText } from "../policy/index.js";

export const bucket: ResourceKind = {
  id: "bucket",
  account: "production",
  change: ({ plan, prod, bucketCreatedByXacct }) => bucketChange(plan, prod, bucketCreatedByXacct),
  apply: ({ clients, plan, current, bucketCreated }) => ({
    title: `Bucket ${plan.answers.bucket} in ${plan.answers.region}`,
    undo: `aws s3api delete-bucket --bucket ${plan.answers.bucket} --profile ${displayShellWord(plan.answers.productionProfile)}`,
    write: (c) => (c.kind === "create" ? createBucket(clients, plan, bucketCreated) : tagBucket(clients, plan, current).then(() => "updated")),
  }),
  removal: ({ target, prod, deps }) => {
    const removal: Removal = {
      id: "bucket",
      account: "production",
      kind: !prod.bucketExists ? "none" : madeBySetup(prod.bucketTags, setupId(target)) ? "delete" : "keep",
      resource: `bucket ${target.bucket}`,
    };
    if (removal.kind === "keep") {
      const owner = xacctSetupOf(prod.bucketTags);
      removal.note =
        owner && owner !== setupId(target)
          ? `made by another xacct setup, ${shownText(owner)}`
          : target.bucketCreatedByXacct
            ? `xacct created it, but AWS no longer shows it as this setup's: ${NOT_XACCTS}`
            : NOT_XACCTS;
    } else if (removal.kind === "delete" && deps.objectCount > 0 && !target.deleteObjects) {
      Object.assign(removal, {
        kind: "keep",
        ownLeft: true,
        note: `it holds ${deps.objectCount === 1000 ? "1000 or more object versions" : deps.objectCount === 1 ? "1 object version" : `${deps.objectCount} object versions`}; give --delete-objects to delete them too`,
      });
    } else if (removal.kind === "delete" && deps.objectCount > 0) {
      removal.note = "with every object in it (--delete-objects)";
    }
    return removal;
  },
  remove: ({ clients, target }) => ({
    title: `Bucket ${target.bucket}`,
    remove: async () => {
      if (!madeBySetup(await readBucketTags(clients, target.bucket), setupId(target))) return keptNow(`${NO_LONGER}; its objects were not touched`);
      // This setup's statements left in the step before: whatever the policy still holds is someone else's grant.
      const others = othersInBucketPolicy(await readBucketPolicy(clients, target.bucket), target);
      if (others.length > 0) return keptNow(`its policy holds statements that are not this setup's now: ${others.join(", ")}; its objects were not touched`);
      const objects = await countObjectVersions(clients, target.bucket);
      if (objects > 0 && !target.deleteObjects) return keptNow("it holds objects now; give --delete-objects to delete them too");
      if (target.deleteObjects) await emptyBucket(clients, target.bucket);
      await clients.s3.send(new DeleteBucketCommand({ Bucket: target.bucket }));
      return "deleted";
    },
  }),
};

/**
 * A bucket an earlier run created but stopped before tagging still owes its tag. Once it has
 * tags of anyone else's, though, it has been taken over: the state file's word does not claim
 * it back (teardown would then delete it).
 */
function bucketChange(plan: SetupPlan, prod: ProductionState, bucketCreatedByXacct: boolean): Change {
  const resource = `bucket ${plan.answers.bucket}`;
  if (!prod.bucketExists) return { id: "bucket", account: "production", kind: "create", resource };
  if (!bucketCreatedByXacct || isXacctTagged(prod.bucketTags)) return { id: "bucket", account: "production", kind: "none", resource };
  return prod.bucketTags.length === 0
    ? { id: "bucket", account: "production", kind: "update", resource, note: "add xacct's tag" }
    : { id: "bucket", account: "production", kind: "none", resource, note: "xacct created it, but its tags now say it is someone else's: left as theirs" };
}

export async function readBucketTags(clients: AwsClients, bucket: string): Promise<Tag[]> {
  const out = await unlessMissing(["NoSuchTagSet", "NoSuchTagSetError"], () => clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })));
  return (out?.TagSet ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** Up to one page: enough to know whether the bucket is empty and roughly how full. */
export async function countObjectVersions(clients: AwsClients, bucket: string): Promise<number> {
  const out = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
  return (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
}

async function createBucket(clients: AwsClients, plan: SetupPlan, bucketCreated: () => Promise<void>): Promise<StepStatus> {
  const { bucket, region } = plan.answers;
  try {
    // us-east-1 is the one region that must not be named as a LocationConstraint.
    await clients.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    if (isAwsError(error, "BucketAlreadyOwnedByYou")) return "reused";
    if (isAwsError(error, "BucketAlreadyExists")) {
      throw new XacctError(`The bucket name ${bucket} is already taken by another AWS account.`, {
        hint: "Bucket names are global: choose another name with --bucket.",
        awsCode: "BucketAlreadyExists",
      });
    }
    throw error;
  }
  await bucketCreated();
  await tagBucket(clients, plan, undefined);
  return "created";
}

/** The tag is how teardown knows xacct made this bucket and may delete it. Other tags stay. */
async function tagBucket(clients: AwsClients, plan: SetupPlan, current: ProductionState | undefined): Promise<void> {
  const ours = xacctTags(plan);
  const others = (current?.bucketTags ?? []).filter((t) => !ours.some((o) => o.Key === t.Key));
  const TagSet = [...others, ...ours].map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));
  await clients.s3.send(new PutBucketTaggingCommand({ Bucket: plan.answers.bucket, Tagging: { TagSet } }));
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
