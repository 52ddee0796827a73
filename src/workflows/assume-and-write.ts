/**
 * Assume the role and, when asked, write the temporary profile in one of three styles: the
 * workflow behind `xacct assume` and setup's stage 3. Takes its STS client, output and
 * prompter from the caller, so any command (exec, env) can run it.
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { loadProfileView, requireProfile, type ProfileView } from "../awsconfig/sdk-view.js";
import { checkRefreshingProfile, writeProcessProfile, writeRoleProfile, type ProcessProfile } from "../awsconfig/refreshing-profile.js";
import { checkProfileFilesWritable, refuseForeignProfile, writeTemporaryProfile } from "../awsconfig/temporary-profile.js";
import type { CommandContext } from "../commands/context.js";
import { invalidInput, XacctError } from "../errors.js";
import { ONE_HOUR_SECONDS } from "../session-duration.js";
import { defaultSessionName } from "../session-name.js";
import { assumeRole, MFA_CODE_REFUSED, type TemporaryCredentials } from "../stages/assume-role.js";
import type { SetupState } from "../state.js";
import { DEFAULT_PROFILE_STYLE, type ProfileStyle } from "../awsconfig/profile-style.js";
import { checkMfaSerial, checkTokenCode } from "../validate/index.js";
import { explainingDenials } from "../verify/explain-denial.js";

export type { ProfileStyle } from "../awsconfig/profile-style.js";

export interface AssumeRequest {
  /** The AWS config files as the caller already read them; read here when absent. */
  view?: ProfileView;
  profile: string;
  roleArn: string;
  region: string;
  writeProfile: string | undefined;
  credentialsFile?: boolean;
  profileStyle?: ProfileStyle;
  sessionName?: string;
  durationSeconds?: number;
  roleIsNew?: boolean;
  externalId?: string | undefined;
  mfaSerial?: string | undefined;
  tokenCode?: string | undefined;
  sourceIdentity?: string | undefined;
  /** What setup recorded about this role's trust, when it made it. */
  remembered?: SetupState | undefined;
  /** Further profiles the written profile must never replace (setup's own). */
  protectedProfiles?: string[];
  /** False when the caller uses the session itself (console sign-in): no --write-profile hint. */
  suggestProfile?: boolean;
}

/** Shared by `assume` and setup's stage 3 (which reads with the session it returns); `sts` is a client of the request's profile and region. */
export async function assumeAndWrite(request: AssumeRequest, sts: STSClient, ctx: CommandContext): Promise<TemporaryCredentials> {
  const { out } = ctx;
  const view = request.view ?? (await loadProfileView(ctx.env));
  const settings = requireProfile(view, request.profile);
  const style = request.profileStyle ?? DEFAULT_PROFILE_STYLE;
  if (request.writeProfile) refuseForeignProfile(view, request.writeProfile, [request.profile, ...(request.protectedProfiles ?? [])], style);
  if (request.writeProfile) await checkProfileFilesWritable(view, request.writeProfile, keysFileFor(style, request.credentialsFile), ctx.env);
  const sessionName = request.sessionName ?? defaultSessionName(request.profile);
  if (request.writeProfile && style !== "static") {
    checkRefreshingProfile(style, refreshingProfile(request, request.writeProfile, sessionName, request.mfaSerial ?? settings["mfa_serial"], ctx.endpoint));
  }
  refuseSourceIdentity(request);
  await refuseDuration(request, sts);
  const mfaSerial = request.mfaSerial ?? settings["mfa_serial"];
  const { creds, mfa } = await assumeAskingAgain(request, mfaSerial, sessionName, sts, ctx);
  ctx.result["assumed"] = { arn: creds.assumedRoleArn, roleArn: request.roleArn, sessionName, expiration: creds.expiration.toISOString() };
  out.done(`Assumed ${creds.assumedRoleArn}`);
  out.line(`  expires ${creds.expiration.toISOString()} (${minutesFromNow(creds.expiration)} min from now)`);
  if (!request.writeProfile) {
    if (request.suggestProfile === false) return creds;
    out.line(`  ${out.color.dim("Add --write-profile to save a profile; --profile-style role makes one the AWS tools refresh themselves.")}`);
    return creds;
  }
  // A role profile asks for MFA on every use when it names a device: only when the role needs one.
  await writeProfileInStyle(request, { name: request.writeProfile, creds, sessionName, mfaSerial: mfa?.serial, view }, ctx);
  return creds;
}

