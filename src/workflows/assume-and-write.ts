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
import { invalidInput } from "../errors.js";
import { ONE_HOUR_SECONDS } from "../session-duration.js";
import { defaultSessionName } from "../session-name.js";
import { assumeRole, type TemporaryCredentials } from "../stages/assume-role.js";
import { DEFAULT_PROFILE_STYLE, type ProfileStyle } from "../awsconfig/profile-style.js";
import { checkMfaSerial } from "../validate/index.js";
import { explainingDenials } from "../verify/explain-denial.js";
import type { SetupState } from "../state.js";
import { assumeCommandFor, mfaSerialFor, mfaSession, refuseLongRoleSession, stsWithMfaSession } from "./mfa-session.js";

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
  /** How long a new MFA session lasts (seconds; default 12 hours). */
  mfaDuration?: number | undefined;
  sourceIdentity?: string | undefined;
  /** What setup recorded about this role's trust, when it made it. */
  remembered?: SetupState | undefined;
  /** Further profiles the written profile must never replace (setup's own). */
  protectedProfiles?: string[];
  /** The command asking, for messages (default "assume"; "console --signin"). */
  command?: string;
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
  const mfaSerial = mfaSerialFor({
    requireMfa: request.remembered?.requireMfa ?? false,
    flagSerial: request.mfaSerial,
    profileSerial: settings["mfa_serial"],
    tokenCode: request.tokenCode,
    profile: request.profile,
    roleArn: request.roleArn,
  });
  if (mfaSerial !== undefined) {
    // The device is checked before its code is asked for: a refused device needs no code.
    checkMfaSerial(mfaSerial);
    refuseLongRoleSession(request.durationSeconds, request.roleArn);
  }
  const creds = await assumeWithMfaSession(request, mfaSerial, sessionName, sts, ctx);
  ctx.result["assumed"] = { arn: creds.assumedRoleArn, roleArn: request.roleArn, sessionName, expiration: creds.expiration.toISOString() };
  out.done(`Assumed ${creds.assumedRoleArn}`);
  out.line(`  expires ${creds.expiration.toISOString()} (${minutesFromNow(creds.expiration)} min from now)`);
  if (!request.writeProfile) {
    if (request.suggestProfile === false) return creds;
    out.line(`  ${out.color.dim("Add --write-profile to save a profile; --profile-style role makes one the AWS tools refresh themselves.")}`);
    return creds;
  }
  // A role profile asks for MFA on every use when it names a device: only when the role needs one.
  await writeProfileInStyle(request, { name: request.writeProfile, creds, sessionName, mfaSerial, view }, ctx);
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
 * Assumes the role. With MFA, with the Staging user's MFA session (cached, or started now with
 * one code): the session's keys carry the MFA, so AssumeRole gets no device or code.
 */
async function assumeWithMfaSession(
  request: AssumeRequest,
  mfaSerial: string | undefined,
  sessionName: string,
  sts: STSClient,
  ctx: CommandContext,
): Promise<TemporaryCredentials> {
  const signer = mfaSerial === undefined ? sts : await mfaSessionClient(request, mfaSerial, ctx);
  return explainingDenials(ctx, "assume", request.roleArn, () =>
    assumeRole(
      signer,
      {
        roleArn: request.roleArn,
        sessionName,
        durationSeconds: request.durationSeconds,
        profile: request.profile,
        roleIsNew: request.roleIsNew ?? false,
        externalId: request.externalId,
        sourceIdentity: request.sourceIdentity,
      },
      ctx.out,
    ),
  );
}

async function mfaSessionClient(request: AssumeRequest, serial: string, ctx: CommandContext): Promise<STSClient> {
  const assumeCommand = assumeCommandFor({
    setup: request.remembered,
    roleArn: request.roleArn,
    profile: request.profile,
    mfaSerial: request.mfaSerial,
  });
  const settings = (request.view ?? (await loadProfileView(ctx.env))).settings(request.profile) ?? {};
  const { creds, started } = await mfaSession(
    {
      command: request.command ?? "assume",
      profile: request.profile,
      serial,
      region: request.region,
      tokenCode: request.tokenCode,
      durationSeconds: request.mfaDuration,
      mfaProcess: settings["mfa_process"],
      settings,
      assumeCommand,
    },
    ctx,
  );
  const until = creds.expiration.toISOString();
  ctx.result["mfaSession"] = { profile: request.profile, serial, expiration: until, started };
  if (started) ctx.out.done(`Started an MFA session of profile ${request.profile} until ${until}: no code is asked again until then`);
  else ctx.out.skipped(`Used the MFA session of profile ${request.profile} (until ${until}): no code needed`);
  return stsWithMfaSession(ctx, request.profile, request.region, creds);
}

function minutesFromNow(date: Date): number {
  return Math.max(0, Math.round((date.getTime() - Date.now()) / 60_000));
}
