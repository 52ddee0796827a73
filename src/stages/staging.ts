/**
 * Stage 2, in the Staging account: the operator user may assume exactly the Production role.
 */
import { CreateUserCommand, GetUserPolicyCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { isAwsError, withAwsContext } from "../aws/errors.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import { parsePolicyDocument } from "../policy/index.js";
import { sameDocument } from "./compare.js";
import type { Step, StepStatus } from "./steps.js";

export function stagingSteps(clients: AwsClients, plan: SetupPlan): Step[] {
  const { stagingUser: user, stagingProfile: profile } = plan.answers;
  const account = plan.accounts.staging.accountId;
  const ctx = (action: string) => ({ action: `${action} in Staging account ${account}`, profile });
  const steps: Step[] = [];
  if (plan.createStagingUser) {
    steps.push({
      id: "user",
      title: `User ${user}`,
      run: () => withAwsContext(ctx(`creating user ${user}`), () => createUser(clients, plan)),
      undo: `aws iam delete-user --user-name ${user} --profile ${profile}`,
    });
  }
  steps.push({
    id: "inline-policy",
    title: `Inline policy ${plan.inlinePolicyName}: ${user} may assume ${plan.roleArn}`,
    run: () => withAwsContext(ctx(`writing inline policy ${plan.inlinePolicyName} of ${user}`), () => ensureInlinePolicy(clients, plan)),
    undo: `aws iam delete-user-policy --user-name ${user} --policy-name ${plan.inlinePolicyName} --profile ${profile}`,
  });
  return steps;
}

async function createUser(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  try {
    await clients.iam.send(new CreateUserCommand({ UserName: plan.answers.stagingUser, Tags: xacctTags(plan) }));
    return "created";
  } catch (error) {
    if (isAwsError(error, "EntityAlreadyExists")) return "reused";
    throw error;
  }
}

async function ensureInlinePolicy(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  const wanted = plan.documents.assumeRole;
  const UserName = plan.answers.stagingUser;
  let existed = false;
  try {
    const out = await clients.iam.send(new GetUserPolicyCommand({ UserName, PolicyName: plan.inlinePolicyName }));
    existed = true;
    if (out.PolicyDocument && sameDocument(parsePolicyDocument(out.PolicyDocument), wanted)) return "unchanged";
  } catch (error) {
    if (!isAwsError(error, "NoSuchEntity")) throw error;
  }
  await clients.iam.send(
    new PutUserPolicyCommand({ UserName, PolicyName: plan.inlinePolicyName, PolicyDocument: JSON.stringify(wanted) }),
  );
  return existed ? "updated" : "created";
}
