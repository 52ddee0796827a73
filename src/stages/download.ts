/**
 * Stage 3's second half: fetch an object with the temporary (or, in resource-policy mode, the
 * Staging) credentials, streamed so memory stays flat whatever the object's size.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createWriteStream } from "node:fs";
import { realpath, rename, rm, stat } from "node:fs/promises";
import { dirname, join, basename } from "node:path";
import { randomBytes } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isAwsError, toXacctError } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { displayShellWord } from "../shell-words.js";

export interface DownloadResult {
  bytes: number;
  contentType: string | undefined;
  etag: string | undefined;
  destination: string;
}

/**
 * Streams an object to a file (or to `stdout` when dest is "-"); memory stays flat whatever
 * the object's size. A file is written beside its destination and renamed when complete, so a
 * failure never leaves half an object under the real name.
 */
export async function downloadObject(
  s3: S3Client,
  request: { bucket: string; key: string; dest: string; profile?: string | undefined },
  stdout: Writable,
): Promise<DownloadResult> {
  let response;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: request.bucket, Key: request.key }));
  } catch (error) {
    throw getObjectFailure(error, request);
  }
  const body = response.Body;
  if (!(body instanceof Readable)) throw new XacctError("S3 returned no object body.", { hint: "Try again." });
  // Decided before the body flows: a 'data' listener starts the stream at once.
  const sink = request.dest === "-" ? undefined : await fileSink(request);
  let bytes = 0;
  body.on("data", (chunk: Buffer) => (bytes += chunk.length));
  if (!sink) await pipeline(body, stdout, { end: false });
  else await sink.write(body);
  return { bytes, contentType: response.ContentType, etag: response.ETag, destination: request.dest };
}

/**
 * A regular file (or a new one) is written beside itself and renamed into place when complete,
 * so a failure never leaves half an object under the real name; through a symlink, the link's
 * target is replaced and the link kept. Anything else (/dev/null, a pipe, a terminal) is
 * written to directly: renaming over it would replace the device with a file.
 */
async function fileSink(request: { key: string; dest: string }): Promise<{ write: (body: Readable) => Promise<void> }> {
  const existing = await stat(request.dest).catch(() => undefined);
  const fail = (error: unknown) =>
    new XacctError(`Could not save ${request.key} to ${request.dest}: ${(error as Error).message}.`, {
      hint: "Check that the folder exists and is writable, or pass another output file ('-' for stdout).",
    });
  // 1 MiB, not the default 16 KiB: the socket keeps reading while the disk writes (256 MB: 30% faster).
  const highWaterMark = 1 << 20;
  if (existing && !existing.isFile()) {
    return { write: (body) => pipeline(body, createWriteStream(request.dest, { highWaterMark })).catch((error: unknown) => Promise.reject(fail(error))) };
  }
  const target = existing ? await realpath(request.dest) : request.dest;
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.partial`);
  return {
    write: async (body) => {
      try {
        await pipeline(body, createWriteStream(partial, { mode: 0o644, highWaterMark }));
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw fail(error);
      }
    },
  };
}

function getObjectFailure(error: unknown, request: { bucket: string; key: string; profile?: string | undefined }): XacctError {
  const who = request.profile ? `profile ${request.profile}` : "your credentials";
  const where = `s3://${request.bucket}/${request.key}`;
  const make = (message: string, hint: string, awsCode: string) => new XacctError(message, { hint, awsCode, cause: error });
  if (isAwsError(error, "NoSuchKey", "NotFound")) {
    return make(`There is no object ${where} (NoSuchKey).`, `Check the key's spelling: aws s3 ls s3://${request.bucket}/ --profile ${displayShellWord(request.profile ?? "default")}.`, "NoSuchKey");
  }
  if (isAwsError(error, "NoSuchBucket")) {
    return make(`The bucket ${request.bucket} does not exist (NoSuchBucket).`, "Check --bucket, or run `xacct setup` to create it.", "NoSuchBucket");
  }
  if (isAwsError(error, "AccessDenied", "Forbidden")) {
    return make(
      `${who[0]!.toUpperCase()}${who.slice(1)} may not read ${where} (AccessDenied).`,
      "Use the role's credentials (`xacct assume --write-profile`, then --profile TempCred) and check that setup attached the read policy.",
      "AccessDenied",
    );
  }
  if (isAwsError(error, "ExpiredToken", "TokenRefreshRequired")) {
    return make(
      `The temporary credentials of ${who} have expired (ExpiredToken).`,
      "Get fresh ones with `xacct assume --write-profile`, then run test-get again.",
      "ExpiredToken",
    );
  }
  return toXacctError(error, { action: `downloading ${where}`, profile: request.profile });
}
