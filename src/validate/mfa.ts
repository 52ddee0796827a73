/** Flags of the MFA session (GetSessionToken): checked before any AWS call. */
import { invalidInput } from "../errors.js";

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
