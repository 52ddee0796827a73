/**
 * How xacct writes the temporary profile, and the one default every writer shares (the setup
 * wizard, setup's flags and `assume --write-profile`): the style the profile already has, else
 * the recipe's static keys. Pure: the profile's settings come in.
 */
import { isXacctProfile, OWNER_KEY } from "./ownership.js";

export type ProfileStyle = "static" | "role" | "process";

/** The recipe's TempCred holds the session's keys; `role` is recommended but needs the source profile wherever it is used. */
export const DEFAULT_PROFILE_STYLE: ProfileStyle = "static";

/** The style of a profile xacct wrote, or undefined for anyone else's (or none). */
export function styleOfProfile(settings: Readonly<Record<string, string | undefined>> | undefined): ProfileStyle | undefined {
  if (!settings || !isXacctProfile(settings)) return undefined;
  const marked = settings[OWNER_KEY];
  if (marked === "static" || marked === "role" || marked === "process") return marked;
  if (settings["credential_process"] !== undefined) return "process";
  if (settings["role_arn"] !== undefined) return "role";
  return "static";
}

/** The style a write uses when none is chosen: the one the profile has, so a rerun keeps it. */
export function defaultProfileStyle(existing: Readonly<Record<string, string | undefined>> | undefined): ProfileStyle {
  return styleOfProfile(existing) ?? DEFAULT_PROFILE_STYLE;
}
