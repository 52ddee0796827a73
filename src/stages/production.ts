/**
 * Stage 1, in the Production account: the bucket, its policy, the read-only managed policy,
 * the role trusted by Staging, and the attachment. Each step writes only its pending change;
 * the reading was done before the plan was shown (stages/current.ts).
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyVersionCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { isAwsError } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import { bucketSetup, type Change } from "./changes.js";
import { bucketPolicyLockDirectory, writeBucketPolicy } from "./bucket-policy-write.js";
import { homedir } from "node:os";
import { readRole, type ProductionState } from "./current.js";
import { sameDocument } from "./compare.js";
import { refuseInexactRewrite, type PolicyDocument } from "../policy/index.js";
import { stepsForChanges, type Step, type StepStatus } from "./steps.js";
import { displayShellWord } from "../shell-words.js";

/** `bucketCreated` runs right after CreateBucket succeeds, before anything else can fail. */
export function productionSteps(
  clients: AwsClients,
  plan: SetupPlan,
  changes: Change[],
  current: ProductionState,
  bucketCreated: () => Promise<void> = async () => {},
  /** Where xacct processes on this machine take turns writing one bucket's policy. */
  lockDirectory: string = bucketPolicyLockDirectory(process.env, homedir()),
): Step[] {
  const { bucket, roleName, policyName, productionProfile: profile } = plan.answers;
  const where = { account: `Production account ${plan.accounts.production.accountId}`, profile };
  return stepsForChanges(changes, where, [
    {
      id: "bucket",
      title: `Bucket ${bucket} in ${plan.answers.region}`,
      undo: `aws s3api delete-bucket --bucket ${bucket} --profile ${displayShellWord(profile)}`,
      write: (c) => (c.kind === "create" ? createBucket(clients, plan, bucketCreated) : tagBucket(clients, plan, current).then(() => "updated")),
    },
    {
      id: "bucket-hardening",
      title: `Bucket ${bucket}: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced`,
      undo: `aws s3api delete-public-access-block --bucket ${bucket} --profile ${displayShellWord(profile)}`,
      write: async (c) => {
        await hardenBucket(clients, bucket);
        return c.kind === "create" ? "created" : "updated";
      },
    },
    {
      id: "bucket-policy",
      title: `Bucket policy: Staging account ${plan.accounts.staging.accountId} may locate and list ${bucket}${plan.answers.mode === "role" ? "" : ", and read its objects"}`,
      undo: `xacct teardown --yes  # removes only xacct's statements ${plan.documents.bucketStatements.map((st) => st.Sid).join(", ")}`,
      write: async (c) => {
        // Merged again into the policy as it is now, under a lock, and read back (bucket-policy-write.ts).
        await writeBucketPolicy(clients, { setup: bucketSetup(plan), change: c, lockDirectory });
        return c.kind === "create" ? "created" : "updated";
      },
    },
    {
      id: "managed-policy",
      title: `Managed policy ${policyName}: s3:GetObject on ${bucket}/*`,
      undo: `aws iam delete-policy --policy-arn ${plan.policyArn} --profile ${displayShellWord(profile)}`,
      write: (c) => writeManagedPolicy(clients, plan, c, current),
    },
    {
      id: "role",
      title: `Role ${roleName}, trusted by Staging account ${plan.accounts.staging.accountId}`,
      undo: `aws iam delete-role --role-name ${roleName} --profile ${displayShellWord(profile)}`,
      write: (c) => writeRole(clients, plan, c),
    },
    {
      id: "role-session",
      title: `Role ${roleName} allows sessions of up to ${plan.answers.maxSessionDuration} s`,
      undo: `aws iam update-role --role-name ${roleName} --max-session-duration ${current.role?.maxSessionDuration ?? 3600} --profile ${displayShellWord(profile)}`,
      write: async () => {
        await clients.iam.send(new UpdateRoleCommand({ RoleName: roleName, MaxSessionDuration: plan.answers.maxSessionDuration }));
        return "updated";
      },
    },
    {
      id: "attach",
      title: `Policy ${policyName} attached to role ${roleName}`,
      undo: `aws iam detach-role-policy --role-name ${roleName} --policy-arn ${plan.policyArn} --profile ${displayShellWord(profile)}`,
      write: async () => {
        await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: plan.policyArn }));
        return "created";
      },
    },
  ]);
}

/**
 * A shared document (bucket policy, role trust) is written as merged when the plan was made;
 * if someone changed it since, writing the merge would undo their change: stop instead.
 */
function refuseIfChanged(change: Change, now: PolicyDocument | undefined): void {
  refuseInexactRewrite(now, change.resource);
  const unchanged = change.before && now ? sameDocument(change.before, now) : change.before === now;
  if (unchanged) return;
  throw new XacctError(`The ${change.resource} changed since the plan was shown; xacct will not write over that change.`, {
    hint: "Run setup again: the new plan merges into the document as it is now.",
  });
}

async function createBucket(clients: AwsClients, plan: SetupPlan, bucketCreated: () => Promise<void>): Promise<StepStatus> {
  const { bucket, region } = plan.answers;
  try {
    // us-east-1 is the one region that must not be named as a LocationConstraint.
    await clients.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === "us-east-1"
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
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

/** The tag is how teardown knows xacct made this bucket and may delete it. Other tags stay. */
async function tagBucket(clients: AwsClients, plan: SetupPlan, current: ProductionState | undefined): Promise<void> {
  const ours = xacctTags(plan);
  const others = (current?.bucketTags ?? []).filter((t) => !ours.some((o) => o.Key === t.Key));
  const TagSet = [...others, ...ours].map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));
  await clients.s3.send(new PutBucketTaggingCommand({ Bucket: plan.answers.bucket, Tagging: { TagSet } }));
}

async function writeManagedPolicy(clients: AwsClients, plan: SetupPlan, change: Change, current: ProductionState): Promise<StepStatus> {
  const document = JSON.stringify(change.after);
  if (change.kind === "create") {
    await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: plan.answers.policyName,
        PolicyDocument: document,
        Description: `xacct: read objects of ${plan.answers.bucket}`,
        Tags: xacctTags(plan),
      }),
    );
    return "created";
  }
  // IAM keeps at most five versions of a managed policy: drop the oldest non-default one.
  const versions = current.managedPolicy?.versions ?? [];
  if (versions.length >= 5) {
    const oldest = versions.filter((v) => !v.isDefault).sort((a, b) => a.created - b.created)[0];
    if (oldest) await clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: plan.policyArn, VersionId: oldest.id }));
  }
  await clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: plan.policyArn, PolicyDocument: document, SetAsDefault: true }));
  return "updated";
}

async function writeRole(clients: AwsClients, plan: SetupPlan, change: Change): Promise<StepStatus> {
  const document = JSON.stringify(change.after);
  const roleName = plan.answers.roleName;
  if (change.kind === "update") {
    refuseIfChanged(change, (await readRole(clients, roleName))?.trust);
    await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: document }));
    return "updated";
  }
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: document,
      Description: `xacct: lets account ${plan.accounts.staging.accountId} read ${plan.answers.bucket}`,
      MaxSessionDuration: plan.answers.maxSessionDuration,
      Tags: xacctTags(plan),
    }),
  );
  return "created";
}