async function writeProfileInStyle(
  request: AssumeRequest,
  written: { name: string; creds: TemporaryCredentials; sessionName: string; mfaSerial: string | undefined; view: ProfileView },
  ctx: CommandContext,
): Promise<void> {
  const style = request.profileStyle ?? DEFAULT_PROFILE_STYLE;
  const role = refreshingProfile(request, written.name, written.sessionName, written.mfaSerial, ctx.endpoint);
  const result =
    style === "role"
      ? await writeRoleProfile(role, ctx.env)
      : style === "process"
        ? await writeProcessProfile(role, ctx.env)
        : await writeTemporaryProfile(
            {
              name: written.name,
              target: request.credentialsFile ? "credentials" : "config",
              credentials: written.creds,
              region: request.region,
              before: written.view,
              roleArn: request.roleArn,
            },
            ctx.env,
          );
  ctx.result["profile"] = { name: written.name, style, path: result.path, changed: result.changed, warnings: result.warnings };
  ctx.out.done(`Wrote ${style === "static" ? "" : `${style}-style `}profile ${written.name} to ${result.path}${result.changed ? "" : " (unchanged)"}`);
  for (const warning of result.warnings) ctx.out.warn(warning);
  if (style === "static") {
    ctx.out.line(`  ${ctx.out.color.dim(`It holds keys that expire; --profile-style role writes a profile the AWS tools refresh themselves.`)}`);
  }
  ctx.out.line(`  use it with --profile ${written.name}, e.g. xacct test-get KEY --profile ${written.name}`);
}

/** Where a profile style puts the session's keys; role and process styles write none. */
export function keysFileFor(style: ProfileStyle, credentialsFile: boolean | undefined): "config" | "credentials" | "none" {
  if (style !== "static") return "none";
  return credentialsFile ? "credentials" : "config";
}

/** What a role- or process-style profile holds (the endpoint only matters to the process style). */
function refreshingProfile(
  request: AssumeRequest,
  name: string,
  sessionName: string,
  mfaSerial: string | undefined,
  endpoint: string | undefined,
): ProcessProfile {
  return {
    name,
    roleArn: request.roleArn,
    sourceProfile: request.profile,
    sessionName,
    region: request.region,
    externalId: request.externalId,
    mfaSerial,
    durationSeconds: request.durationSeconds,
    endpoint,
  };
}

/** The trust allows a source identity only if setup said so; AWS would refuse it otherwise. */
function refuseSourceIdentity(request: AssumeRequest): void {
  if (request.sourceIdentity && request.remembered && !request.remembered.allowSourceIdentity) {
    throw invalidInput(
      `The trust policy of ${request.roleArn} does not allow sts:SetSourceIdentity, so --source-identity would be refused.`,
      "Run `xacct setup` again with --allow-source-identity, or leave --source-identity out.",
    );
  }
}

