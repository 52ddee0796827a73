/**
 * Who holds the Staging side's inline policy: the Staging user (the recipe), or an existing
 * Staging role (--staging-role), which xacct never creates or deletes. The IAM calls and the
 * words for each, so the inline policy's module does not care which it is.
 */
import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { unlessMissing } from "../aws/errors.js";
import { displayShellWord } from "../shell-words.js";

export interface StagingPrincipal {
  kind: "user" | "role";
  name: string;
}

export function stagingPrincipalOf(side: { stagingUser: string; stagingRole?: string | undefined }): StagingPrincipal {
  return side.stagingRole !== undefined ? { kind: "role", name: side.stagingRole } : { kind: "user", name: side.stagingUser };
}

/** "user StageAdmin", "role CiRunner". */
export function principalWords(principal: StagingPrincipal): string {
  return `${principal.kind} ${principal.name}`;
}

export async function putInlinePolicy(iam: IAMClient, principal: StagingPrincipal, policyName: string, document: string): Promise<void> {
  if (principal.kind === "role") await iam.send(new PutRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName, PolicyDocument: document }));
  else await iam.send(new PutUserPolicyCommand({ UserName: principal.name, PolicyName: policyName, PolicyDocument: document }));
}

/** The inline policy's text, or undefined when the principal or the policy does not exist. */
export async function getInlinePolicy(iam: IAMClient, principal: StagingPrincipal, policyName: string): Promise<string | undefined> {
  const out = await unlessMissing(["NoSuchEntity"], (): Promise<{ PolicyDocument?: string | undefined }> =>
    principal.kind === "role"
      ? iam.send(new GetRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName }))
      : iam.send(new GetUserPolicyCommand({ UserName: principal.name, PolicyName: policyName })),
  );
  return out?.PolicyDocument;
}

export async function deleteInlinePolicy(iam: IAMClient, principal: StagingPrincipal, policyName: string): Promise<void> {
  if (principal.kind === "role") await iam.send(new DeleteRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName }));
  else await iam.send(new DeleteUserPolicyCommand({ UserName: principal.name, PolicyName: policyName }));
}

/** The aws CLI command that undoes the write by hand. */
export function deleteInlineCommand(principal: StagingPrincipal, policyName: string, profile: string): string {
  const flag = principal.kind === "role" ? "--role-name" : "--user-name";
  return `aws iam delete-${principal.kind}-policy ${flag} ${principal.name} --policy-name ${policyName} --profile ${displayShellWord(profile)}`;
}

/**
 * The Staging side is IAM Identity Center permission sets (--trust-sso-permission-set): their
 * roles are Identity Center's, so xacct writes nothing in Staging, no user and no inline policy.
 */
export function permissionSetsOf(side: { trust?: { ssoPermissionSets?: string[] | undefined }; ssoPermissionSets?: string[] | undefined }): string[] {
  return side.trust?.ssoPermissionSets ?? side.ssoPermissionSets ?? [];
}

/**
 * A role of the permission set as verify judges it: the trust and the Staging account's side are
 * judged for this ARN (the suffix is made up; the trust's pattern admits any 16 characters there).
 */
export function permissionSetRoleArn(partition: string, stagingAccountId: string, permissionSet: string): string {
  return `arn:${partition}:iam::${stagingAccountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${permissionSet}_0123456789abcdef`;
}
