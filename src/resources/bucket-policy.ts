/**
 * This setup's statements in the bucket policy, which others share: merged in by Sid (foreign
 * statements kept, a change since the plan refused), and taken out again by teardown, which
 * deletes the policy only when nothing else is left in it.
 */
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { displayShellWord } from "../shell-words.js";
import { setupId, type SetupPlan } from "../plan.js";
import { inexactRewriteNote, mergeOwnedStatements, notExactParts, type PolicyDocument, shownText } from "../policy/index.js";
import { bytes, LIMITS, othersSize, type Overflow } from "../policy/limits.js";
import { readBucketPolicy, writeBucketPolicy } from "./bucket-policy-write.js";
import { mergeSetupStatements, removeSetupStatements, type BucketSetup } from "./bucket-statements.js";
import { documentChange, foreignStatementNames, type Removal, type ResourceKind, type TeardownTarget } from "./resource.js";

export { readBucketPolicy } from "./bucket-policy-write.js";

export const BUCKET_POLICY_WARNING =
  "aws_s3_bucket_policy replaces the bucket's WHOLE policy with this one, which holds only xacct's statement. " +
  "If the bucket already has a policy, add that policy's statements here first, or leave this resource out and let `xacct setup` merge the statement.";

/** The exported stack owns the bucket policy only when its ManageBucketPolicy parameter says so. */
export const BUCKET_POLICY_CONDITION = "BucketPolicyManaged";

/** Exported, the policy holds xacct's statements alone: what setup makes for a bucket without one. */
const exportedPolicy = (plan: SetupPlan) => mergeOwnedStatements(undefined, [...plan.documents.bucketStatements]);

export const bucketPolicy: ResourceKind = {
  id: "bucket-policy",
  account: "production",
  change: ({ plan, prod }) => {
    const after = mergeSetupStatements(prod.bucketPolicy, bucketSetup(plan));
    return {
      id: "bucket-policy",
      account: "production",
      kind: documentChange(prod.bucketPolicy, after),
      resource: `bucket policy of ${plan.answers.bucket}`,
      before: prod.bucketPolicy,
      after,
    };
  },
  overflow: ({ plan, change, accounts }) => bucketOverflow(plan, change.after, accounts),
  apply: ({ clients, plan, lockDirectory }) => ({
    title: `Bucket policy: Staging account ${plan.accounts.staging.accountId} may locate and list ${plan.answers.bucket}${plan.answers.mode === "role" ? "" : ", and read its objects"}`,
    undo: `aws s3api delete-bucket-policy --bucket ${displayShellWord(plan.answers.bucket)} --profile ${displayShellWord(plan.answers.productionProfile)}  # the bucket had no policy before`,
    undoUpdate: `remove ${plan.documents.bucketStatements.length === 1 ? "statement" : "statements"} ${plan.documents.bucketStatements.map((st) => st.Sid).join(", ")} from the bucket policy of ${plan.answers.bucket}, keeping every other: aws s3api put-bucket-policy with the edited policy`,
    write: async (c) => {
      // Merged again into the policy as it is now, under a lock, and read back (bucket-policy-write.ts).
      await writeBucketPolicy(clients, { setup: bucketSetup(plan), change: c, lockDirectory });
      return c.kind === "create" ? "created" : "updated";
    },
  }),
  removal: ({ target, prod }) => bucketPolicyRemoval(target, prod.bucketPolicy),
  adoption: ({ plan, prod }) => {
    const others = prod.bucketPolicy ? foreignStatementNames(removeSetupStatements(prod.bucketPolicy, bucketSetup(plan)).after) : [];
    return {
      resource: `bucket policy of ${plan.answers.bucket}`,
      exists: prod.bucketPolicy !== undefined,
      terraformId: plan.answers.bucket,
      cloudformationId: { Bucket: plan.answers.bucket },
      ...(others.length > 0 ? { othersStatements: others } : {}),
    };
  },
  terraform: ({ templated, plan }) => [
    {
      file: "production.tf.json",
      type: "aws_s3_bucket_policy",
      name: "xacct_staging_locate",
      body: { "//": BUCKET_POLICY_WARNING, provider: "aws.production", bucket: templated.answers.bucket, policy: JSON.stringify(exportedPolicy(templated)) },
      document: { name: "bucketPolicy", field: "policy", expected: exportedPolicy(plan) },
    },
  ],
  cloudformation: ({ templated, plan }) => [
    {
      template: "production",
      logicalId: "StagingLocateBucketPolicy",
      resource: {
        Type: "AWS::S3::BucketPolicy",
        Condition: BUCKET_POLICY_CONDITION,
        Properties: { Bucket: templated.answers.bucket, PolicyDocument: exportedPolicy(templated) },
      },
      document: { name: "bucketPolicy", field: "PolicyDocument", expected: exportedPolicy(plan) },
    },
  ],
  remove: ({ clients, target }) => ({
    title: `Remove this setup's statements from the policy of bucket ${target.bucket}`,
    remove: async () => {
      // The policy as it is now: statements others added since the plan was shown stay.
      const policy = await readBucketPolicy(clients, target.bucket);
      const now = policy ? removeSetupStatements(policy, bucketSetupOf(target)) : undefined;
      if (!now || now.removed.length === 0) return "absent";
      const inexact = inexactRewriteNote(policy);
      if (inexact) return { status: "kept", note: `it ${inexact}` };
      if (now.after) await clients.s3.send(new PutBucketPolicyCommand({ Bucket: target.bucket, Policy: JSON.stringify(now.after) }));
      else await clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: target.bucket }));
      return now.after ? "updated" : "deleted";
    },
  }),
};

