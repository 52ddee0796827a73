/**
 * Whose a profile section is. xacct marks every profile it writes (OWNER_KEY) and may also
 * refresh a section that holds only a session's temporary keys (the recipe's hand-made
 * TempCred). Long-term keys (an access key without a session token) are never xacct's: it
 * writes none, so it never replaces or removes a section that holds them, nor a copy of one.
 */
import { XacctError } from "../errors.js";
import type { AwsFile } from "./ini.js";
import { readSdkProfiles } from "./sdk-ini.js";
import { SESSION_NAME_PREFIX } from "../session-name.js";

/**
 * Every profile xacct writes carries this key (other tools ignore unknown keys), so xacct can
 * tell its profiles from the user's: it never overwrites or removes a profile without it.
 */
export const OWNER_KEY = "xacct_profile";

type Settings = Readonly<Record<string, string | undefined>>;

export function isXacctProfile(settings: Settings | undefined): boolean {
  if (!settings) return false;
  if (settings[OWNER_KEY] !== undefined || settings["xacct_expiration"] !== undefined) return true;
  // Written before profiles carried the mark: xacct's role style names its session xacct-…,
  // its process style runs `xacct credentials`.
  const roleStyle = settings["role_arn"] !== undefined && settings["role_session_name"]?.startsWith(SESSION_NAME_PREFIX) === true;
  const processStyle = /\bxacct(\.js)?"? credentials\b/.test(settings["credential_process"] ?? "");
  return roleStyle || processStyle;
}

/**
 * A user's own keys: an access key without a session token, unless its ID says it is a
 * session's (ASIA…), which no user can make long-lived.
 */
export function holdsLongTermKeys(settings: Settings): boolean {
  const hasKey = settings["aws_access_key_id"] !== undefined || settings["aws_secret_access_key"] !== undefined;
  const sessionKey = settings["aws_access_key_id"]?.startsWith("ASIA") === true;
  return hasKey && !hasSessionToken(settings) && !sessionKey;
}

/**
 * A profile like the recipe's hand-made TempCred: a session's keys (it has a token, or its key
 * ID is a session's, ASIA…) and at most a region or output format. Replacing it with fresh
 * temporary keys loses nothing.
 */
export function holdsOnlyTemporaryKeys(settings: Settings): boolean {
  const allowed = new Set<string>([...TEMPORARY_KEYS, "region", "output"]);
  const sessionKeys = hasSessionToken(settings) || settings["aws_access_key_id"]?.startsWith("ASIA") === true;
  return sessionKeys && Object.keys(settings).every((key) => allowed.has(key));
}

/** A section xacct may remove: its own, or a session's temporary keys; never long-term keys. */
export function isRemovableSection(settings: Settings): boolean {
  return !holdsLongTermKeys(settings) && (isXacctProfile(settings) || holdsOnlyTemporaryKeys(settings));
}

function hasSessionToken(settings: Settings): boolean {
  return settings["aws_session_token"] !== undefined || settings["aws_security_token"] !== undefined;
}

const TEMPORARY_KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "xacct_expiration"];

/** The sections of `profile` in a file's text, as either reader takes them. */
export function sectionsIn(text: string, file: AwsFile, profile: string): Record<string, string>[] {
  return readSdkProfiles(text, file).sectionSettings(profile);
}

/** The one sentence for a profile whose section in `filePath` holds the user's long-term keys. */
export function longTermKeysRefusal(filePath: string, file: AwsFile, profile: string): XacctError {
  const header = file === "credentials" || profile === "default" ? `[${profile}]` : `[profile ${profile}]`;
  const shadow = file === "credentials" ? " and that would shadow the profile it writes" : "";
  return new XacctError(`${header} in ${filePath} holds long-term keys that xacct did not write${shadow}; xacct never removes or replaces such keys.`, {
    hint: "Remove them yourself, or choose another profile name (--write-profile NAME; setup: --temp-profile NAME).",
    exitCode: 2,
  });
}

/** Throws when a section of `profile` in the text holds long-term keys: the store's last word, under the lock. */
export function refuseLongTermKeys(text: string, file: AwsFile, profile: string, filePath: string): void {
  if (sectionsIn(text, file, profile).some(holdsLongTermKeys)) throw longTermKeysRefusal(filePath, file, profile);
}
