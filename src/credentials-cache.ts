/**
 * The session cache behind `xacct credentials` (credential_process): one file per role and
 * caller, 0600 in a 0700 directory of the user's cache, reused until shortly before expiry so
 * the AWS tools do not call STS on every command.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { makeDirectory } from "./make-directory.js";
import type { TemporaryCredentials } from "./stages/assume-role.js";

/** Refresh this long before expiry, so a command started now does not outlive its keys. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return join(env["XDG_CACHE_HOME"] || join(home, ".cache"), "xacct", "credentials");
}

/** The cache file for one request: a hash, so no name or ID ends up in a file name. */
export function cacheFile(dir: string, key: Record<string, string | number | undefined>): string {
  return join(dir, `${createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 32)}.json`);
}

export async function readCached(file: string, now = Date.now()): Promise<TemporaryCredentials | undefined> {
  try {
    const cached = JSON.parse(await readFile(file, "utf8")) as Omit<TemporaryCredentials, "expiration"> & { expiration: string };
    const expiration = new Date(cached.expiration);
    if (!(expiration.getTime() - now > REFRESH_MARGIN_MS)) return undefined;
    return { ...cached, expiration };
  } catch {
    return undefined; // missing or unreadable: fetch afresh
  }
}

export async function writeCached(file: string, dir: string, creds: TemporaryCredentials): Promise<void> {
  await makeDirectory(dir, 0o700);
  await chmod(dir, 0o700);
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, JSON.stringify({ ...creds, expiration: creds.expiration.toISOString() }), { mode: 0o600 });
  await rename(temp, file);
}