/** The role's own maximum, and the one-hour cap AWS puts on sessions of a chained role. */
async function refuseDuration(request: AssumeRequest, sts: STSClient): Promise<void> {
  const seconds = request.durationSeconds;
  if (!seconds) return;
  const max = request.remembered?.maxSessionDuration;
  if (max !== undefined && seconds > max) {
    throw invalidInput(
      `${request.roleArn} allows sessions of at most ${max} seconds, so --duration-seconds ${seconds} would be refused.`,
      `Ask for ${max} or less, or raise the role's limit with \`xacct setup --max-session-duration ${seconds}\`.`,
    );
  }
  if (seconds <= ONE_HOUR_SECONDS) return;
  const caller = await sts.send(new GetCallerIdentityCommand({}));
  if (caller.Arn?.includes(":assumed-role/")) {
    throw invalidInput(
      `Profile ${request.profile} is itself a role session (${caller.Arn}); AWS limits a role assumed from another role ("role chaining") to one hour, so --duration-seconds ${seconds} would be refused.`,
      `Ask for ${ONE_HOUR_SECONDS} seconds or less, or assume the role from an IAM user's profile.`,
    );
  }
}

/**
 * Assumes the role. A code typed at the prompt that STS refuses is asked for again (before the
 * profile is written), up to three times; a --token-code's refusal stands.
 */
async function assumeAskingAgain(
  request: AssumeRequest,
  mfaSerial: string | undefined,
  sessionName: string,
  sts: STSClient,
  ctx: CommandContext,
): Promise<{ creds: TemporaryCredentials; mfa: { serial: string; tokenCode: string } | undefined }> {
  for (let attempt = 1; ; attempt++) {
    const mfa = await mfaFor(request, mfaSerial, ctx);
    try {
      const creds = await explainingDenials(ctx, "assume", request.roleArn, () =>
        assumeRole(
          sts,
          {
            roleArn: request.roleArn,
            sessionName,
            durationSeconds: request.durationSeconds,
            profile: request.profile,
            roleIsNew: request.roleIsNew ?? false,
            externalId: request.externalId,
            mfa,
            sourceIdentity: request.sourceIdentity,
          },
          ctx.out,
        ),
      );
      return { creds, mfa };
    } catch (error) {
      const askedCode = request.tokenCode === undefined && ctx.interactive;
      if (!(error instanceof XacctError) || error.awsCode !== MFA_CODE_REFUSED || !askedCode || attempt >= 3) throw error;
      ctx.out.warn(error.message);
      if (error.hint) ctx.out.hint(error.hint);
    }
  }
}

/** MFA: the serial from the flag or the profile, the code from the flag or a prompt. */
async function mfaFor(request: AssumeRequest, serial: string | undefined, ctx: CommandContext): Promise<{ serial: string; tokenCode: string } | undefined> {
  // An explicit --mfa-serial or --token-code means the caller expects MFA; so does the trust setup made.
  const required = (request.remembered?.requireMfa ?? false) || request.mfaSerial !== undefined;
  if (!required && !request.tokenCode) return undefined;
  if (!serial && !required) {
    // Only the flags ask for MFA here: what xacct knows of the trust requires none.
    throw invalidInput(
      `--token-code is the code of the device --mfa-serial names, and there is no --mfa-serial (nor mfa_serial in profile ${request.profile}).`,
      "Add --mfa-serial arn:aws:iam::ACCOUNT:mfa/NAME, or leave --token-code out.",
    );
  }
  if (!serial) {
    throw invalidInput(
      `${request.roleArn} requires MFA, but no MFA device is known for profile ${request.profile}.`,
      "Give --mfa-serial arn:aws:iam::ACCOUNT:mfa/NAME, or add mfa_serial to that profile.",
    );
  }
  // The device is checked before its code is asked for: a refused device needs no code.
  checkMfaSerial(serial);
  const tokenCode =
    request.tokenCode ??
    checkTokenCode(
      (
        await ctx.prompter.input({
          message: `MFA code for ${serial}:`,
          flag: "--token-code",
          validate: (v) => /^\d{6}$/.test(v.trim()) || "Enter the 6 digits your device shows.",
        })
      ).trim(),
    );
  return { serial: checkMfaSerial(serial), tokenCode };
}

function minutesFromNow(date: Date): number {
  return Math.max(0, Math.round((date.getTime() - Date.now()) / 60_000));
}
