/**
 * Stage 2, in the Staging account: the operator user may assume exactly the Production role.
 */
import { CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { isAwsError } from "../aws/errors.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import type { Change } from "./changes.js";
import { stepsForChanges, type Step, type StepStatus } from "./steps.js";
import { displayShellWord } from "../shell-words.js";

export function stagingSteps(clients: AwsClients, plan: SetupPlan, changes: Change[]): Step[] {
  const { stagingUser: user, stagingProfile: profile } = plan.answers;
  const where = { account: `Staging account ${plan.accounts.staging.accountId}`, profile };
  return stepsForChanges(changes, where, [
    {
      id: "user",
      title: `User ${user}`,
      undo: `aws iam delete-user --user-name ${user} --profile ${displayShellWord(profile)}`,
      write: () => createUser(clients, plan),
    },
    {
      id: "inline-policy",
      title:
        plan.answers.mode === "role"
          ? `Inline policy ${plan.inlinePolicyName}: ${user} may assume ${plan.roleArn}`
          : `Inline policy ${plan.inlinePolicyName}: ${user} may read s3://${plan.answers.bucket}/*`,
      undo: `aws iam delete-user-policy --user-name ${user} --policy-name ${plan.inlinePolicyName} --profile ${displayShellWord(profile)}`,
      write: async (c) => {
        await clients.iam.send(
          new PutUserPolicyCommand({ UserName: user, PolicyName: plan.inlinePolicyName, PolicyDocument: JSON.stringify(c.after) }),
        );
        return c.kind === "create" ? "created" : "updated";
      },
    },
  ]);
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
