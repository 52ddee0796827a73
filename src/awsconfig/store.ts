/**
 * The file side of ~/.aws/config and ~/.aws/credentials: find the real file behind any
 * symlink, lock it against other xacct processes, re-read it under the lock, apply a pure
 * edit from ini.ts, keep one backup, and replace the file atomically (temp file + fsync +
 * rename), so a crash leaves either the old or the new content, never a torn file.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, lstat, open, readFile, readdir, readlink, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import { XacctError } from "../errors.js";
import { makeDirectory } from "../make-directory.js";
import { listProfileNames, looksLikeAwsFile, removeProfile, upsertProfile, type AwsFile } from "./ini.js";
import { holdsLongTermKeys, isRemovableSection, refuseLongTermKeys, sectionsIn } from "./ownership.js";
import { configFilePath, credentialsFilePath } from "./paths.js";

export interface ProfileWrite {
  path: string;
  file: AwsFile;
  profile: string;
  values: Readonly<Record<string, string>>;
  /** Keys to delete from the profile, e.g. a stale aws_session_token. */
  removeKeys?: readonly string[];
}

export interface ProfileRemoval {
  path: string;
  file: AwsFile;
  profile: string;
}

export interface WriteResult {
  /** The file that was (or would have been) written: the symlink's target for a symlink. */
  path: string;
  created: boolean;
  changed: boolean;
  /** Sentences for the user, e.g. a credentials file other users can read. */
  warnings: string[];
}

/**
 * How long a lock may sit untouched before it counts as left by a dead process, and how long
 * we wait for a live holder. The wait outlasts the staleness so a dead holder's lock is
 * always broken within it.
 */
export interface LockTimings {
  staleMs: number;
  waitMs: number;
}

export interface StoreOptions {
  lock?: Partial<LockTimings>;
}

const DEFAULT_LOCK_TIMINGS: LockTimings = { staleMs: 10_000, waitMs: 15_000 };
const LOCK_RETRY_INTERVAL_MS = 50;
const NEW_FILE_MODE = 0o600;
const NEW_DIRECTORY_MODE = 0o700;
const WRITE_CHUNK_CHARS = 1 << 20;

export function backupPathFor(filePath: string): string {
  return `${filePath}.xacct.bak`;
}

export function lockPathFor(filePath: string): string {
  return `${filePath}.xacct.lock`;
}

/** The keys whose values are secrets: never written where another user can read them. */
const SECRET_KEYS = ["aws_secret_access_key", "aws_session_token", "aws_security_token"];

/**
 * Writes values into one profile; creates the file (0600) and its directory (0700) when missing.
 * Refuses a profile whose section holds long-term keys (xacct never replaces a user's own keys),
 * and secrets into a file other users may read.
 */
export async function writeProfile(request: ProfileWrite, options: StoreOptions = {}): Promise<WriteResult> {
  const target = { file: request.file, profile: request.profile };
  const removeKeys = request.removeKeys ?? [];
  const secrets = Object.keys(request.values).some((key) => SECRET_KEYS.includes(key));
  const edit = (text: string) => {
    refuseLongTermKeys(text, request.file, request.profile, request.path);
    return upsertProfile(text, target, request.values, { removeKeys });
  };
  return editFile(request.path, request.file, { ...options, secrets }, edit, scrubKeys(request));
}

/**
 * What the backup loses with a write that removes keys (a switch of profile style): the same
 * keys of the same profile, when each of its sections there is xacct's; else it is kept.
 */
function scrubKeys(request: ProfileWrite): ((text: string) => string) | undefined {
  const dropped = (request.removeKeys ?? []).filter((key) => !(key in request.values));
  if (dropped.length === 0) return undefined;
  const target = { file: request.file, profile: request.profile };
  return (text) => {
    const sections = sectionsIn(text, request.file, request.profile);
    // Nothing to drop (the usual case): no second edit of a copy that may be 50 MB.
    if (!sections.some((settings) => dropped.some((key) => key in settings))) return text;
    if (!sections.every(isRemovableSection)) return text;
    try {
      return upsertProfile(text, target, {}, { removeKeys: dropped });
    } catch {
      return text;
    }
  };
}

