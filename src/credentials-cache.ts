/**
 * The session cache behind `xacct credentials` (credential_process): one file per role, caller,
 * endpoint and region, 0600 in a 0700 folder of the user's cache, reused until shortly before
 * expiry so the AWS tools do not call STS on every command. One process fetches while the
 * others wait for its file; a file this user did not write alone is never served.
 */
import { constants } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { XacctError } from "./errors.js";
import { withTurnLock } from "./turn-lock.js";
import type { TemporaryCredentials } from "./stages/assume-role.js";

/** Refresh this long before expiry, so a command started now does not outlive its keys. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** A dead holder's lock is broken after this; a live one refreshes it. We wait a little longer. */
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 20_000;
const LOCK_RETRY_INTERVAL_MS = 50;

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return join(env["XDG_CACHE_HOME"] || join(home, ".cache"), "xacct", "credentials");
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
   * --mfa-serial as given (only the flag, so the credential_process fast path can compute it):
   * a session assumed with MFA is not served to a request without it, nor the other way round.
   * Absent, it leaves the key (and so the file names of earlier versions) as it was.
   */
  mfaSerial?: string | undefined;
}

/**
 * The cache file for one request: hashes, so no name or ID ends up in a file name. The first
 * part names the role alone, so teardown can find every session of a role it removes.
 */
export function cacheFile(dir: string, key: SessionKey): string {
  return join(dir, `${rolePrefix(key.roleArn)}-${sha256(JSON.stringify(key)).slice(0, 32)}.json`);
}

/** The role's account and name, so a role ARN written with or without its path finds the same files. */
function rolePrefix(roleArn: string): string {
  const match = /^arn:[^:]*:iam::(\d*):role\/(?:.*\/)?([^/]*)$/.exec(roleArn);
  return sha256(match ? `${match[1]}:${match[2]}` : roleArn).slice(0, 16);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** What a cache file holds: keys that expire (a role session, or an MFA session of the Staging user). */
export interface CachedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface CacheOptions {
  now?: () => number;
  /** Told why a cached file was not served (a sentence without secrets). */
  onIgnored?: (reason: string) => void;
}

/**
 * The cached session for `file`, or a fresh one from `fetch`, cached. Only one process
 * fetches: the others wait for its lock and then read what it wrote.
 */
export async function cachedSession<T extends CachedCredentials = TemporaryCredentials>(
  file: string,
  fetch: () => Promise<T>,
  options: CacheOptions = {},
): Promise<T> {
  await prepareCacheDirectory(dirname(file));
  // Unlocked first: the common case (a good session) costs no lock. Problems are told once, below.
  const fresh = await readCached<T>(file, options.now ? { now: options.now } : {});
  if (fresh) return fresh;
  return withCacheLock(file, async () => {
    const written = await readCached<T>(file, options);
    if (written) return written;
    const creds = await fetch();
    await writeCached(file, creds);
    return creds;
  });
}

/**
 * Creates `.../xacct/credentials` (0700) and refuses a folder that is a symlink or another
 * user's: xacct's own folders are opened without following links, so a chmod never reaches
 * somewhere else. The cache root above them (XDG_CACHE_HOME, ~/.cache) is the user's choice.
 */
export async function prepareCacheDirectory(dir: string): Promise<void> {
  const parent = dirname(dir);
  for (const folder of await missingAncestors(dirname(parent))) await makeFolder(folder);
  for (const folder of [parent, dir]) {
    await makeFolder(folder);
    await makePrivate(folder);
  }
}

/**
 * The folders to create above xacct's own, top down. Not mkdir's recursive mode: under
 * /proc it retries forever; one level at a time fails at once.
 */
async function missingAncestors(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = folder; missing.length < 64; current = dirname(current)) {
    if (
      await stat(current).then(
        () => true,
        () => false,
      )
    )
      break;
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  return missing;
}

async function makeFolder(folder: string): Promise<void> {
  await mkdir(folder, { mode: 0o700 }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw cacheProblem(folder, error);
  });
}

