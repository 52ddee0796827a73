/**
 * One MFA code a day: the Staging user's MFA session (GetSessionToken with the device and a
 * code), cached like the role sessions, and the STS client that assumes roles with it. The
 * code comes from --token-code, else the profile's mfa_process, else a question at a terminal;
 * unattended with none of them, one sentence says how to type today's code. Codes are never
 * printed; a code typed at the prompt that AWS refuses is asked for again (three tries).
 */
import type { STSClient } from "@aws-sdk/client-sts";
import { getSessionToken } from "../aws/session-token.js";
import { makeStsClient } from "../aws/sts.js";
import { configFilePath, credentialsFilePath } from "../awsconfig/paths.js";
import type { CommandContext } from "../commands/context.js";
import { cachedSession, cacheDirectory, type CachedCredentials } from "../credentials-cache.js";
import { invalidInput, XacctError } from "../errors.js";
import { codeFromProcess } from "../mfa/code-process.js";
import { mfaSessionFile } from "../mfa/session-cache.js";
import { MFA_CODE_REFUSED } from "../stages/assume-role.js";
import { checkTokenCode } from "../validate/index.js";
import { MFA_DURATION_DEFAULT } from "../validate/mfa.js";
import { displayShellWord } from "../shell-words.js";
import { setupIdOf, type SetupState } from "../state.js";

export { refuseLongRoleSession } from "../validate/mfa.js";

export interface MfaSessionRequest {
  /** The command asking, for messages ("credentials", "assume"...). */
  command: string;
  /** The Staging profile: long-term keys of an IAM user (GetSessionToken needs them). */
  profile: string;
  serial: string;
  region: string;
  tokenCode?: string | undefined;
  /** --mfa-duration, checked; 12 hours when absent. */
  durationSeconds?: number | undefined;
  /** The profile's mfa_process line, if any. */
  mfaProcess?: string | undefined;
  /** The profile's settings as the SDK merges them: the ones that decide the caller and endpoint are keyed. */
  settings: Readonly<Record<string, string | undefined>>;
  /** The command that types today's code at a terminal, for the unattended refusal. */
  assumeCommand: string;
}

export interface MfaSession {
  creds: CachedCredentials;
  /** True when this call started it (a code was used); false when the cached one served. */
  started: boolean;
}

/** The cached MFA session, or a new one (asking for a code only then). */
export async function mfaSession(request: MfaSessionRequest, ctx: CommandContext): Promise<MfaSession> {
  const file = mfaSessionFile(cacheDirectory(ctx.env), {
    profile: request.profile,
    serial: request.serial,
    endpoint: endpointSources(ctx),
    configPath: configFilePath(ctx.env),
    credentialsPath: credentialsFilePath(ctx.env),
    caller: JSON.stringify(MFA_CALLER_SETTINGS.map((name) => request.settings[name] ?? "")),
    sdkProfile: ctx.env["AWS_PROFILE"] ?? "",
  });
  let started = false;
  const creds = await cachedSession(
    file,
    async () => {
      const fresh = await startSession(request, ctx);
      started = true;
      return fresh;
    },
    { onIgnored: (reason) => ctx.out.warn(reason) },
  );
  return { creds, started };
}

/** What in the profile decides whose keys call GetSessionToken, and where. Not the secret. */
const MFA_CALLER_SETTINGS = [
  "aws_access_key_id",
  "credential_process",
  "source_profile",
  "role_arn",
  "sso_session",
  "sso_start_url",
  "endpoint_url",
  "services",
  "region",
];

/** An STS client that signs with the MFA session; the profile still names the endpoint_url, if it has one. */
export function stsWithMfaSession(ctx: CommandContext, profile: string, region: string, creds: CachedCredentials): STSClient {
  return makeStsClient({ profile, region, endpoint: ctx.endpoint, credentials: creds }, ctx.calls);
}

