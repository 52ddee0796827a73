/**
 * The role's session for the commands that hand credentials to other programs (credentials,
 * exec, env): the setup and flags bound, then the cached session, or a fresh one from STS,
 * cached. Never prints a secret; callers decide where the keys go.
 */
import { stat } from "node:fs/promises";
import { stsClientFor } from "../aws/sts.js";
import { displayShellWord } from "../shell-words.js";
import { configFilePath, credentialsFilePath } from "../awsconfig/paths.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { cachedSession, cacheDirectory, cacheFile } from "../credentials-cache.js";
import { invalidInput } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { defaultSessionName } from "../session-name.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { setupIdOf, type SetupState } from "../state.js";
import { assumeRole, type TemporaryCredentials } from "../stages/assume-role.js";
import {
  checkDurationSeconds,
  checkExternalId,
  checkMfaSerial,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkSessionName,
  checkTokenCode,
} from "../validate/index.js";
import { checkMfaDuration } from "../validate/mfa.js";
import type { CommandContext } from "../commands/context.js";
import { mfaSerialFor, mfaSession, refuseLongRoleSession, stsWithMfaSession } from "./mfa-session.js";

export interface RoleSessionOptions {
  setup?: string | undefined;
  roleArn?: string | undefined;
  profile?: string | undefined;
  sessionName?: string | undefined;
  region?: string | undefined;
  externalId?: string | undefined;
  durationSeconds?: string | undefined;
  /** The MFA device (default: the profile's mfa_serial), when the role requires MFA. */
  mfaSerial?: string | undefined;
  /** Today's code, when the MFA session is gone (else mfa_process, else a question at a terminal). */
  tokenCode?: string | undefined;
  /** How long a new MFA session lasts, in seconds (default 12 hours). */
  mfaDuration?: string | undefined;
}

export interface RoleSession {
  creds: TemporaryCredentials;
  roleArn: string;
  /** The Staging profile whose credentials assumed the role. */
  profile: string;
  region: string;
  setup: SetupState | undefined;
}

/** `command` names the command in messages ("credentials", "exec", "env"). */
export async function roleSession(command: string, options: RoleSessionOptions, ctx: CommandContext): Promise<RoleSession> {
  const state = await resolveSetup(ctx, { command, setup: options.setup, roleArn: options.roleArn, needsRole: true });
  refuseWithoutRole(command, state);
  const roleArn = checkRoleArn(options.roleArn ?? state?.roleArn ?? missing(command, "--role-arn"));
  const profile = checkProfileName(options.profile ?? state?.stagingProfile ?? missing(command, "--profile"));
  const region = checkRegion(options.region ?? state?.region ?? DEFAULTS.region);
  const sessionName = checkSessionName(options.sessionName ?? defaultSessionName(profile));
  const externalId = options.externalId !== undefined ? checkExternalId(options.externalId) : state?.roleArn === roleArn ? state.externalId : undefined;
  const durationSeconds = options.durationSeconds !== undefined ? checkDurationSeconds(options.durationSeconds) : undefined;
  const mfaSerial = options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined;
  const tokenCode = options.tokenCode !== undefined ? checkTokenCode(options.tokenCode) : undefined;
  const mfaDuration = options.mfaDuration !== undefined ? checkMfaDuration(options.mfaDuration) : undefined;
  const requireMfa = state?.roleArn === roleArn && state.requireMfa === true;
  // A flag known now is refused now; a device named only in the profile, once the profile is read.
  if (mfaSerial !== undefined || requireMfa) refuseLongRoleSession(durationSeconds, roleArn);

  const file = cacheFile(cacheDirectory(ctx.env), {
    roleArn,
    profile,
    sessionName,
    externalId,
    durationSeconds,
    region,
    endpoint: endpointSources(ctx),
    configFile: await fileVersion(configFilePath(ctx.env)),
    credentialsFile: await fileVersion(credentialsFilePath(ctx.env)),
    caller: callerSources(ctx.env),
    mfaSerial,
  });
  const creds = await cachedSession(
    file,
    async () => {
      const settings = requireProfile(await loadProfileView(ctx.env), profile);
      const serial = mfaSerialFor({ requireMfa, flagSerial: mfaSerial, profileSerial: settings["mfa_serial"], tokenCode, profile, roleArn });
      // Built only on a miss: constructing an SDK client starts reading the config file.
      if (serial === undefined) return assumeRole(stsClientFor(ctx, profile, region), { roleArn, sessionName, durationSeconds, profile, externalId }, ctx.out);
      refuseLongRoleSession(durationSeconds, roleArn);
      const mfa = await mfaSession(
        {
          command,
          profile,
          serial: checkMfaSerial(serial),
          region,
          tokenCode,
          durationSeconds: mfaDuration,
          mfaProcess: settings["mfa_process"],
          assumeCommand: assumeCommandFor(state, roleArn, profile, mfaSerial),
        },
        ctx,
      );
      if (mfa.started)
        ctx.out.lineToStderr(`MFA session of profile ${profile} until ${mfa.creds.expiration.toISOString()}: no code is asked again until then.`);
      // No SerialNumber or TokenCode: the MFA session's keys carry aws:MultiFactorAuthPresent.
      return assumeRole(stsWithMfaSession(ctx, profile, region, mfa.creds), { roleArn, sessionName, durationSeconds, profile, externalId }, ctx.out);
    },
    { onIgnored: (reason) => ctx.out.warn(reason) },
  );
  return { creds, roleArn, profile, region, setup: state };
}

/**
 * Where STS calls will go, named without parsing the config file (the SDK takes 30 s over a
 * 50 MB one): --endpoint-url, the SDK's variables, and which profile's endpoint_url applies.
 * An endpoint_url inside the config file is covered by keying on the file's version.
 */
function endpointSources(ctx: CommandContext): string {
  const env = ctx.env;
  const pick = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_PROFILE"].map((name) => env[name] ?? "");
  return JSON.stringify([ctx.endpoint ?? "", ...pick]);
}

/**
 * The file's path as it is now: an edit (a new endpoint_url, other keys) means a new session.
 * The inode too, so a file replaced by rename with the same size and time is another version.
 */
async function fileVersion(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  return info ? `${path}@${info.dev}:${info.ino}:${info.mtimeMs}:${info.size}` : path;
}

/**
 * Credentials that may come from outside the files and so decide who asks: keys in the
 * environment, a web identity, a container's credentials. Only names and key IDs, hashed
 * into the cache file's name with the rest; never a secret.
 */
function callerSources(env: NodeJS.ProcessEnv): string {
  const names = [
    "AWS_ACCESS_KEY_ID",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  ];
  return JSON.stringify(names.map((name) => env[name] ?? ""));
}

/** The command a person runs at a terminal to type today's code for this request. */
function assumeCommandFor(state: SetupState | undefined, roleArn: string, profile: string, mfaSerial: string | undefined): string {
  const words =
    state?.roleArn === roleArn && state.stagingProfile === profile
      ? ["xacct", "assume", "--setup", setupIdOf(state)]
      : ["xacct", "assume", "--role-arn", roleArn, "--profile", profile];
  if (mfaSerial !== undefined) words.push("--mfa-serial", mfaSerial);
  return words.map(displayShellWord).join(" ");
}

function missing(command: string, flag: string): never {
  throw invalidInput(`xacct ${command} does not know which role to assume: give ${flag}, or run \`xacct setup\` first.`);
}
