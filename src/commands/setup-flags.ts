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
  given(options.region, checkRegion);
  checkWritableProfileName(options.tempProfile ?? DEFAULTS.profileName);
  given(options.testKey, checkObjectKey);
  given(options.profileStyle, checkProfileStyle);
  options.trustPrincipal?.forEach(checkTrustPrincipal);
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
