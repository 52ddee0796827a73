/**
 * The Staging user's inline policy: may assume the role (role mode) or read the bucket
 * (resource-policy mode). Written only over xacct's own content; deleted by teardown only
 * while it is still what xacct writes for this setup.
 */
import { invalidInput } from "../errors.js";
import type { SetupPlan } from "../plan.js";
import {
  isDecryptThroughS3,
  isOneOf,
  KMS_SID,
  parsePolicyDocument,
  roleArn,
  sameGrant,
  xacctStagingPolicies,
  type PolicyDocument,
  type PolicyStatement,
} from "../policy/index.js";
import { LIMITS, size, type Overflow } from "../policy/limits.js";
import {
  permissionSetsOf,
  deleteInlineCommand,
  deleteInlinePolicy,
  getInlinePolicy,
  principalWords,
  putInlinePolicy,
  stagingPrincipalOf,
} from "./staging-principal.js";
import { documentChange, keptNow, type ResourceKind, type TeardownTarget } from "./resource.js";

export const inlinePolicy: ResourceKind = {
  id: "inline-policy",
  account: "staging",
  // Permission sets: their policy lives in Identity Center; setup prints it (ui/plan-view.ts), writes nothing.
  change: ({ plan, staging }) =>
    permissionSetsOf(plan.answers).length > 0
      ? []
      : {
          id: "inline-policy",
          account: "staging",
          kind: documentChange(staging.inlinePolicy, plan.documents.stagingPolicy),
          resource: `inline policy ${plan.inlinePolicyName} of ${principalWords(stagingPrincipalOf(plan.answers))}`,
          before: staging.inlinePolicy,
          after: plan.documents.stagingPolicy,
        },
  overflow: ({ plan }) => inlineOverflow(plan),
  apply: ({ clients, plan }) => {
    const principal = stagingPrincipalOf(plan.answers);
    // The recipe's words for a user ("StageAdmin may …"); a role is named as one.
    const who = principal.kind === "role" ? principalWords(principal) : principal.name;
    return {
      title:
        plan.answers.mode === "role"
          ? `Inline policy ${plan.inlinePolicyName}: ${who} may assume ${plan.roleArn}`
          : `Inline policy ${plan.inlinePolicyName}: ${who} may read s3://${plan.answers.bucket}/*`,
      undo: deleteInlineCommand(principal, plan.inlinePolicyName, plan.answers.stagingProfile),
      undoUpdate: `put back inline policy ${plan.inlinePolicyName} of ${who} as the plan showed it (aws iam put-${principal.kind}-policy with the earlier document)`,
      write: async (c) => {
        await putInlinePolicy(clients.iam, principal, plan.inlinePolicyName, JSON.stringify(c.after));
        return c.kind === "create" ? "created" : "updated";
      },
    };
  },
  // Terraform's id: "user:policy"; CloudFormation's: both names.
  adoption: ({ plan, staging }) => ({
    resource: `inline policy ${plan.inlinePolicyName} of user ${plan.answers.stagingUser}`,
    exists: staging.inlinePolicy !== undefined,
    terraformId: `${plan.answers.stagingUser}:${plan.inlinePolicyName}`,
    cloudformationId: { PolicyName: plan.inlinePolicyName, UserName: plan.answers.stagingUser },
  }),
  terraform: ({ templated: p, plan }) => [
    {
      file: "staging.tf.json",
      type: "aws_iam_user_policy",
      name: "xacct_assume_role",
      body: { provider: "aws.staging", name: p.inlinePolicyName, user: p.answers.stagingUser, policy: JSON.stringify(p.documents.stagingPolicy) },
      document: { name: "assumeRole", field: "policy", expected: plan.documents.stagingPolicy },
    },
  ],
  // A StackSet's Staging template puts the same document in a group's managed policy instead (export/cloudformation.ts).
  cloudformation: ({ templated: p, plan }) => [
    {
      template: "staging",
      logicalId: "AssumeRolePolicy",
      resource: {
        Type: "AWS::IAM::UserPolicy",
        Properties: { PolicyName: p.inlinePolicyName, UserName: p.answers.stagingUser, PolicyDocument: p.documents.stagingPolicy },
      },
      document: { name: "assumeRole", field: "PolicyDocument", expected: plan.documents.stagingPolicy },
    },
  ],
  removal: ({ target, staging }) => {
    // A permission-set setup wrote nothing in Staging, unless an older xacct let a user setup move
    // onto a permission set: that grant of this role is still this setup's to remove.
    const permissionSets = permissionSetsOf(target).length > 0;
    const resource = `inline policy ${target.inlinePolicyName} of ${principalWords(stagingPrincipalOf(target))}`;
    if (!staging.inlinePolicy) return permissionSets ? [] : { id: "inline-policy", account: "staging", kind: "none", resource };
    if (isXacctStagingPolicy(staging.inlinePolicy, stagingPolicyCandidates(target)))
      return { id: "inline-policy", account: "staging", kind: "delete", resource };
    return permissionSets
      ? []
      : { id: "inline-policy", account: "staging", kind: "keep", resource, note: "its content was not written by xacct for this setup" };
  },
  remove: ({ clients, target }) => {
    const principal = stagingPrincipalOf(target);
    return {
      title: `Inline policy ${target.inlinePolicyName} of ${principalWords(principal)}`,
      remove: async () => {
        const text = await getInlinePolicy(clients.iam, principal, target.inlinePolicyName);
        if (!text) return "absent";
        if (!isXacctStagingPolicy(parsePolicyDocument(text), stagingPolicyCandidates(target))) return keptNow("its content is no longer what xacct wrote");
        await deleteInlinePolicy(clients.iam, principal, target.inlinePolicyName);
        return "deleted";
      },
    };
  },
};

