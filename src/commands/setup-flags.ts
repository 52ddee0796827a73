/**
 * Every value setup takes as a flag, checked before the first AWS call. The wizard reads some
 * of them only after it has discovered the accounts, and --profile-style only in stage 3, after
 * every write: a bad value must cost nothing in either account.
 */
import { DEFAULTS } from "../plan.js";
import { invalidInput } from "../errors.js";
import {
  checkAccountId,
  checkBucketName,
  checkExternalId,
  checkMaxSessionDuration,
  checkMfaSerial,
  checkTokenCode,
  checkMode,
  checkObjectKey,
  checkOrgId,
  checkPermissionSetName,
  checkOuId,
  checkPolicyName,
  checkProfileName,
  checkProfileStyle,
  checkRegion,
  checkRoleName,
  checkTrustPrincipal,
  checkUserName,
  checkWritableProfileName,
} from "../validate/index.js";
import { refuseRoleOnlyFlags } from "../wizard/setup-questions.js";
import { listOf, refuseOuWithoutOrg } from "../setups/accounts.js";
import type { SetupOptions } from "./setup-options.js";
import { refuseUserAndRole } from "../setups/target.js";

/**
 * Permission sets are the Staging side (their roles are Identity Center's: xacct writes nothing
 * in Staging): no user or role of xacct's beside them, one Staging account, role mode.
 */
function refusePermissionSetWith(options: SetupOptions): void {
  const other =
    options.stagingUser !== undefined
      ? "--staging-user"
      : options.stagingRole !== undefined
        ? "--staging-role"
        : listOf(options.stagingProfile).length > 1 || listOf(options.stagingAccount).length > 0 || options.stagingAccountsFromOrg
          ? "further Staging accounts"
          : undefined;
  if (other === undefined) return;
  throw invalidInput(
    `--trust-sso-permission-set makes the permission set the Staging side, so it does not go with ${other}.`,
    "Give the permission set alone (xacct prints the policy it must carry), or leave --trust-sso-permission-set out.",
  );
}

/** A Staging role is the main Staging account's, in role mode: resource-policy mode and further Staging accounts grant users. */
function refuseRoleWithout(options: SetupOptions): void {
  const other =
    options.mode === "resource-policy"
      ? "--mode resource-policy (it grants a Staging user)"
      : listOf(options.stagingProfile).length > 1 || listOf(options.stagingAccount).length > 0 || options.stagingAccountsFromOrg
        ? "further Staging accounts (their side is a user)"
        : undefined;
  if (other === undefined) return;
  throw invalidInput(
    `--staging-role works in role mode with one Staging account, not with ${other}.`,
    "Leave --staging-role out, or set up that account on its own.",
  );
}

/**
 * Identity Center's roles cannot be assumed by a named principal (`Principal` matches no role
 * session it makes) and their sessions carry no aws:MultiFactorAuthPresent (they come from the
 * access portal, not from an STS call with an MFA code); the permission set already narrows
 * the account to its roles, so the root ARN would match only the root user.
 */
export function refusePermissionSetTrustWith(trust: {
  principals?: string[] | undefined;
  requireMfa?: boolean | undefined;
  ssoPermissionSets?: string[] | undefined;
}): void {
  if (!trust.ssoPermissionSets?.length) return;
  const roots = (trust.principals ?? []).filter((p) => /^arn:[^:]+:iam::\d{12}:root$/.test(p));
  if (roots.length > 0) {
    throw invalidInput(
      `--trust-principal ${roots[0]} does not go with --trust-sso-permission-set: the permission set already narrows the account to its roles, and the root ARN there would admit only the root user, which cannot assume roles.`,
      "Leave --trust-principal out, or name users or roles of Staging with it.",
    );
  }
  if (trust.requireMfa) {
    throw invalidInput(
      '--require-mfa does not go with --trust-sso-permission-set: AWS sets aws:MultiFactorAuthPresent only for sessions made by AssumeRole or GetSessionToken with an MFA code (IAM User Guide, "Configuring MFA-protected API access"), and an Identity Center role session comes from the access portal, so the condition would refuse every one.',
      "Require MFA in IAM Identity Center instead (Settings → Authentication → Multi-factor authentication), which asks for it at sign-in, and leave --require-mfa out.",
    );
  }
}

