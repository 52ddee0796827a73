/**
 * `xacct assume`: binds the flags and the resolved setup, then runs the assume workflow
 * (src/workflows/assume-and-write.ts): AssumeRole with the Staging profile's credentials, sending what the role's
 * trust requires (external ID, MFA, source identity). Prints who we became and when it
 * expires, never a secret. With --write-profile saves a profile in one of three styles:
 * static keys (the recipe's TempCred), a role profile the AWS tools refresh themselves, or a
 * credential_process profile that calls `xacct credentials`.
 */
import { stsClientFor } from "../aws/sts.js";
import { invalidInput } from "../errors.js";
import { DEFAULT_PROFILE_STYLE, defaultProfileStyle, type ProfileStyle } from "../awsconfig/profile-style.js";
import { loadProfileView, type ProfileView } from "../awsconfig/sdk-view.js";
import { DEFAULTS } from "../plan.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { loadSetups, setupIdOf, type SetupState } from "../state.js";
import { refuseTakenProfile } from "../setups/taken.js";
import { assumeAndWrite } from "../workflows/assume-and-write.js";
import {
  checkDurationSeconds,
  checkExternalId,
  checkMfaSerial,
  checkProfileName,
  checkProfileStyle,
  checkRegion,
  checkRoleArn,
  checkSessionName,
  checkSourceIdentity,
  checkTokenCode,
  checkWritableProfileName,
} from "../validate/index.js";
import { checkMfaDuration } from "../validate/mfa.js";
import type { CommandContext } from "./context.js";

export interface AssumeOptions {
  /** A remembered setup's name (`bucket/role`, or its bucket). */
  setup?: string;
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  durationSeconds?: string;
  region?: string;
  /** true: write the default profile name; a string: that name. */
  writeProfile?: boolean | string;
  /** Write the keys to the credentials file instead of the config file. */
  credentialsFile?: boolean;
  profileStyle?: string;
  externalId?: string;
  mfaSerial?: string;
  tokenCode?: string;
  /** How long a new MFA session lasts (seconds). */
  mfaDuration?: string;
  sourceIdentity?: string;
}

export async function assumeCommand(options: AssumeOptions, ctx: CommandContext): Promise<void> {
  const state = await resolveSetup(ctx, { command: "assume", setup: options.setup, roleArn: options.roleArn, needsRole: true });
  refuseWithoutRole("assume", state);
  const roleArn = options.roleArn ?? state?.roleArn;
  const profile = options.profile ?? state?.stagingProfile;
  if (!roleArn) throw invalidInput("No role to assume: give --role-arn, or run `xacct setup` first so xacct remembers it.");
  if (!profile) throw invalidInput("No Staging profile: give --profile, or run `xacct setup` first so xacct remembers it.");
  checkRoleArn(roleArn);
  checkProfileName(profile);
  const remembered = state?.roleArn === roleArn ? state : undefined;
  refuseConflictingFlags(options, remembered);
  const region = checkRegion(options.region ?? state?.region ?? DEFAULTS.region);
  const writeProfile = profileNameToWrite(options.writeProfile, remembered);
  if (writeProfile !== undefined) refuseTakenProfile(await loadSetups(ctx.statePath), remembered && setupIdOf(remembered), writeProfile, "--write-profile");
  // Read once: the files can be large (tens of MB), and the style and the write both need them.
  const view = await loadProfileView(ctx.env);
  await assumeAndWrite(
    {
      view,
      profile,
      roleArn,
      region,
      writeProfile,
      credentialsFile: options.credentialsFile ?? false,
      profileStyle: styleToWrite(options, view, writeProfile),
      ...(options.sessionName !== undefined ? { sessionName: checkSessionName(options.sessionName) } : {}),
      ...(options.durationSeconds !== undefined ? { durationSeconds: checkDurationSeconds(options.durationSeconds) } : {}),
      externalId: options.externalId !== undefined ? checkExternalId(options.externalId) : remembered?.externalId,
      mfaSerial: options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined,
      tokenCode: options.tokenCode !== undefined ? checkTokenCode(options.tokenCode) : undefined,
      mfaDuration: options.mfaDuration !== undefined ? checkMfaDuration(options.mfaDuration) : undefined,
      sourceIdentity: options.sourceIdentity !== undefined ? checkSourceIdentity(options.sourceIdentity) : undefined,
      remembered,
    },
    stsClientFor(ctx, profile, region),
    ctx,
  );
}

/** --profile-style, else the shared default: the style the profile to write already has, else the recipe's. */
function styleToWrite(options: AssumeOptions, view: ProfileView, name: string | undefined): ProfileStyle {
  if (options.profileStyle !== undefined) return checkProfileStyle(options.profileStyle);
  return name === undefined ? DEFAULT_PROFILE_STYLE : defaultProfileStyle(view.settings(name));
}

/** Flags that would change nothing, or ask for a profile that cannot work. */
function refuseConflictingFlags(options: AssumeOptions, remembered: SetupState | undefined): void {
  const writing = options.writeProfile !== undefined && options.writeProfile !== false;
  const style = checkProfileStyle(options.profileStyle ?? DEFAULT_PROFILE_STYLE);
  if (options.credentialsFile && !writing) {
    throw invalidInput(
      "--credentials-file says where --write-profile saves the keys, and there is no --write-profile.",
      "Add --write-profile NAME, or leave --credentials-file out.",
    );
  }
  if (options.credentialsFile && style !== "static") {
    throw invalidInput(
      `--credentials-file is for keys, and a ${style}-style profile holds none: it is written to the config file.`,
      "Leave --credentials-file out, or use --profile-style static.",
    );
  }
}

/** --write-profile without a name: the setup's own temporary profile, else the recipe's. */
function profileNameToWrite(option: boolean | string | undefined, remembered: SetupState | undefined): string | undefined {
  if (option === undefined || option === false) return undefined;
  return checkWritableProfileName(option === true ? (remembered?.tempProfile ?? DEFAULTS.profileName) : option);
}
