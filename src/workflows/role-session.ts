/**
 * The role's session for the commands that hand credentials to other programs (credentials,
 * exec, env): the request bound and keyed (session-request.ts), then the cached session, or a
 * fresh one from STS, cached. Never prints a secret; callers decide where the keys go.
 */
import { stsClientFor } from "../aws/sts.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { cachedSession } from "../credentials-cache.js";
import type { SetupState } from "../state.js";
import { assumeRole, type TemporaryCredentials } from "../stages/assume-role.js";
import { checkMfaSerial } from "../validate/index.js";
import { refuseLongRoleSession } from "../validate/mfa.js";
import type { CommandContext } from "../commands/context.js";
import { assumeCommandFor, mfaSerialFor, mfaSession, stsWithMfaSession } from "./mfa-session.js";
import { resolveSessionRequest, sessionCacheFile, type RoleSessionOptions } from "./session-request.js";

export type { RoleSessionOptions } from "./session-request.js";

export interface RoleSession {
  creds: TemporaryCredentials;
  roleArn: string;
  /** The Staging profile whose credentials assumed the role. */
  profile: string;
  region: string;
  setup: SetupState | undefined;
}

/** A role session lasts an hour unless --duration-seconds says otherwise. */
const DEFAULT_ROLE_SESSION_SECONDS = 3600;
const HANDED_OUT_MIN_MS = 15 * 60_000;

/**
 * How long a session handed to a program (exec) or a shell (env) must still last: the program
 * cannot ask again, so min(15 minutes, half the session's duration), not credential_process's
 * five minutes (the SDKs ask that one again).
 */
export function handedOutMinimumMs(durationSeconds: number | undefined): number {
  return Math.min(HANDED_OUT_MIN_MS, ((durationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS) * 1000) / 2);
}

/**
 * `command` names the command in messages ("credentials", "exec", "env"). `handedOut`: the
 * keys go to a program that cannot refresh them (exec, env), so a cached session near its end
 * is replaced by a fresh one.
 */
export async function roleSession(command: string, options: RoleSessionOptions, ctx: CommandContext, handedOut = false): Promise<RoleSession> {
  const request = await resolveSessionRequest(command, options, ctx);
  const { roleArn, profile, region, sessionName, durationSeconds, externalId } = request;
  const creds = await cachedSession(
    sessionCacheFile(request, ctx),
    async () => {
      const settings = requireProfile(await loadProfileView(ctx.env), profile);
      const serial = mfaSerialFor({ ...request, flagSerial: request.mfaSerial, profileSerial: settings["mfa_serial"] });
      // Built only on a miss: constructing an SDK client starts reading the config file.
      if (serial === undefined) return assumeRole(stsClientFor(ctx, profile, region), { roleArn, sessionName, durationSeconds, profile, externalId }, ctx.out);
      refuseLongRoleSession(durationSeconds, roleArn);
      const mfa = await mfaSession(
        {
          command,
          profile,
          serial: checkMfaSerial(serial),
          region,
          tokenCode: request.tokenCode,
          durationSeconds: request.mfaDuration,
          mfaProcess: settings["mfa_process"],
          settings,
          assumeCommand: assumeCommandFor(request),
        },
        ctx,
      );
      if (mfa.started)
        ctx.out.lineToStderr(`MFA session of profile ${profile} until ${mfa.creds.expiration.toISOString()}: no code is asked again until then.`);
      // No SerialNumber or TokenCode: the MFA session's keys carry aws:MultiFactorAuthPresent.
      return assumeRole(stsWithMfaSession(ctx, profile, region, mfa.creds), { roleArn, sessionName, durationSeconds, profile, externalId }, ctx.out);
    },
    { onIgnored: (reason) => ctx.out.warn(reason), ...(handedOut ? { minRemainingMs: handedOutMinimumMs(durationSeconds) } : {}) },
  );
  return { creds, roleArn, profile, region, setup: request.setup };
}
