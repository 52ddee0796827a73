/**
 * Where an MFA session (GetSessionToken) is cached: beside the role sessions, under the same
 * rules (0600 in the 0700 folder, locked, refreshed before expiry, see credentials-cache.ts),
 * one file per Staging profile, device and what decides the caller and the endpoint. Not the
 * AWS config file's version: writing a profile must not cost a new code.
 */
import { createHash } from "node:crypto";
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

export interface MfaSessionKey {
  profile: string;
  serial: string;
  /** --endpoint-url and the SDK's endpoint variables, as the role sessions' key names them. */
  endpoint: string;
  /** Which files the profile comes from (a sandbox's "staging" is not the user's). */
  configPath: string;
  credentialsPath: string;
  /**
   * The profile's own settings that decide who asks and where STS calls go (its access key ID,
   * never the secret; endpoint_url...): another user's keys or another endpoint is a new
   * session. Only this profile's: writing another profile costs no new code.
   */
  caller: string;
  /**
   * AWS_PROFILE: the AWS SDK for JavaScript takes configured endpoints (endpoint_url, services)
   * from that profile, not from the named one, so it can decide where the session came from.
   * No keys from the environment: the session is always fetched with the named profile's own.
   */
  sdkProfile: string;
}

/** `mfa-` + the profile's hash + the whole key's: teardown finds a profile's sessions; no name is in a file name. */
export function mfaSessionFile(dir: string, key: MfaSessionKey): string {
  return join(dir, `mfa-${profilePrefix(key.profile)}-${sha256(JSON.stringify(key)).slice(0, 32)}.json`);
}

/** Deletes the cached MFA sessions of a Staging profile (and their leftovers). Returns how many files went. */
export async function removeMfaSessions(dir: string, profile: string): Promise<number> {
  const names = await mfaSessionFiles(dir, profile);
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
  return names.length;
}

/** The files removeMfaSessions would delete (teardown --plan counts them). */
export async function mfaSessionFiles(dir: string, profile: string): Promise<string[]> {
  const isFolder = await lstat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isFolder) return [];
  const prefix = `mfa-${profilePrefix(profile)}-`;
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix) && /\.(?:json|tmp)$/.test(name));
}

function profilePrefix(profile: string): string {
  return sha256(`profile:${profile}`).slice(0, 16);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
