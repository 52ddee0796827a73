/**
 * The session cache behind `xacct credentials` (credential_process): one file per role, caller,
 * endpoint and region, 0600 in a 0700 folder of the user's cache, reused until shortly before
 * expiry so the AWS tools do not call STS on every command. One process fetches while the
 * others wait for its file; a file this user did not write alone is never served.
 */
import { constants } from "node:fs";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ownedByUs, readCachedSession, rolePrefix, type ReadOptions } from "./credentials-cache-read.js";
import { XacctError } from "./errors.js";
import { withTurnLock } from "./turn-lock.js";
import type { TemporaryCredentials } from "./stages/assume-role.js";

/** A dead holder's lock is broken after this; a live one refreshes it. We wait a little longer. */
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 20_000;
const LOCK_RETRY_INTERVAL_MS = 50;

export { cacheDirectory, cacheFile, readCachedSession, REFRESH_MARGIN_MS, type SessionKey } from "./credentials-cache-read.js";

/** What a cache file holds: keys that expire (a role session, or an MFA session of the Staging user). */
export interface CachedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export type CacheOptions = ReadOptions;

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
  // A file holds what was written to it: a role session, or an MFA session (same fields but the role's ARN).
  const fresh = readCachedSession(file, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.minRemainingMs !== undefined ? { minRemainingMs: options.minRemainingMs } : {}),
  }) as T | undefined;
  if (fresh) return fresh;
  return withCacheLock(file, async () => {
    const written = readCachedSession(file, { ...options, removeExposed: true }) as T | undefined;
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
  const doomed = await cachedSessionFiles(dir, roleArn);
  await Promise.all(doomed.map((name) => rm(join(dir, name), { force: true })));
  return doomed.length;
}

/** The files removeCachedSessions would delete (teardown --plan counts them). */
export async function cachedSessionFiles(dir: string, roleArn: string): Promise<string[]> {
  if (
    !(await lstat(dir).then(
      (info) => info.isDirectory(),
      () => false,
    ))
  )
    return []; // missing, or a link we never use
  const prefix = `${rolePrefix(roleArn)}-`;
  const legacy = /^[0-9a-f]{32}\.json(?:\.[0-9a-f]{12}\.tmp)?$/;
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => (name.startsWith(prefix) && /\.(?:json|tmp)$/.test(name)) || legacy.test(name));
}

function cacheProblem(path: string, error: unknown): XacctError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new XacctError(`Could not use the session cache ${path}: ${reason}.`, {
    hint: "Check that folder's owner and permissions (ls -ld), or point XDG_CACHE_HOME elsewhere.",
    cause: error,
  });
}
