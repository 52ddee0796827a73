/** Flags of the MFA session (GetSessionToken): checked before any AWS call. No SDK (the cache-hit path loads this). */
import { invalidInput } from "../errors.js";
import { ONE_HOUR_SECONDS } from "../session-duration.js";

/** What STS allows an IAM user's GetSessionToken: 15 minutes to 36 hours. */
export const MFA_DURATION_MIN = 900;
export const MFA_DURATION_MAX = 129_600;
/** One code a working day. */
export const MFA_DURATION_DEFAULT = 43_200;

export function checkMfaDuration(value: string | number): number {
  const seconds = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(seconds) || seconds < MFA_DURATION_MIN || seconds > MFA_DURATION_MAX) {
    throw invalidInput(
      `--mfa-duration ${String(value)} is not one STS allows: the MFA session lasts a whole number of seconds from ${MFA_DURATION_MIN} to ${MFA_DURATION_MAX}.`,
      `Leave it out for ${MFA_DURATION_DEFAULT} (12 hours), or give e.g. --mfa-duration 28800 for 8 hours.`,
    );
  }
  return seconds;
}

/**
 * AWS treats AssumeRole signed with GetSessionToken keys as role chaining: the role session
 * lasts at most one hour (it is refreshed from the MFA session without a code).
 */
export function refuseLongRoleSession(durationSeconds: number | undefined, roleArn: string): void {
  if (durationSeconds === undefined || durationSeconds <= ONE_HOUR_SECONDS) return;
  throw invalidInput(
    `With MFA, xacct assumes ${roleArn} with your MFA session, and AWS limits a role assumed that way to one hour, so --duration-seconds ${durationSeconds} would be refused.`,
    `Ask for ${ONE_HOUR_SECONDS} seconds or less: a new role session comes from the MFA session without a code, for as long as --mfa-duration.`,
  );
}

/**
 * The federation endpoint refuses a sign-in token for a session that AssumeRole got with
 * DurationSeconds from temporary credentials, and with MFA xacct assumes the role with the MFA
 * session's: so `console --signin --duration` with MFA would spend a role session and fail.
 */
export function refuseConsoleDurationWithMfa(durationSeconds: number | undefined, mfa: { serial: string | undefined; requireMfa: boolean }): void {
  if (durationSeconds === undefined || (mfa.serial === undefined && !mfa.requireMfa)) return;
  throw invalidInput(
    "With MFA, xacct signs in with a role session assumed from your MFA session (temporary keys), and the federation endpoint refuses --duration for such a session.",
    "Leave --duration out: the console session then lasts as long as the role session, one hour.",
  );
}