/**
 * Removes one profile's sections when each is xacct's own (or a session's temporary keys); a
 * missing file is left missing. The backup loses them too (even when the file had none left):
 * a removed profile's keys must not live on in a copy. A backup whose copy of the profile holds
 * a user's long-term keys is left as it is.
 */
export async function removeProfileFromFile(request: ProfileRemoval, options: StoreOptions = {}): Promise<WriteResult> {
  const target = { file: request.file, profile: request.profile };
  const ownSectionsOnly = (text: string) => sectionsIn(text, request.file, request.profile).every(isRemovableSection);
  const remove = (text: string) => {
    refuseLongTermKeys(text, request.file, request.profile, request.path);
    if (!ownSectionsOnly(text)) {
      throw new XacctError(`${request.path} holds a section of profile ${request.profile} that xacct did not write, so xacct left the profile there.`, {
        hint: `Remove profile ${request.profile} yourself if it is no longer needed.`,
      });
    }
    return removeProfile(text, target);
  };
  // A backup the editor cannot read the same way both readers do keeps what it holds: xacct
  // never scrubs from a copy what it would not remove from the file.
  const scrub = (text: string) => {
    try {
      return ownSectionsOnly(text) ? removeProfile(text, target) : text;
    } catch {
      return text;
    }
  };
  return editFile(request.path, request.file, options, remove, scrub);
}

/** Every profile name in the config and credentials files, config first; missing files have none. */
export async function readProfileNames(
  paths: { config: string; credentials: string } = { config: configFilePath(), credentials: credentialsFilePath() },
): Promise<string[]> {
  const config = await readCurrent(paths.config, "config");
  const credentials = await readCurrent(paths.credentials, "credentials");
  const names = [...listProfileNames(config?.text ?? "", "config"), ...listProfileNames(credentials?.text ?? "", "credentials")];
  return [...new Set(names)];
}

async function editFile(
  requestedPath: string,
  file: AwsFile,
  options: StoreOptions & { secrets?: boolean },
  edit: (text: string) => string,
  /** Applied to what the backup keeps, when some of it must not be kept. */
  scrubBackup?: (text: string) => string,
): Promise<WriteResult> {
  // Bad profile names or values fail here, before anything on disk is touched.
  const textForMissingFile = edit("");
  const filePath = await resolveSymlinks(requestedPath);
  if (textForMissingFile === "" && !(await readCurrent(filePath, file))) {
    return { path: filePath, created: false, changed: false, warnings: [] };
  }
  await checkDirectoryWritable(path.dirname(filePath));
  await ensureDirectory(path.dirname(filePath));
  const timings = { ...DEFAULT_LOCK_TIMINGS, ...options.lock };
  return withFileLock(filePath, timings, async (assertLockHeld) => {
    const current = await readCurrent(filePath, file);
    const before = current?.text ?? "";
    if (current) refuseToReplace(requestedPath, filePath, file, current);
    if (current && options.secrets) refuseOpenFile(filePath, current.mode);
    const after = edit(before);
    const warnings = current ? permissionWarnings(filePath, file, current.mode, after) : [];
    if (after === before) {
      if (scrubBackup) await scrubExistingBackup(filePath, file, scrubBackup, assertLockHeld);
      return { path: filePath, created: false, changed: false, warnings };
    }

    await removeOrphanedTempFiles(filePath);
    if (current) await writeAtomically(backupPathFor(filePath), scrubBackup ? scrubBackup(before) : before, { mode: NEW_FILE_MODE }, assertLockHeld);
    await writeAtomically(filePath, after, current ?? { mode: NEW_FILE_MODE }, assertLockHeld);
    return { path: filePath, created: current === undefined, changed: true, warnings };
  });
}

/** Rewrites an existing backup without what `scrub` drops; called under the file's lock. */
async function scrubExistingBackup(filePath: string, file: AwsFile, scrub: (text: string) => string, assertLockHeld: () => void): Promise<void> {
  const backupPath = backupPathFor(filePath);
  const backup = await readCurrent(backupPath, file).catch(() => undefined);
  if (!backup) return;
  const scrubbed = scrub(backup.text);
  if (scrubbed !== backup.text) await writeAtomically(backupPath, scrubbed, { mode: NEW_FILE_MODE }, assertLockHeld);
}

