/**
 * Stage 3's second half: fetch an object with the temporary (or, in resource-policy mode, the
 * Staging) credentials, streamed so memory stays flat whatever the object's size.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { constants, createWriteStream, type Stats } from "node:fs";
import { chmod, chown, link, lstat, open, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { once } from "node:events";
import { dirname, join, basename } from "node:path";
import { randomBytes } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isAwsError, toXacctError } from "../aws/errors.js";
import { invalidInput, OutputWriteError, XacctError } from "../errors.js";
import { displayShellWord } from "../shell-words.js";

export interface DownloadResult {
  bytes: number;
  contentType: string | undefined;
  etag: string | undefined;
  destination: string;
}

/**
 * Streams an object to a file (or to `stdout` when dest is "-"); memory stays flat whatever
 * the object's size. A file is written beside its destination and moved into place when
 * complete, so a failure never leaves half an object under the real name. An existing file is
 * replaced only when `force` says so, and is checked before the object is requested.
 */
export async function downloadObject(
  s3: S3Client,
  request: {
    bucket: string;
    key: string;
    dest: string;
    force?: boolean | undefined;
    profile?: string | undefined;
    list?: ListAccess | undefined;
    mfaSerial?: string | undefined;
  },
  stdout: Writable,
): Promise<DownloadResult> {
  const sink = request.dest === "-" ? undefined : await fileSink({ ...request, force: request.force ?? false });
  let response;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: request.bucket, Key: request.key }));
  } catch (error) {
    throw getObjectFailure(error, request);
  }
  const body = response.Body;
  if (!(body instanceof Readable)) throw new XacctError("S3 returned no object body.", { hint: "Try again." });
  let bytes = 0;
  body.on("data", (chunk: Buffer) => (bytes += chunk.length));
  if (!sink)
    await pipeline(body, stdout, { end: false }).catch((error: unknown) => {
      // stdout failing (its reader gone, a full disk), not S3: the object's body is only read.
      const { code, syscall } = error as NodeJS.ErrnoException;
      if (code === "EPIPE" || syscall === "write") throw new OutputWriteError(code === "EPIPE");
      throw error;
    });
  else await sink.write(body);
  return { bytes, contentType: response.ContentType, etag: response.ETag, destination: request.dest };
}

interface Sink {
  write: (body: Readable) => Promise<void>;
}

/** New files are private: an object may hold anything, and the user can widen it. */
const NEW_FILE_MODE = 0o600;
// 1 MiB, not the default 16 KiB: the socket keeps reading while the disk writes (256 MB: 30% faster).
const HIGH_WATER_MARK = 1 << 20;

/**
 * Where the object goes. Anything but a regular file (/dev/null, a pipe, a terminal) is
 * written to directly: renaming over it would replace the device with a file. A regular file
 * is written beside itself and moved into place when complete; through a symlink, the link's
 * target is replaced and the link kept. An existing name is replaced only with `force`.
 */