async function startSession(request: MfaSessionRequest, ctx: CommandContext): Promise<CachedCredentials> {
  const sts = makeStsClient({ profile: request.profile, region: request.region, endpoint: ctx.endpoint }, ctx.calls);
  for (let attempt = 1; ; attempt++) {
    const { code, typed } = await codeFor(request, ctx);
    try {
      return await getSessionToken(sts, {
        serial: request.serial,
        tokenCode: code,
        durationSeconds: request.durationSeconds ?? MFA_DURATION_DEFAULT,
        profile: request.profile,
      });
    } catch (error) {
      if (!(error instanceof XacctError) || error.awsCode !== MFA_CODE_REFUSED || !typed || attempt >= 3) throw error;
      ctx.out.warn(error.message);
      if (error.hint) ctx.out.hint(error.hint);
    }
  }
}

/** The code, and whether a person typed it (then a refusal is asked again). */
async function codeFor(request: MfaSessionRequest, ctx: CommandContext): Promise<{ code: string; typed: boolean }> {
  if (request.tokenCode !== undefined) return { code: request.tokenCode, typed: false };
  if (request.mfaProcess !== undefined) return { code: await codeFromProcess(request.mfaProcess, request.profile, ctx.env), typed: false };
  if (!ctx.interactive) {
    // No /dev/tty: the AWS tools run credential_process where nobody may be watching a terminal.
    throw invalidInput(
      `xacct ${request.command} cannot ask for the MFA code of ${request.serial} here (no terminal), and profile ${request.profile} has no MFA session left.`,
      `Run \`${request.assumeCommand}\` in a terminal to type today's code (the next ${hours(request)} need none), give --token-code, or set mfa_process in profile ${request.profile}.`,
    );
  }
  const typed = await ctx.prompter.input({
    message: `MFA code for ${request.serial}:`,
    flag: "--token-code",
    validate: (v) => /^\d{6}$/.test(v.trim()) || "Enter the 6 digits your device shows.",
  });
  return { code: checkTokenCode(typed.trim()), typed: true };
}

function hours(request: MfaSessionRequest): string {
  const seconds = request.durationSeconds ?? MFA_DURATION_DEFAULT;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} minutes`;
  const h = Math.floor(seconds / 3600);
  return h === 1 ? "hour" : `${h} hours`;
}

/**
 * Where STS calls go, as the role sessions' key names it, less AWS_PROFILE: the MFA session is
 * always fetched with the named Staging profile, whatever profile the AWS tool runs.
 */
function endpointSources(ctx: CommandContext): string {
  const pick = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"].map((name) => ctx.env[name] ?? "");
  return JSON.stringify([ctx.endpoint ?? "", ...pick]);
}

/**
 * The command a person runs at a terminal to type today's code: the setup when the request is
 * the setup's own role and profile, else the role and profile; with the device given as a flag.
 */
export function assumeCommandFor(request: { setup: SetupState | undefined; roleArn: string; profile: string; mfaSerial: string | undefined }): string {
  const { setup, roleArn, profile, mfaSerial } = request;
  const words =
    setup?.roleArn === roleArn && setup.stagingProfile === profile
      ? ["xacct", "assume", "--setup", setupIdOf(setup)]
      : ["xacct", "assume", "--role-arn", roleArn, "--profile", profile];
  if (mfaSerial !== undefined) words.push("--mfa-serial", mfaSerial);
  return words.map(displayShellWord).join(" ");
}

/** The trigger: the role requires MFA (setup said so), a device was named, or the profile names one. */
export function mfaSerialFor(input: {
  requireMfa: boolean;
  flagSerial: string | undefined;
  profileSerial: string | undefined;
  tokenCode: string | undefined;
  profile: string;
  roleArn: string;
}): string | undefined {
  const serial = input.flagSerial ?? input.profileSerial;
  if (serial) return serial;
  if (input.tokenCode !== undefined) {
    throw invalidInput(
      `--token-code is the code of the device --mfa-serial names, and there is no --mfa-serial (nor mfa_serial in profile ${input.profile}).`,
      "Add --mfa-serial arn:aws:iam::ACCOUNT:mfa/NAME, or leave --token-code out.",
    );
  }
  if (input.requireMfa) {
    throw invalidInput(
      `${input.roleArn} requires MFA, but no MFA device is known for profile ${input.profile}.`,
      "Give --mfa-serial arn:aws:iam::ACCOUNT:mfa/NAME, or add mfa_serial to that profile.",
    );
  }
  return undefined;
}