/** The inline policies xacct writes for the Staging user of this setup, in any of its forms. */
export function stagingPolicyCandidates(target: Pick<TeardownTarget, "mode" | "partition" | "bucket" | "roleArn">): PolicyDocument[] {
  // An older xacct named a role with a path without it (role/Name): that policy was xacct's too.
  const pathless = target.roleArn.replace(/:role\/.*\/([^/]+)$/, ":role/$1");
  return [...new Set([target.roleArn, pathless])].flatMap((roleArn) => xacctStagingPolicies({ ...target, roleArn }));
}

/**
 * One of the inline policies xacct writes for this setup: one of `candidates`, with or without
 * the kms:Decrypt statement an SSE-KMS bucket adds (resource-policy mode), on whatever key.
 */
export function isXacctStagingPolicy(document: PolicyDocument, candidates: readonly PolicyDocument[]): boolean {
  const rest = document.Statement.filter((s) => !isXacctDecryptStatement(s));
  return isOneOf(rest.length === document.Statement.length ? document : { ...document, Statement: rest }, candidates);
}

/** xacct's decrypt statement: exactly kms:Decrypt on KMS keys, through S3 of their region. */
function isXacctDecryptStatement(statement: PolicyStatement): boolean {
  return statement.Sid === KMS_SID.decrypt && isDecryptThroughS3(statement);
}

/** The Staging user's inline policy of xacct's name is replaced only when xacct wrote it (for this setup). */
export function refuseForeignInlinePolicy(plan: SetupPlan, current: PolicyDocument): void {
  const { mode, bucket } = plan.answers;
  // An older xacct named a role with a path without it (role/Name): that policy is xacct's too, and gets corrected.
  const pathless = roleArn(plan.partition, plan.accounts.production.accountId, plan.answers.roleName);
  const candidates = [plan.roleArn, pathless].flatMap((arn) => xacctStagingPolicies({ mode, partition: plan.partition, bucket, roleArn: arn }));
  if (isXacctStagingPolicy(current, candidates)) return;
  const other = grantedRoleArn(current);
  if (other !== undefined && isXacctStagingPolicy(current, xacctStagingPolicies({ mode, partition: plan.partition, bucket, roleArn: other }))) {
    throw invalidInput(
      `The inline policy ${plan.inlinePolicyName} of ${principalWords(stagingPrincipalOf(plan.answers))} is xacct's grant for the setup of role ${other}, another setup; xacct will not overwrite it.`,
      `Give this setup another role name with --role-name (the policy's name comes from it), or tear that setup down first.`,
    );
  }
  throw invalidInput(
    `The inline policy ${plan.inlinePolicyName} of ${principalWords(stagingPrincipalOf(plan.answers))} was not written by xacct (its content is not xacct's); xacct will not overwrite it.`,
    `Rename or remove that inline policy, or name another ${plan.answers.stagingRole !== undefined ? "role with --staging-role" : "user with --staging-user"}.`,
  );
}

/** The one role an xacct-shaped assume-role policy grants, if it names exactly one. */
function grantedRoleArn(document: PolicyDocument): string | undefined {
  const resources = new Set(document.Statement.flatMap((s) => (typeof s.Resource === "string" && /:role\//.test(s.Resource) ? [s.Resource] : [])));
  return resources.size === 1 ? [...resources][0] : undefined;
}

function inlineOverflow(plan: SetupPlan): Overflow | undefined {
  const length = size(plan.documents.stagingPolicy);
  if (length <= LIMITS.inlineUser) return undefined;
  return { what: `the inline policy ${plan.inlinePolicyName}`, length, limit: LIMITS.inlineUser, hint: "Use shorter names for the role or bucket." };
}