/**
 * Refuses, before anything is asked of AWS, a file that a later write would fail on or must
 * not touch: read-only, another user's, not an AWS file, or in a directory xacct cannot write
 * in (where the lock and the temporary copy go); with `profile`, a file whose sections of that
 * profile the editor refuses to touch or that hold long-term keys; with `secrets`, a file other
 * users may read. The write checks the same again under the lock.
 */
export async function checkWritable(requestedPath: string, file: AwsFile, profile?: string, options: { secrets?: boolean } = {}): Promise<void> {
  const filePath = await resolveSymlinks(requestedPath);
  const current = await readCurrent(filePath, file);
  if (current) refuseToReplace(requestedPath, filePath, file, current);
  if (current && options.secrets) refuseOpenFile(filePath, current.mode);
  if (current && profile !== undefined) {
    refuseLongTermKeys(current.text, file, profile, requestedPath);
    // A dry run with every key a write may set: a clash (REGION beside region) shows now.
    upsertProfile(current.text, { file, profile }, DRY_RUN_VALUES);
  }
  await Promise.all([checkDirectoryWritable(path.dirname(filePath)), refuseOddCompanions(filePath)]);
}

/** Every key some profile style writes, for the dry run; the values are never written. */
const DRY_RUN_VALUES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "region",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "xacct_expiration",
    "xacct_profile",
    "xacct_role",
    "role_arn",
    "source_profile",
    "role_session_name",
    "external_id",
    "mfa_serial",
    "duration_seconds",
    "credential_process",
  ].map((key) => [key, "x"]),
);

/**
 * The backup must be a file and the lock a folder (or absent): anything else there would fail
 * the write only after the AWS calls, so it is found first.
 */
async function refuseOddCompanions(filePath: string): Promise<void> {
  const [backup, lock] = await Promise.all([lstat(backupPathFor(filePath)).catch(() => undefined), lstat(lockPathFor(filePath)).catch(() => undefined)]);
  if (backup && !backup.isFile()) {
    throw new XacctError(`${backupPathFor(filePath)}, where xacct keeps its one backup of ${filePath}, is not a regular file.`, {
      hint: `Move it away, then run the command again.`,
    });
  }
  if (lock && !lock.isDirectory()) {
    throw new XacctError(`${lockPathFor(filePath)}, where xacct takes its lock on ${filePath}, is not a folder (a leftover?).`, {
      hint: `If no xacct is running, remove it: rm ${lockPathFor(filePath)}`,
    });
  }
}

/**
 * Secrets go only into a file no other user may read or change: the new copy takes the old
 * file's mode. (The directory is not checked: the copy is made 0600 under a fresh random name
 * with O_EXCL and renamed over the file, so another user who may write in the directory can
 * remove or replace the file, but never read what xacct wrote.)
 */
function refuseOpenFile(filePath: string, mode: number): void {
  if ((mode & 0o077) === 0) return;
  const octal = mode.toString(8).padStart(4, "0");
  throw new XacctError(`${filePath} is open to other users (mode ${octal}), so xacct will not write session keys into it.`, {
    hint: `Run: chmod 600 ${filePath}; or use --profile-style role (or process), which writes no secrets.`,
    exitCode: 2,
  });
}

/**
 * A file is replaced by renaming a new copy over it, which works whatever the file's own mode
 * and owner are. So what the user said with them is checked here instead.
 */
