/**
 * What setup remembered is input too: its values reach trust policies, profiles and
 * credential_process lines on later runs, so each is held to the rule of the flag it stands
 * for, before any command uses it. A value that breaks its rule (a hand edit, a file from
 * another version or another person) is refused with the state file's name, not used.
 */
import { XacctError, invalidInput } from "./errors.js";
import { parseKeyArn, parseRoleArn } from "./policy/arn.js";
import type { SetupState } from "./state-read.js";
import {
  checkAccountId,
  checkBucketName,
  checkEndpointUrl,
  checkExternalId,
  checkMaxSessionDuration,
  checkMode,
  checkOrgId,
  checkPermissionSetName,
  checkPolicyName,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkRoleName,
  checkTrustPrincipal,
  checkUserName,
  checkWritableProfileName,
} from "./validate/index.js";

type Check = (value: string) => unknown;

const REQUIRED: [keyof SetupState, Check][] = [
  ["productionProfile", checkProfileName],
  ["stagingProfile", checkProfileName],
  ["region", checkRegion],
  ["bucket", checkBucketName],
  ["roleName", checkRoleName],
  ["policyName", checkPolicyName],
  ["roleArn", checkRoleArn],
  ["stagingUser", checkUserName],
  ["tempProfile", checkWritableProfileName],
  ["productionAccountId", checkAccountId],
  ["stagingAccountId", checkAccountId],
];

const OPTIONAL: [keyof SetupState, Check][] = [
  ["mode", checkMode],
  ["stagingRole", checkRoleName],
  ["externalId", checkExternalId],
  ["orgId", checkOrgId],
  ["endpoint", checkEndpointUrl],
  ["lastVerifiedAt", checkTimestamp],
  ["lastVerifyOutcome", checkVerifyOutcome],
];

/** `xacct list` shows it: one of the three outcomes verify records. */
function checkVerifyOutcome(value: string): string {
  if (!["passed", "failed", "undecided"].includes(value)) throw invalidInput(`lastVerifyOutcome is ${JSON.stringify(value)}, not passed, failed or undecided.`);
  return value;
}

/** `xacct list` prints it: an ISO time, nothing else. */
function checkTimestamp(value: string): string {
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value) || !Number.isFinite(Date.parse(value)))
    throw invalidInput(`lastVerifiedAt is ${JSON.stringify(value)}, not a time.`);
  return value;
}

export function checkSetupState(state: SetupState, path: string): SetupState {
  try {
    for (const [key, check] of REQUIRED) check(stringAt(state, key, true) as string);
    checkOwnArns(state);
    for (const [key, check] of OPTIONAL) {
      const value = stringAt(state, key, false);
      if (value !== undefined) check(value);
    }
    if (state.maxSessionDuration !== undefined) checkMaxSessionDuration(state.maxSessionDuration);
    for (const principal of listAt(state, "trustPrincipals")) checkTrustPrincipal(stringOf(principal, "trustPrincipals"));
    for (const name of listAt(state, "trustSsoPermissionSets")) checkPermissionSetName(stringOf(name, "trustSsoPermissionSets"));
    for (const arn of listAt(state, "kmsKeyArns"))
      if (!parseKeyArn(stringOf(arn, "kmsKeyArns"))) throw invalidInput(`kmsKeyArns holds ${JSON.stringify(arn)}, which is not a KMS key ARN.`);
    for (const account of listAt(state, "moreStaging")) {
      checkAccountId(stringOf((account as { accountId?: unknown })?.accountId, "moreStaging"));
      const profile = (account as { profile?: unknown }).profile;
      if (profile !== undefined) checkProfileName(stringOf(profile, "moreStaging"));
    }
  } catch (error) {
    if (!(error instanceof XacctError)) throw error;
    throw invalidInput(
      `xacct's state file ${path} holds a value xacct would not accept as a flag: ${error.message}`,
      "Delete the file and run `xacct setup` again, or pass the values as flags.",
    );
  }
  return state;
}

/**
 * assume and credentials go to the remembered role ARN, and list shows the Production account:
 * the ARNs must name this setup's role and policy in that account, or a hand edit could send
 * a command elsewhere while everything shown looks right.
 */
function checkOwnArns(state: SetupState): void {
  const role = parseRoleArn(state.roleArn);
  if (!role || role.accountId !== state.productionAccountId || role.roleName.split("/").pop() !== state.roleName)
    throw invalidInput(`roleArn ${state.roleArn} is not role ${state.roleName} of Production account ${state.productionAccountId}.`);
  const policy = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):policy\/(.+)$/.exec(stringOf(state.policyArn, "policyArn"));
  if (!policy || policy[1] !== role.partition || policy[2] !== state.productionAccountId || policy[3]!.split("/").pop() !== state.policyName)
    throw invalidInput(`policyArn ${state.policyArn} is not policy ${state.policyName} of Production account ${state.productionAccountId}.`);
}

function stringAt(state: SetupState, key: keyof SetupState, required: boolean): string | undefined {
  const value = state[key];
  if (value === undefined && !required) return undefined;
  return stringOf(value, key);
}

function stringOf(value: unknown, key: string): string {
  if (typeof value !== "string") throw invalidInput(`${key} is ${value === undefined ? "missing" : `not text (${JSON.stringify(value)})`}.`);
  return value;
}

function listAt(state: SetupState, key: "trustPrincipals" | "trustSsoPermissionSets" | "moreStaging" | "kmsKeyArns"): unknown[] {
  const value: unknown = state[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidInput(`${key} is not a list.`);
  return value;
}
