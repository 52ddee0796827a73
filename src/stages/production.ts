/**
 * Stage 1, in the Production account: the bucket, its policy, the read-only managed policy,
 * the role trusted by Staging, and the attachment. Every step reads first and writes only
 * what differs, so a rerun converges.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListPolicyVersionsCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { isAwsError, withAwsContext } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import { mergeOwnedStatements, parsePolicyDocument, type PolicyDocument } from "../policy/index.js";
import { sameDocument } from "./compare.js";
import type { Step, StepStatus } from "./steps.js";

export function productionSteps(clients: AwsClients, plan: SetupPlan): Step[] {
  const { bucket, roleName, policyName, productionProfile: profile } = plan.answers;
  const account = plan.accounts.production.accountId;
  const ctx = (action: string) => ({ action: `${action} in Production account ${account}`, profile });
  return [
    {
      id: "bucket",
      title: `Bucket ${bucket} in ${plan.answers.region}`,
      run: () => withAwsContext(ctx(`creating bucket ${bucket}`), () => ensureBucket(clients, plan)),
      undo: `aws s3api delete-bucket --bucket ${bucket} --profile ${profile}`,
    },
    {
      id: "bucket-policy",
      title: `Bucket policy: Staging account ${plan.accounts.staging.accountId} may locate and list ${bucket}`,
      run: () => withAwsContext(ctx(`writing the policy of bucket ${bucket}`), () => ensureBucketPolicy(clients, plan)),
      undo: `aws s3api get-bucket-policy --bucket ${bucket} --profile ${profile}  # then remove statement ${plan.documents.bucketStatement.Sid}`,
    },
    {
      id: "managed-policy",
      title: `Managed policy ${policyName}: s3:GetObject on ${bucket}/*`,
      run: () => withAwsContext(ctx(`creating managed policy ${policyName}`), () => ensureManagedPolicy(clients, plan)),
      undo: `aws iam delete-policy --policy-arn ${plan.policyArn} --profile ${profile}`,
    },
    {
      id: "role",
      title: `Role ${roleName}, trusted by Staging account ${plan.accounts.staging.accountId}`,
      run: () => withAwsContext(ctx(`creating role ${roleName}`), () => ensureRole(clients, plan)),
      undo: `aws iam delete-role --role-name ${roleName} --profile ${profile}`,
    },
    {
      id: "attach",
      title: `Policy ${policyName} attached to role ${roleName}`,
      run: () => withAwsContext(ctx(`attaching ${policyName} to ${roleName}`), () => ensureAttachment(clients, plan)),
      undo: `aws iam detach-role-policy --role-name ${roleName} --policy-arn ${plan.policyArn} --profile ${profile}`,
    },
  ];
}

async function ensureBucket(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  const { bucket, region } = plan.answers;
  if (plan.bucketExists) return "reused";
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
    return "created";
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
}

async function readBucketPolicy(clients: AwsClients, bucket: string): Promise<PolicyDocument | undefined> {
  try {
    const out = await clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    return out.Policy ? parsePolicyDocument(out.Policy) : undefined;
  } catch (error) {
    if (isAwsError(error, "NoSuchBucketPolicy")) return undefined;
    throw error;
  }
}

/** Merges our statement into whatever policy the bucket has; other statements are kept. */
async function ensureBucketPolicy(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  const bucket = plan.answers.bucket;
  const existing = await readBucketPolicy(clients, bucket);
  const merged = mergeOwnedStatements(existing, [plan.documents.bucketStatement]);
  if (existing && sameDocument(existing, merged)) return "unchanged";
  await clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(merged) }));
  return existing ? "updated" : "created";
}

async function ensureManagedPolicy(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  const wanted = plan.documents.readObjects;
  let defaultVersion: string | undefined;
  try {
    const out = await clients.iam.send(new GetPolicyCommand({ PolicyArn: plan.policyArn }));
    defaultVersion = out.Policy?.DefaultVersionId;
  } catch (error) {
    if (!isAwsError(error, "NoSuchEntity")) throw error;
    await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: plan.answers.policyName,
        PolicyDocument: JSON.stringify(wanted),
        Description: `xacct: read objects of ${plan.answers.bucket}`,
        Tags: xacctTags(plan),
      }),
    );
    return "created";
  }
  const current = await clients.iam.send(
    new GetPolicyVersionCommand({ PolicyArn: plan.policyArn, VersionId: defaultVersion }),
  );
  const text = current.PolicyVersion?.Document;
  if (text && sameDocument(parsePolicyDocument(text), wanted)) return "unchanged";
  await makeRoomForPolicyVersion(clients, plan.policyArn);
  await clients.iam.send(
    new CreatePolicyVersionCommand({ PolicyArn: plan.policyArn, PolicyDocument: JSON.stringify(wanted), SetAsDefault: true }),
  );
  return "updated";
}

/** IAM keeps at most five versions of a managed policy: drop the oldest non-default one. */
async function makeRoomForPolicyVersion(clients: AwsClients, policyArn: string): Promise<void> {
  const out = await clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }));
  const versions = out.Versions ?? [];
  if (versions.length < 5) return;
  const oldest = versions
    .filter((v) => !v.IsDefaultVersion)
    .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
  if (oldest?.VersionId) {
    await clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: oldest.VersionId }));
  }
}

async function ensureRole(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  const wanted = plan.documents.trust;
  const roleName = plan.answers.roleName;
  try {
    const out = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
    const text = out.Role?.AssumeRolePolicyDocument;
    if (text && sameDocument(parsePolicyDocument(text), wanted)) return "unchanged";
    await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(wanted) }));
    return "updated";
  } catch (error) {
    if (!isAwsError(error, "NoSuchEntity")) throw error;
  }
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify(wanted),
      Description: `xacct: lets account ${plan.accounts.staging.accountId} read ${plan.answers.bucket}`,
      Tags: xacctTags(plan),
    }),
  );
  return "created";
}

async function ensureAttachment(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  const roleName = plan.answers.roleName;
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    if (page.AttachedPolicies?.some((p) => p.PolicyArn === plan.policyArn)) return "unchanged";
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: plan.policyArn }));
  return "created";
}
