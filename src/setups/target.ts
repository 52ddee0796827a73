/**
 * The names a command after setup (teardown, verify, export) acts on: the flags setup takes,
 * else those of the setup resolveSetup chose, else the defaults.
 */
import { invalidInput } from "../errors.js";
import { DEFAULTS, defaultPolicyName, type GrantMode } from "../plan.js";
import { setupIdOf, type SetupState } from "../state.js";
import type { SetupRequest } from "./choose.js";
import {
  checkBucketName,
  checkMode,
  checkPolicyName,
  checkProfileName,
  checkRegion,
  checkRoleName,
  checkUserName,
  checkWritableProfileName,
} from "../validate/index.js";

export interface TargetOptions {
  /** A remembered setup's name (`bucket/role`, or a bucket only one setup has). */
  setup?: string;
  mode?: string;
  productionProfile?: string;
  /** Repeatable in the CLI: the first is the main Staging account, the rest are further ones. */
  stagingProfile?: string | string[];
  bucket?: string;
  roleName?: string;
  policyName?: string;
  stagingUser?: string;
  stagingRole?: string;
  region?: string;
  tempProfile?: string;
}

export interface Target {
  mode: GrantMode;
  /** Profiles of further Staging accounts given as flags (setup remembers its own list). */
  moreStagingProfiles: string[];
  productionProfile: string;
  stagingProfile: string;
  bucket: string;
  roleName: string;
  policyName: string;
  stagingUser: string;
  /** The Staging side is this existing role instead of the user (see refuseUserAndRole). */
  stagingRole?: string | undefined;
  region: string;
  tempProfile: string;
}

/** What resolveSetup needs to find the setup these flags describe. */
export function setupRequestOf(command: string, options: TargetOptions): SetupRequest {
  return { command, setup: options.setup, bucket: options.bucket, roleName: options.roleName };
}

/**
 * `state`: the setup resolveSetup chose, if any. `needsYes`: the command would ask for
 * confirmation but has no terminal to ask on.
 */
export function resolveTarget(command: string, options: TargetOptions, state: SetupState | undefined, needsYes: boolean): Target {
  refuseUserAndRole(options);
  if (options.stagingRole !== undefined) checkRoleName(options.stagingRole);
  const productionProfile = options.productionProfile ?? state?.productionProfile;
  const [firstStaging, ...moreStagingProfiles] = options.stagingProfile === undefined ? [] : ([] as string[]).concat(options.stagingProfile);
  const stagingProfile = firstStaging ?? state?.stagingProfile;
  const bucket = options.bucket ?? state?.bucket;
  const missing = [!productionProfile && "--production-profile", !stagingProfile && "--staging-profile", !bucket && "--bucket"].filter(
    (flag): flag is string => typeof flag === "string",
  );
  if (missing.length > 0 || !productionProfile || !stagingProfile || !bucket) {
    throw invalidInput(
      `${command} does not know which setup to act on: give ${[...missing, ...(needsYes ? ["--yes"] : [])].join(", ")}.`,
      "Pass the same flags you gave setup, or run it where setup ran so xacct remembers them.",
    );
  }
  if (needsYes) {
    throw invalidInput(`${command} has no terminal to confirm on, so it needs --yes.`, `Run it again with --yes, or in a terminal to be asked.`);
  }
  if (options.setup !== undefined && state) refuseOtherNames(command, options, state);
  // Names come from the remembered setup only when it is the one asked for: another bucket's
  // setup must not borrow its role, policy or profile names.
  const same = state?.bucket === bucket ? state : undefined;
  const roleName = checkRoleName(options.roleName ?? same?.roleName ?? DEFAULTS.roleName);
  return {
    mode: checkMode(options.mode ?? same?.mode ?? "role"),
    moreStagingProfiles: moreStagingProfiles.map(checkProfileName),
    productionProfile: checkProfileName(productionProfile),
    stagingProfile: checkProfileName(stagingProfile),
    bucket: checkBucketName(bucket),
    roleName,
    policyName: checkPolicyName(options.policyName ?? (same?.roleName === roleName ? same.policyName : undefined) ?? defaultPolicyName(roleName)),
    stagingUser: checkUserName(options.stagingUser ?? same?.stagingUser ?? DEFAULTS.stagingUser),
    // A --staging-user names the user side: the remembered role does not come along with it.
    stagingRole: options.stagingRole ?? (options.stagingUser === undefined ? same?.stagingRole : undefined),
    region: checkRegion(options.region ?? state?.region ?? DEFAULTS.region),
    tempProfile: checkWritableProfileName(options.tempProfile ?? same?.tempProfile ?? DEFAULTS.profileName),
  };
}

/**
 * --setup names everything the command acts on: a flag that names another mode, policy,
 * Staging user or temporary profile than that setup's would make it act on something that is
 * not this setup's. Refused, naming both (the bucket and role are checked in choose.ts).
 */
function refuseOtherNames(command: string, options: TargetOptions, state: SetupState): void {
  const remembered: [string, string | undefined, string][] = [
    ["--mode", options.mode, state.mode ?? "role"],
    ["--policy-name", options.policyName, state.policyName],
    ["--staging-user", options.stagingUser, state.stagingUser],
    ["--staging-role", options.stagingRole, state.stagingRole ?? "(none: a user)"],
    ["--temp-profile", options.tempProfile, state.tempProfile],
  ];
  const disagreeing = remembered.filter(([, given, own]) => given !== undefined && given !== own);
  if (disagreeing.length === 0) return;
  throw invalidInput(
    `--setup ${options.setup} and ${disagreeing.map(([flag, given]) => `${flag} ${given}`).join(" and ")} disagree: setup ${setupIdOf(state)} has ${disagreeing.map(([flag, , own]) => `${flag.slice(2)} ${own}`).join(", ")}.`,
    `Give --setup alone (xacct ${command} uses what that setup remembers), or leave it out and give every flag.`,
  );
}

/** The Staging side is one principal: a user or an existing role, never both. */
export function refuseUserAndRole(options: { stagingUser?: string | undefined; stagingRole?: string | undefined }): void {
  if (options.stagingUser === undefined || options.stagingRole === undefined) return;
  throw invalidInput(
    "--staging-role and --staging-user both name the Staging side, which is one principal: a role or a user.",
    "Give --staging-role NAME for an existing role, or --staging-user NAME for a user.",
  );
}
