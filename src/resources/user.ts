/**
 * The Staging user: created with xacct's tags when it does not exist (or used as it is), and
 * deleted by teardown only when it is this setup's and has nothing more than xacct gave it.
 */
import {
  CreateUserCommand,
  DeleteUserCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
} from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { isAwsError, unlessMissing } from "../aws/errors.js";
import { setupId, xacctTags, type SetupPlan } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import type { StepStatus } from "../stages/steps.js";
import { keptNow, NO_LONGER, type Removal, type ResourceKind } from "./resource.js";
import { madeBySetup, removalByTags } from "./state.js";
import { permissionSetsOf } from "./staging-principal.js";

export const user: ResourceKind = {
  id: "user",
  account: "staging",
  // A Staging role is the Staging side instead: no user to make, and none to remove.
  change: ({ plan, staging }) =>
    plan.answers.stagingRole !== undefined || permissionSetsOf(plan.answers).length > 0
      ? []
      : { id: "user", account: "staging", kind: staging.user ? "none" : "create", resource: `user ${plan.answers.stagingUser}` },
  apply: ({ clients, plan }) => ({
    title: `User ${plan.answers.stagingUser}`,
    undo: `aws iam delete-user --user-name ${plan.answers.stagingUser} --profile ${displayShellWord(plan.answers.stagingProfile)}`,
    write: () => createUser(clients, plan),
  }),
  removal: ({ target, staging, deps }) => {
    if (target.stagingRole !== undefined || permissionSetsOf(target).length > 0) return [];
    const removal: Removal = {
      id: "user",
      account: "staging",
      ...removalByTags(!!staging.user, staging.user?.tags ?? [], setupId(target)),
      resource: `user ${target.stagingUser}`,
    };
    if (removal.kind === "delete" && deps.userExtras.length > 0)
      Object.assign(removal, { kind: "keep", note: `it has more than xacct gave it: ${deps.userExtras.join(", ")}` });
    return removal;
  },
  remove: ({ clients, target }) => ({
    title: `User ${target.stagingUser}`,
    remove: async () => {
      const found = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetUserCommand({ UserName: target.stagingUser })));
      if (!found?.User) return "absent";
      if (!madeBySetup(found.User.Tags ?? [], setupId(target))) return keptNow(NO_LONGER);
      // Anything given to the user since the plan makes IAM refuse the delete (DeleteConflict).
      await clients.iam.send(new DeleteUserCommand({ UserName: target.stagingUser }));
      return "deleted";
    },
  }),
};

async function createUser(clients: AwsClients, plan: SetupPlan): Promise<StepStatus> {
  try {
    await clients.iam.send(new CreateUserCommand({ UserName: plan.answers.stagingUser, Tags: xacctTags(plan) }));
    return "created";
  } catch (error) {
    if (isAwsError(error, "EntityAlreadyExists")) return "reused";
    throw error;
  }
}

/** What the user has beyond xacct's inline policy: access keys, other policies, groups. */
export async function listUserExtras(clients: AwsClients, target: { stagingUser: string; inlinePolicyName: string }): Promise<string[]> {
  const UserName = target.stagingUser;
  const [keys, inline, attached, groups] = await Promise.all([
    clients.iam.send(new ListAccessKeysCommand({ UserName })),
    clients.iam.send(new ListUserPoliciesCommand({ UserName })),
    clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName })),
    clients.iam.send(new ListGroupsForUserCommand({ UserName })),
  ]);
  return [
    ...(keys.AccessKeyMetadata ?? []).map((k) => `access key ${k.AccessKeyId}`),
    ...(inline.PolicyNames ?? []).filter((n) => n !== target.inlinePolicyName).map((n) => `inline policy ${n}`),
    ...(attached.AttachedPolicies ?? []).map((p) => `policy ${p.PolicyName}`),
    ...(groups.Groups ?? []).map((g) => `group ${g.GroupName}`),
  ];
}