/**
 * A Staging role has no MFA device of its own, xacct's MFA session needs an IAM user's keys, and
 * AWS does not document that aws:MultiFactorAuthPresent survives role chaining: the condition
 * could refuse every session of the role.
 */
export function refuseStagingRoleWithMfa(answers: { stagingRole?: string | undefined; requireMfa?: boolean | undefined }): void {
  if (answers.stagingRole === undefined || !answers.requireMfa) return;
  throw invalidInput(
    `--require-mfa does not go with --staging-role ${answers.stagingRole}: a role has no MFA device, xacct can make an MFA session only for an IAM user, and AWS does not document that aws:MultiFactorAuthPresent survives role chaining, so the trust could refuse every session of that role.`,
    "Leave --require-mfa out (narrow who may assume the Staging role instead), or use a Staging user with --require-mfa.",
  );
}

/**
 * Roles Identity Center or an AWS service owns are modifiable only by AWS: IAM refuses the
 * inline policy, and only after Production is written. Their names tell (the path is checked
 * once the role is read).
 */
export function refuseAwsOwnedStagingRole(name: string, path = ""): void {
  const sso = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/i.exec(name);
  if (sso || /^AWSReservedSSO_/i.test(name) || path.startsWith("/aws-reserved/")) {
    throw invalidInput(
      `--staging-role ${name} is an IAM Identity Center role, which only AWS may change, so xacct cannot give it a policy.`,
      `Use --trust-sso-permission-set ${sso?.[1] ?? "NAME"} instead (xacct prints the policy the permission set must carry).`,
    );
  }
  if (/^AWSServiceRoleFor/i.test(name) || path.startsWith("/aws-service-role/")) {
    throw invalidInput(
      `--staging-role ${name} is a service-linked role, which only its AWS service may change, so xacct cannot give it a policy.`,
      "Name a role of your own with --staging-role.",
    );
  }
}

export function checkSetupFlags(options: SetupOptions): void {
  const given = <T>(value: T | undefined, check: (value: T) => unknown) => {
    if (value !== undefined) check(value);
  };
  given(options.mode, checkMode);
  given(options.productionProfile, checkProfileName);
  listOf(options.stagingProfile).forEach(checkProfileName);
  given(options.bucket, checkBucketName);
  given(options.roleName, checkRoleName);
  given(options.policyName, checkPolicyName);
  given(options.stagingUser, checkUserName);
  refuseUserAndRole(options);
  given(options.stagingRole, checkRoleName);
  given(options.stagingRole, refuseAwsOwnedStagingRole);
  if (options.stagingRole !== undefined) refuseRoleWithout(options);
  given(options.region, checkRegion);
  checkWritableProfileName(options.tempProfile ?? DEFAULTS.profileName);
  given(options.testKey, checkObjectKey);
  given(options.profileStyle, checkProfileStyle);
  options.trustPrincipal?.forEach(checkTrustPrincipal);
  options.trustSsoPermissionSet?.forEach(checkPermissionSetName);
  if (options.trustSsoPermissionSet?.length) refusePermissionSetWith(options);
  refusePermissionSetTrustWith({ principals: options.trustPrincipal, requireMfa: options.requireMfa, ssoPermissionSets: options.trustSsoPermissionSet });
  refuseStagingRoleWithMfa({ stagingRole: options.stagingRole, requireMfa: options.requireMfa });
  // --external-id alone (true) asks xacct to generate one.
  if (typeof options.externalId === "string") checkExternalId(options.externalId);
  given(options.orgId, checkOrgId);
  given(options.maxSessionDuration, checkMaxSessionDuration);
  listOf(options.stagingAccount).forEach((id) => checkAccountId(id, "Staging account ID"));
  refuseOuWithoutOrg(options);
  given(options.ou, checkOuId);
  if (options.mode === "resource-policy") refuseRoleOnlyFlags(options);
  given(options.mfaSerial, checkMfaSerial);
  given(options.tokenCode, checkTokenCode);
  if (options.tokenCode !== undefined && options.mfaSerial === undefined) {
    throw invalidInput(
      "--token-code is the code of the device --mfa-serial names, and there is no --mfa-serial.",
      "Add --mfa-serial ARN, or leave --token-code out.",
    );
  }
}