function refuseToReplace(requestedPath: string, filePath: string, file: AwsFile, current: FileState): void {
  if ((current.mode & 0o200) === 0) {
    const octal = current.mode.toString(8).padStart(4, "0");
    throw new XacctError(`${filePath} is read-only (mode ${octal}), so xacct will not change it.`, {
      hint: `If xacct may write it, run: chmod u+w ${filePath}; or point ${envVarFor(file)} at another file.`,
    });
  }
  const uid = process.getuid?.();
  // Root (sudo) keeps the owner when it replaces a file; anyone else would take it over.
  if (uid !== undefined && uid !== 0 && current.uid !== uid) {
    throw new XacctError(`${filePath} belongs to another user (uid ${current.uid}); replacing it would leave a copy owned by you.`, {
      hint: `Run xacct as the file's owner, or point ${envVarFor(file)} at a file of your own.`,
    });
  }
  if (!looksLikeAwsFile(current.text, file)) {
    const via = requestedPath === filePath ? "" : ` (${requestedPath} is a symbolic link to it)`;
    throw new XacctError(`${filePath} does not look like an AWS ${file} file${via}: it has no AWS profile or setting, so xacct will not write keys into it.`, {
      hint: `Point ${envVarFor(file)} at your AWS ${file} file, or fix the link; xacct left the file untouched.`,
    });
  }
}

/** The directory, or the nearest one above it that exists, must let us create files. */
async function checkDirectoryWritable(directory: string): Promise<void> {
  let existing = directory;
  while (!(await exists(existing)) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw existing === directory ? fileProblem("write in", directory, error) : fileProblem("create the directory", directory, error);
  }
}

async function exists(filePath: string): Promise<boolean> {
  return lstat(filePath).then(
    () => true,
    () => false,
  );
}

/**
 * The file's text, undefined when it is missing. Fails with one clear sentence, exit code 1,
 * when the file exists but is no AWS config or credentials file (a directory, unreadable, not
 * UTF-8, not INI). The SDK's loader would silently read such a file as empty and every
 * profile would just seem to be missing.
 */
export async function readAwsFile(requestedPath: string, file: AwsFile): Promise<string | undefined> {
  const current = await readCurrent(await resolveSymlinks(requestedPath), file);
  if (!current) return undefined;
  const line = firstNonIniLine(current.text);
  if (line !== undefined) {
    // The line itself is not shown: in a credentials file it may hold a secret.
    throw new XacctError(`${requestedPath} is not an AWS ${file} file: line ${line} is neither a [section] header, a setting nor a comment.`, {
      hint: `Fix or move that file, or point ${envVarFor(file)} at the right one; xacct left it untouched.`,
    });
  }
  return current.text;
}

/** The first line (1-based) that an INI reader would reject, or undefined. */
function firstNonIniLine(text: string): number | undefined {
  // Walked line by line, not split into an array: config files of 50 MB exist. A lone \r
  // ends a line too (as in Python, which the AWS CLI is written in).
  const lineBreak = /\r\n|\n|\r/g;
  const onlyLf = !text.includes("\r");
  let inSection = false;
  let number = 0;
  for (let at = 0; at < text.length;) {
    number += 1;
    let end;
    let next;
    if (onlyLf) {
      const newline = text.indexOf("\n", at);
      end = newline === -1 ? text.length : newline;
      next = newline === -1 ? text.length : newline + 1;
    } else {
      lineBreak.lastIndex = at;
      const found = lineBreak.exec(text);
      end = found ? found.index : text.length;
      next = found ? end + found[0].length : text.length;
    }
    const verdict = iniLineKind(text, at, end);
    at = next;
    if (verdict === "header") inSection = true;
    else if (verdict === "other" || (verdict === "setting" && !inSection)) return number;
  }
  return undefined;
}

/** What an INI reader makes of text[from, to): cheap checks for the common lines, exact ones otherwise. */
function iniLineKind(text: string, from: number, to: number): "blank" | "header" | "setting" | "other" {
  if (from >= to) return "blank";
  const first = text.charCodeAt(from);
  if (first === 35 || first === 59) return "blank"; // # or ; comment
  const plainStart = first > 32 && first < 127 && first !== 91;
  if (plainStart) {
    const equals = text.indexOf("=", from);
    if (equals !== -1 && equals < to) return "setting"; // key = value, the bulk of a file
  }
  const line = text.slice(from, to);
  if (first === 91 && /^\[[^\]]*\]/.test(line)) return "header";
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) return "blank";
  if (trimmed.startsWith("[") && /^\[[^\]]*\]/.test(trimmed)) return "header";
  return trimmed.includes("=") || /^\s/.test(line) ? "setting" : "other";
}

