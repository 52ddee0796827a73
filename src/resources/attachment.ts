/**
 * The managed policy attached to the role (role mode). Teardown detaches it only while the
 * policy is this setup's; a foreign policy stays attached (and so keeps the role).
 */
import { AttachRolePolicyCommand, DetachRolePolicyCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { setupId } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import { EXPORT_NAME as POLICY_EXPORT_NAME, readPolicyOwnership } from "./managed-policy.js";
import { EXPORT_NAME as ROLE_EXPORT_NAME } from "./role.js";
import { keptNow, NO_LONGER, NOT_XACCTS, type ResourceKind } from "./resource.js";
import { madeBySetup } from "./state.js";

export const attachment: ResourceKind = {
  id: "attach",
  account: "production",
  roleOnly: true,
  change: ({ plan, prod }) => ({
    id: "attach",
    account: "production",
    kind: prod.attachedPolicyArns.includes(plan.policyArn) ? "none" : "create",
    resource: `attachment of ${plan.answers.policyName} to role ${plan.answers.roleName}`,
  }),
  apply: ({ clients, plan }) => ({
    title: `Policy ${plan.answers.policyName} attached to role ${plan.answers.roleName}`,
    undo: `aws iam detach-role-policy --role-name ${plan.answers.roleName} --policy-arn ${plan.policyArn} --profile ${displayShellWord(plan.answers.productionProfile)}`,
    write: async () => {
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName: plan.answers.roleName, PolicyArn: plan.policyArn }));
      return "created";
    },
  }),
  // Terraform's id: the role's name and the policy's ARN, separated by "/".
  adoption: ({ plan, prod }) => ({
    resource: `attachment of ${plan.answers.policyName} to role ${plan.answers.roleName}`,
    exists: prod.attachedPolicyArns.includes(plan.policyArn),
    terraformId: `${plan.answers.roleName}/${plan.policyArn}`,
  }),
  // CloudFormation attaches it in the managed policy's Roles (managed-policy.ts).
  terraform: () => [
    {
      file: "production.tf.json",
      type: "aws_iam_role_policy_attachment",
      name: "read_objects",
      body: {
        provider: "aws.production",
        role: `\${aws_iam_role.${ROLE_EXPORT_NAME.terraform}.name}`,
        policy_arn: `\${aws_iam_policy.${POLICY_EXPORT_NAME.terraform}.arn}`,
      },
    },
  ],
  removal: ({ target, prod }) => {
    const attached = prod.attachedPolicyArns.includes(target.policyArn);
    const policyIsOurs = !!prod.managedPolicy && madeBySetup(prod.managedPolicy.tags, setupId(target));
    return {
      id: "attach",
      account: "production",
      kind: !attached ? "none" : policyIsOurs ? "delete" : "keep",
      resource: `attachment of ${target.policyName} to role ${target.roleName}`,
      ...(attached && !policyIsOurs ? { note: `the managed policy ${target.policyName} is ${NOT_XACCTS}` } : {}),
    };
  },
  remove: ({ clients, target }) => ({
    title: `Attachment of ${target.policyName} to role ${target.roleName}`,
    remove: async () => {
      const policy = await readPolicyOwnership(clients, target.policyArn);
      if (!policy || !madeBySetup(policy.tags, setupId(target))) return keptNow(`the managed policy: ${NO_LONGER}`);
      await clients.iam.send(new DetachRolePolicyCommand({ RoleName: target.roleName, PolicyArn: target.policyArn }));
      return "deleted";
    },
  }),
};

export async function readAttachedPolicyArns(clients: AwsClients, roleName: string): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return arns;
}