async function makePrivate(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    const info = await handle.stat();
    if (!ownedByUs(info.uid)) {
      throw new XacctError(`${folder} belongs to another user, so xacct will not keep session keys in it.`, {
        hint: "Remove it (xacct creates its own), or point XDG_CACHE_HOME at a folder of yours.",
      });
    }
    if ((info.mode & 0o777) !== 0o700) await handle.chmod(0o700);
  } catch (error) {
    if (error instanceof XacctError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENOTDIR") {
      const link = await lstat(folder).then(
        (info) => info.isSymbolicLink(),
        () => false,
      );
      throw new XacctError(`${folder} is ${link ? "a symbolic link" : "not a folder"}, so xacct will not keep session keys there.`, {
        hint: "Remove it (xacct creates its own folder), or point XDG_CACHE_HOME at a folder of yours.",
      });
    }
    throw cacheProblem(folder, error);
  } finally {
    await handle?.close();
  }
}

/**
 * A cached session still good for REFRESH_MARGIN_MS, or undefined (then a new one is fetched
 * and replaces the file). A link, another user's file, or one others may read or write is
 * never served: anyone who could write it could hand us their keys.
 */
export async function readCached<T extends CachedCredentials = TemporaryCredentials>(file: string, options: CacheOptions = {}): Promise<T | undefined> {
  let handle: FileHandle | undefined;
  try {
    // Non-blocking: a pipe under the name must not hang the AWS tool that runs us.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = await handle.stat();
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
      options.onIgnored?.(`Ignored the cached session in ${file}: ${why}. Fetched a new one.`);
      return undefined;
    }
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(CACHE_FILE_LIMIT), 0, CACHE_FILE_LIMIT, 0);
    const cached = JSON.parse(buffer.toString("utf8", 0, bytesRead)) as Omit<T, "expiration"> & { expiration: string };
    const expiration = new Date(cached.expiration);
    if (!(expiration.getTime() - (options.now ?? Date.now)() > REFRESH_MARGIN_MS)) return undefined;
    return { ...cached, expiration } as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      options.onIgnored?.(`Ignored the cached session in ${file}: it is a symbolic link. Fetched a new one.`);
    return undefined; // missing or unreadable: fetch afresh
  } finally {
    await handle?.close();
  }
}

/** A session is under 2 KiB; nothing larger is read. */
const CACHE_FILE_LIMIT = 64 * 1024;

/** Written beside the file and renamed over it, so a reader sees the old session or the new one. */
async function writeCached(file: string, creds: CachedCredentials): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify({ ...creds, expiration: creds.expiration.toISOString() }));
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw cacheProblem(file, error);
  }
}

/** A lost lock costs at most one extra AssumeRole; the rename keeps the file whole. */
function withCacheLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  return withTurnLock(
    file,
    {
      staleMs: LOCK_STALE_MS,
      waitMs: LOCK_WAIT_MS,
      retryMs: LOCK_RETRY_INTERVAL_MS,
      busy: () =>
        new XacctError(`Another xacct kept the session cache ${file} locked for over ${LOCK_WAIT_MS / 1000} s.`, {
          hint: `Try again; if no xacct is running, delete ${file}.lock.`,
        }),
      failed: (error) => cacheProblem(file, error),
    },
    work,
  );
}

/**
 * Deletes every cached session of a role (teardown), and sessions cached under the names
 * older versions used, which do not say their role. Returns how many files went.
 */
export async function removeCachedSessions(dir: string, roleArn: string): Promise<number> {
  if (
    !(await lstat(dir).then(
      (info) => info.isDirectory(),
      () => false,
    ))
  )
    return 0; // missing, or a link we never use
  const prefix = `${rolePrefix(roleArn)}-`;
  const legacy = /^[0-9a-f]{32}\.json(?:\.[0-9a-f]{12}\.tmp)?$/;
  const names = await readdir(dir).catch(() => [] as string[]);
  const doomed = names.filter((name) => (name.startsWith(prefix) && /\.(?:json|tmp)$/.test(name)) || legacy.test(name));
  await Promise.all(doomed.map((name) => rm(join(dir, name), { force: true })));
  return doomed.length;
}

function ownedByUs(uid: number): boolean {
  const ours = process.getuid?.();
  return ours === undefined || uid === ours;
}

function cacheProblem(path: string, error: unknown): XacctError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new XacctError(`Could not use the session cache ${path}: ${reason}.`, {
    hint: "Check that folder's owner and permissions (ls -ld), or point XDG_CACHE_HOME elsewhere.",
    cause: error,
  });
}