/** This setup's statements in the bucket policy, as the bucket-statement rules need them. */
export function bucketSetup(plan: SetupPlan): BucketSetup {
  return { setupId: setupId(plan.answers), partition: plan.partition, bucket: plan.answers.bucket, statements: plan.documents.bucketStatements };
}

export function bucketSetupOf(target: TeardownTarget): BucketSetup {
  return { setupId: setupId(target), partition: target.partition, bucket: target.bucket, statements: target.bucketStatements };
}

/** The statements of the bucket policy that are not this setup's: someone else's grants. */
export function othersInBucketPolicy(policy: PolicyDocument | undefined, target: TeardownTarget): string[] {
  return policy ? [...foreignStatementNames(removeSetupStatements(policy, bucketSetupOf(target)).after), ...notExactParts(policy)] : [];
}

function bucketPolicyRemoval(target: TeardownTarget, policy: PolicyDocument | undefined): Removal {
  const resource = `bucket policy of ${target.bucket}`;
  if (!policy) return { id: "bucket-policy", account: "production", kind: "none", resource };
  const { after, removed, left } = removeSetupStatements(policy, bucketSetupOf(target));
  const leftNote =
    left.length > 0
      ? `${left.map((s) => shownText(s.Sid ?? "")).join(", ")} ${left.length === 1 ? "is not this setup's and stays" : "are not this setup's and stay"}`
      : undefined;
  if (removed.length === 0) {
    return { id: "bucket-policy", account: "production", kind: leftNote ? "keep" : "none", resource, ...(leftNote ? { note: leftNote } : {}) };
  }
  const inexact = inexactRewriteNote(policy);
  if (inexact) return { id: "bucket-policy", account: "production", kind: "keep", resource, note: `it ${inexact}: remove ${removed.join(", ")} yourself` };
  return after
    ? {
        id: "bucket-policy",
        account: "production",
        kind: "update",
        resource,
        note: leftNote ? `only this setup's statements are removed; ${leftNote}` : "only this setup's statements are removed",
        before: policy,
        after,
      }
    : { id: "bucket-policy", account: "production", kind: "delete", resource, note: "it holds only this setup's statements" };
}

function bucketOverflow(plan: SetupPlan, policy: PolicyDocument | undefined, accounts: number): Overflow | undefined {
  const length = bytes(policy);
  if (length <= LIMITS.bucket) return undefined;
  const what = `the bucket policy of ${plan.answers.bucket}`;
  const ours = plan.documents.bucketStatements;
  const others = policy ? othersSize(policy, ours, bytes) : 0;
  // --org-id narrows only the role's trust; the bucket policy names every account either way.
  const hint =
    others > LIMITS.bucket / 2
      ? `Other statements take ${others} of its ${LIMITS.bucket} bytes: make room in the bucket policy (merge or remove statements that are not xacct's), or use another bucket.`
      : `It names each of the ${accounts} Staging accounts: trust fewer accounts per setup (--org-id does not shorten the bucket policy).`;
  return { what, length, limit: LIMITS.bucket, hint };
}
