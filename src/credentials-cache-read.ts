/**
 * The read side of the session cache behind `xacct credentials`: where a session's file is,
 * and whether a file may be served. Only Node built-ins, so the cache-hit path
 * (credential-process.ts) and the full CLI (credentials-cache.ts) read through the same code
 * and cannot drift. Reads are synchronous: one small file, and no event-loop turn to wait for.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { sha256Hex } from "./sha256.js";
import type { TemporaryCredentials } from "./stages/assume-role.js";

/** Refresh this long before expiry, so a command started now does not outlive its keys. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** A session is under 2 KiB; nothing larger is read. */
export const CACHE_FILE_LIMIT = 64 * 1024;

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  // A relative XDG_CACHE_HOME is invalid (XDG Base Directory spec): it would put keys in whatever folder the AWS tool runs in.
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".cache"), "xacct", "credentials");
}

/** Everything that decides which session a request gets: a session is never served to another. */
export interface SessionKey {
  roleArn: string;
  profile: string;
  sessionName: string;
  externalId: string | undefined;
  durationSeconds: number | undefined;
  /** What decides where STS calls go (--endpoint-url, AWS_ENDPOINT_URL...), and the region. */
  endpoint: string;
  region: string;
  /** Where the caller's profile comes from (a sandbox's "staging" is not the user's), as it is now. */
  configFile: string;
  credentialsFile: string;
  /** Credentials from outside the files (keys in the environment...), which may be another caller. */
  caller: string;
  /**
   * --mfa-serial as given (only the flag, so the cache-hit path computes it from the
   * credential_process line): a session assumed with MFA is not served to a request without
   * it, nor the other way round. Absent, it leaves the key (and earlier file names) as it was.
   */
  mfaSerial?: string | undefined;
  /** The Identity Center token cache as it is now (a login, logout or another user's login is another caller). */
  ssoTokens: string;
  /** The remembered setup says the role's trust requires MFA: a session from before that is not served after. */
  requireMfa: boolean;
}

/**
 * The cache file for one request: hashes, so no name or ID ends up in a file name. The first
 * part names the role alone, so teardown can find every session of a role it removes.
 */
export function cacheFile(dir: string, key: SessionKey): string {
  return join(dir, `${rolePrefix(key.roleArn)}-${sha256(JSON.stringify(key)).slice(0, 32)}.json`);
}

/** The role's account and name, so a role ARN written with or without its path finds the same files. */
export function rolePrefix(roleArn: string): string {
  const match = /^arn:[^:]*:iam::(\d*):role\/(?:.*\/)?([^/]*)$/.exec(roleArn);
  return sha256(match ? `${match[1]}:${match[2]}` : roleArn).slice(0, 16);
}

/** Not node:crypto's: loading it would be a tenth of the cache-hit path's whole budget (sha256.ts). */
function sha256(text: string): string {
  return sha256Hex(text);
}

export interface ReadOptions {
  now?: () => number;
  /** How long a served session must still last; REFRESH_MARGIN_MS unless told (exec and env ask for more). */
  minRemainingMs?: number;
  /** Told why a cached file was not served (a sentence without secrets). */
  onIgnored?: (reason: string) => void;
  /**
   * Delete a file of ours that others may open (it is in xacct's own 0700 folder; its keys may
   * have been read, and left there they stay readable). The full CLI, under the file's lock.
   */
  removeExposed?: boolean;
}

/**
 * A cached session still good for REFRESH_MARGIN_MS, or undefined (then a new one is fetched
 * and replaces the file). A link, another user's file, or one others may read or write is
 * never served: anyone who could write it could hand us their keys. Nor is a file that does
 * not hold a whole session.
 */
export function readCachedSession(file: string, options: ReadOptions = {}): TemporaryCredentials | undefined {
  let fd: number | undefined;
  try {
    // Non-blocking: a pipe under the name must not hang the AWS tool that runs us.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    const why = !info.isFile()
      ? "it is not a regular file"
      : !ownedByUs(info.uid)
        ? "another user owns it"
        : (info.mode & 0o077) !== 0
          ? `other users may open it (mode ${(info.mode & 0o777).toString(8)})`
          : info.size > CACHE_FILE_LIMIT
            ? "it is too large to be a session"
            : undefined;
    if (why) {
      const exposed = info.isFile() && ownedByUs(info.uid) && (info.mode & 0o077) !== 0;
      if (exposed && options.removeExposed && removed(file)) {
        options.onIgnored?.(`Deleted the cached session in ${file} without using it: ${why}, and may have read its keys.`);
      } else {
        options.onIgnored?.(`Ignored the cached session in ${file}: ${why}.`);
      }
      return undefined;
    }
    const buffer = Buffer.alloc(CACHE_FILE_LIMIT);
    const bytesRead = readSync(fd, buffer, 0, CACHE_FILE_LIMIT, 0);
    const cached = wholeSession(JSON.parse(buffer.toString("utf8", 0, bytesRead)));
    if (!cached) return undefined;
    const expiration = new Date(cached.expiration);
    if (!(expiration.getTime() - (options.now ?? Date.now)() > (options.minRemainingMs ?? REFRESH_MARGIN_MS))) return undefined;
    return { ...cached, expiration };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") options.onIgnored?.(`Ignored the cached session in ${file}: it is a symbolic link.`);
    return undefined; // missing or unreadable: fetch afresh
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function removed(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

type StoredSession = Omit<TemporaryCredentials, "expiration"> & { expiration: string };

/** The session a file holds when every field the AWS tools need is there: a cut-off or hand-made file is a miss. */
function wholeSession(value: unknown): StoredSession | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const text = (name: string) => typeof fields[name] === "string" && fields[name] !== "";
  return ["accessKeyId", "secretAccessKey", "sessionToken", "expiration"].every(text) ? (value as StoredSession) : undefined;
}

/**
 * Whether xacct's cache folder (…/xacct and …/xacct/credentials) is already as the full CLI
 * leaves it: real folders, ours, 0700. Checked without changing anything; when not, the full
 * CLI fixes or refuses it (credentials-cache.ts prepareCacheDirectory).
 */
export function cacheFolderReady(dir: string): boolean {
  try {
    return [dirname(dir), dir].every((folder) => {
      const info = lstatSync(folder);
      return info.isDirectory() && ownedByUs(info.uid) && (info.mode & 0o777) === 0o700;
    });
  } catch {
    return false;
  }
}

export function ownedByUs(uid: number): boolean {
  const ours = process.getuid?.();
  return ours === undefined || uid === ours;
}