async function fileSink(request: { key: string; dest: string; force: boolean }): Promise<Sink> {
  const entry = await lstatOrUndefined(request.dest, request);
  const existing = entry?.isSymbolicLink() ? await stat(request.dest).catch(() => undefined) : entry;
  if (existing && !existing.isFile()) {
    const stream = await openDeviceStream(request);
    return { write: (body) => pipeline(body, stream).catch((error: unknown) => Promise.reject(saveFailure(request, error))) };
  }
  if (entry && !existing) {
    throw invalidInput(
      `${request.dest} is a symbolic link to a file that does not exist; test-get will not follow it.`,
      "Remove the link, or give another output file.",
    );
  }
  if (existing && !request.force) throw refuseOverwrite(request.dest);
  if (existing) refuseOthersFile(request.dest, existing);
  const target = existing ? await realpath(request.dest) : request.dest;
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.partial`);
  return {
    write: async (body) => {
      try {
        await pipeline(body, createWriteStream(partial, { flags: "wx", mode: NEW_FILE_MODE, highWaterMark: HIGH_WATER_MARK }));
        if (existing) await replaceKeepingAttributes(partial, target, existing);
        else await placeWithoutOverwriting(partial, target, request.dest);
      } catch (error) {
        await rm(partial, { force: true });
        throw error instanceof XacctError ? error : saveFailure(request, error);
      }
    },
  };
}

/**
 * A pipe no one reads would block the open forever. Opened without blocking first: with no
 * reader that fails at once (ENXIO). With one, the (blocking) stream opens at once; the first
 * handle stays open until it has, so the reader never sees every writer gone in between.
 */
async function openDeviceStream(request: { key: string; dest: string }): Promise<Writable> {
  let probe: FileHandle;
  try {
    probe = await open(request.dest, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw saveFailure(request, error);
    throw new XacctError(`${request.dest} is a pipe that no one is reading, so test-get would wait forever.`, {
      hint: "Start the reader first (for example: cat < PIPE &), or give a file.",
      exitCode: 2,
    });
  }
  try {
    const stream = createWriteStream(request.dest, { highWaterMark: HIGH_WATER_MARK });
    await once(stream, "open").catch((error: unknown) => Promise.reject(saveFailure(request, error)));
    return stream;
  } finally {
    await probe.close();
  }
}

/**
 * --force replaces a file by renaming a new one over it, which would hand another user's file
 * to us; as the config writer does, that is refused. Root keeps the owner (below) instead.
 */
function refuseOthersFile(dest: string, existing: Stats): void {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0 || existing.uid === uid) return;
  throw invalidInput(
    `${dest} belongs to another user (uid ${existing.uid}); replacing it would leave a copy owned by you, so test-get will not.`,
    "Give another output file, or run test-get as the file's owner.",
  );
}

async function lstatOrUndefined(path: string, request: { key: string; dest: string }): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw saveFailure(request, error);
  }
}

/** --force: the file's permission bits (never setuid and the like) and, under sudo, its owner stay. */
async function replaceKeepingAttributes(partial: string, target: string, existing: Stats): Promise<void> {
  await chmod(partial, existing.mode & 0o777);
  if (process.getuid?.() === 0 && (existing.uid !== 0 || existing.gid !== 0)) await chown(partial, existing.uid, existing.gid);
  await rename(partial, target);
}

/**
 * A hard link fails if the name appeared while the object was downloading, where a rename
 * would silently replace it. File systems without hard links get a last check and a rename.
 */
async function placeWithoutOverwriting(partial: string, target: string, dest: string): Promise<void> {
  try {
    await link(partial, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw refuseOverwrite(dest);
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    )
      throw refuseOverwrite(dest);
    await rename(partial, target);
    return;
  }
  await rm(partial, { force: true });
}

function refuseOverwrite(dest: string): XacctError {
  return invalidInput(
    `${dest} already exists, and test-get does not overwrite files unless told to.`,
    "Pass --force to replace it (its mode is kept), or give another output file.",
  );
}

function saveFailure(request: { key: string; dest: string }, error: unknown): XacctError {
  return new XacctError(`Could not save ${request.key} to ${request.dest}: ${(error as Error).message}.`, {
    hint: "Check that the folder exists and is writable, or pass another output file ('-' for stdout).",
  });
}

/**
 * Who may list the bucket, for the hints: S3 answers 403, not 404, for a missing key when the
 * reader has no s3:ListBucket (the role has only s3:GetObject), so a key is checked with a
 * profile that may list it (the Production admin's; in resource-policy mode the reader's own).
 */
export interface ListAccess {
  /** The reader itself may list the bucket, so a 403 is a refusal, never a missing key. */
  readerMayList: boolean;
  /** A profile that may list the bucket, when xacct knows one. */
  profile?: string | undefined;
  /** The remembered setup the bucket is read for: hints name it, so they work with several. */
  setupId?: string | undefined;
}

/** ` --setup ID` for a hint's command, when the setup is known. */
export function setupFlag(setupId: string | undefined): string {
  return setupId === undefined ? "" : ` --setup ${displayShellWord(setupId)}`;
}

function getObjectFailure(
  error: unknown,
  request: { bucket: string; key: string; profile?: string | undefined; list?: ListAccess | undefined; mfaSerial?: string | undefined },
): XacctError {
  const who = request.profile ? `profile ${request.profile}` : "your credentials";
  const Who = `${who[0]!.toUpperCase()}${who.slice(1)}`;
  const where = `s3://${request.bucket}/${request.key}`;
  const make = (message: string, hint: string, awsCode: string) => new XacctError(message, { hint, awsCode, cause: error });
  if (isAwsError(error, "NoSuchKey", "NotFound")) {
    return make(`There is no object ${where} (NoSuchKey).`, `Check the key's spelling; ${listKeys(request)}.`, "NoSuchKey");
  }
  if (isAwsError(error, "NoSuchBucket")) {
    return make(`The bucket ${request.bucket} does not exist (NoSuchBucket).`, "Check --bucket, or run `xacct setup` to create it.", "NoSuchBucket");
  }
  if (isAwsError(error, "AccessDenied", "Forbidden")) {
    if (request.list?.readerMayList) {
      return make(
        `${Who} may not read ${where} (AccessDenied).`,
        `A policy refuses the read: \`xacct verify${setupFlag(request.list?.setupId)}\` checks each one.`,
        "AccessDenied",
      );
    }
    return make(
      `${Who} could not read ${where} (AccessDenied): the key may not exist, or ${who} may not read it.`,
      `S3 answers 403, not 404, for a missing key when the reader may not list the bucket (s3:ListBucket; xacct's role may only get objects): ${listKeys(request)}. ` +
        `If the key is there, a policy refuses the read (the role's, the bucket's, a KMS key's, or an object owned by another account): \`xacct verify${setupFlag(request.list?.setupId)}\` checks each.`,
      "AccessDenied",
    );
  }
  if (isAwsError(error, "ExpiredToken", "TokenRefreshRequired")) {
    return make(
      `The temporary credentials of ${who} have expired (ExpiredToken).`,
      `Get fresh ones with \`xacct assume${setupFlag(request.list?.setupId)} --write-profile\`, then run test-get again.`,
      "ExpiredToken",
    );
  }
  return toXacctError(error, { action: `downloading ${where}`, profile: request.profile, setupId: request.list?.setupId, mfaSerial: request.mfaSerial });
}

/** "list the keys with …": the key's folder, with a profile that may list the bucket. */
function listKeys(request: { bucket: string; key: string; list?: ListAccess | undefined }): string {
  const slash = request.key.lastIndexOf("/");
  const folder = `s3://${request.bucket}/${slash < 0 ? "" : request.key.slice(0, slash + 1)}`;
  const profile = request.list?.profile;
  return profile
    ? `list the keys there with \`aws s3 ls ${displayShellWord(folder)} --profile ${displayShellWord(profile)}\``
    : `list the keys there with a profile that may list the bucket, such as the Production admin's: \`aws s3 ls ${displayShellWord(folder)} --profile PROFILE\``;
}