// ---------------------------------------------------------------------------------------
// Reading.

interface FileState {
  text: string;
  mode: number;
  uid: number;
  gid: number;
}

/** The file's text and attributes, or undefined when it does not exist. */
async function readCurrent(filePath: string, file: AwsFile): Promise<FileState | undefined> {
  let info;
  try {
    info = await stat(filePath);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw fileProblem("read", filePath, error);
  }
  if (!info.isFile()) {
    throw new XacctError(`${filePath} is ${info.isDirectory() ? "a directory" : "not a regular file"}, not an AWS ${file} file.`, {
      hint: `Move it out of the way, or point ${envVarFor(file)} at a file.`,
    });
  }
  const version = fileVersion(info);
  let text = cachedText(version);
  if (text === undefined) {
    let bytes;
    try {
      bytes = await readFile(filePath);
    } catch (error) {
      throw fileProblem("read", filePath, error);
    }
    text = decodeUtf8(bytes, filePath);
    rememberText(version, text);
  }
  return { text, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
}

/**
 * The texts last read, by file version, shared by every reader in this process (the profile
 * view, the checks, the edit under the lock, the SDK's narrowed copy): a 50 MB config read
 * four times would otherwise be held four times. A version is device, inode, size, mtime and
 * ctime: a write by rename, or an edit in place, makes a new one, so nothing stale is served.
 */
const texts = new Map<string, string>();
const REMEMBERED_TEXTS = 4;

export function fileVersion(info: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

export function cachedText(version: string): string | undefined {
  return texts.get(version);
}

function rememberText(version: string, text: string): void {
  texts.delete(version);
  texts.set(version, text);
  for (const oldest of texts.keys()) {
    if (texts.size <= REMEMBERED_TEXTS) break;
    texts.delete(oldest);
  }
}

/** Refuses non-UTF-8 text: decoding it leniently would change bytes we promise to keep. */
function decodeUtf8(bytes: Uint8Array, filePath: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new XacctError(`${filePath} is not valid UTF-8 text, so xacct will not edit it.`, {
      hint: "Save the file as UTF-8 (the AWS tools expect it), then run xacct again.",
      cause: error,
    });
  }
}

function permissionWarnings(filePath: string, file: AwsFile, mode: number, text: string): string[] {
  if ((mode & 0o077) === 0) return []; // First: the search below reads the whole text.
  const holdsSecrets = file === "credentials" || /^\s*aws_(?:secret_access_key|session_token)\s*=/m.test(text);
  if (!holdsSecrets) return [];
  const octal = mode.toString(8).padStart(4, "0");
  return [`${filePath} holds credentials but other users have access to it (mode ${octal}); run: chmod 600 ${filePath}`];
}

// ---------------------------------------------------------------------------------------
// Writing.

/** Follows symlinks (even dangling ones) so we replace the target and keep the link. */
export async function resolveSymlinks(requestedPath: string): Promise<string> {
  let current = path.resolve(requestedPath);
  for (let hops = 0; hops < 40; hops += 1) {
    let isLink;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      if (errorCode(error) === "ENOENT") return current;
      throw fileProblem("read", current, error);
    }
    if (!isLink) return current;
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw new XacctError(`${requestedPath} is a loop of symbolic links.`, { hint: "Point the link at a real file." });
}

async function ensureDirectory(directory: string): Promise<void> {
  try {
    await makeDirectory(directory, NEW_DIRECTORY_MODE);
  } catch (error) {
    throw fileProblem("create the directory", directory, error);
  }
}

/** Temp names carry the file's name, our pid and randomness; dead writers' leftovers are found by it. */
function tempPathFor(filePath: string): string {
  const name = `.${path.basename(filePath)}.${process.pid}.${randomBytes(8).toString("hex")}.xacct-tmp`;
  return path.join(path.dirname(filePath), name);
}

/**
 * Removes temp files a killed writer left beside the file or its backup. Only called under
 * the lock, when no other xacct can be between creating and renaming one.
 */
async function removeOrphanedTempFiles(filePath: string): Promise<void> {
  const base = path.basename(filePath).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const orphan = new RegExp(`^\\.${base}(?:\\.xacct\\.bak)?\\.\\d+\\.[0-9a-f]{16}\\.xacct-tmp$`);
  const directory = path.dirname(filePath);
  const names = await readdir(directory).catch(() => []);
  await Promise.all(names.filter((name) => orphan.test(name)).map((name) => rm(path.join(directory, name), { force: true })));
}

interface FileAttributes {
  mode: number;
  uid?: number;
  gid?: number;
}

async function writeAtomically(filePath: string, text: string, attributes: FileAttributes, beforeRename: () => void): Promise<void> {
  const tempPath = tempPathFor(filePath);
  let handle;
  try {
    handle = await open(tempPath, "wx", NEW_FILE_MODE);
    for (const piece of pieces(text)) await handle.write(piece, null, "utf8");
    await handle.chmod(attributes.mode);
    // Under sudo, rename would hand the user's file to root; keep its owner.
    if (process.getuid?.() === 0 && attributes.uid !== undefined && attributes.gid !== undefined) {
      await handle.chown(attributes.uid, attributes.gid);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    beforeRename();
    await rename(tempPath, filePath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw error instanceof XacctError ? error : fileProblem("write", filePath, error);
  }
  await syncDirectory(path.dirname(filePath));
}

/**
 * The text in pieces of about a MiB, never splitting a surrogate pair: one Buffer of a 50 MB
 * file would double the memory a write needs.
 */
function* pieces(text: string): Generator<string> {
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + WRITE_CHUNK_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    yield text.slice(at, end);
    at = end;
  }
}

/** Makes the rename itself durable; some platforms cannot open a directory, which is fine. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r").catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

// ---------------------------------------------------------------------------------------
// Locking: a sibling lock directory (proper-lockfile), so the file itself need not exist.

async function withFileLock<T>(filePath: string, timings: LockTimings, work: (assertLockHeld: () => void) => Promise<T>): Promise<T> {
  const lockPath = lockPathFor(filePath);
  let lost: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockWhileHeldByOthers(timings, () =>
      lockfile.lock(filePath, {
        realpath: false,
        lockfilePath: lockPath,
        stale: timings.staleMs,
        // The default throws from a timer and kills the process; we check before each rename instead.
        onCompromised: (error) => {
          lost = error;
        },
      }),
    );
  } catch (error) {
    if (errorCode(error) !== "ELOCKED") throw fileProblem("lock", filePath, error);
    throw new XacctError(`Another process kept ${filePath} locked for over ${Math.round(timings.waitMs / 1000)} s.`, {
      hint: `Let the other xacct finish and try again; if none is running, delete ${lockPath}.`,
      cause: error,
    });
  }
  const assertLockHeld = () => {
    if (lost) throw new XacctError(`Lost the lock on ${filePath} while writing it; the file was not changed.`, { cause: lost });
  };
  try {
    return await work(assertLockHeld);
  } finally {
    await release().catch(() => undefined); // Already released if the lock was lost.
  }
}

/**
 * Tries to take the lock until the wait is over, but only while another process holds it:
 * any other failure (a directory we cannot write in) will not pass by waiting.
 */
async function lockWhileHeldByOthers<T>(timings: LockTimings, take: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timings.waitMs;
  for (;;) {
    try {
      return await take();
    } catch (error) {
      if (errorCode(error) !== "ELOCKED" || Date.now() >= deadline) throw error;
      await new Promise((resume) => setTimeout(resume, LOCK_RETRY_INTERVAL_MS));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Errors.

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function envVarFor(file: AwsFile): string {
  return file === "config" ? "AWS_CONFIG_FILE" : "AWS_SHARED_CREDENTIALS_FILE";
}

const PLAIN_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EROFS: "the file system is read-only",
  ENOENT: "no such file or directory",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
};

function fileProblem(action: string, filePath: string, error: unknown): XacctError {
  const code = errorCode(error);
  const reason = (code && PLAIN_REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new XacctError(`Could not ${action} ${filePath}: ${reason}.`, {
    hint: "Check the file's permissions and owner (ls -l), and that its directory exists and is writable.",
    cause: error,
  });
}
