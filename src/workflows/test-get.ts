/**
 * Download one object with a profile, streamed, and report size, type and ETag: the workflow
 * behind `xacct test-get` and setup's stage 3. Takes its S3 client, output and streams from
 * the caller.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { fstatSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import type { CommandContext } from "../commands/context.js";
import { invalidInput, XacctError } from "../errors.js";
import { downloadObject, type ListAccess } from "../stages/download.js";
import { setupIdOf, type SetupState } from "../state.js";
import { setupFlag } from "../stages/download.js";
import { explainingDenials } from "../verify/explain-denial.js";
import { shownText } from "../policy/index.js";

export interface TestGetRequest {
  key: string;
  bucket: string;
  profile: string;
  region: string;
  outfile?: string;
  /** Replace an existing file (keeping its mode); without it an existing file is refused. */
  force?: boolean;
  /** Who may list the bucket, for what a refusal or a missing key says; unknown without a setup. */
  list?: ListAccess | undefined;
}

/** Who may list a setup's bucket: the Staging user in resource-policy mode, else only Production's admin. */
export function listAccess(setup: Pick<SetupState, "mode" | "productionProfile" | "stagingProfile" | "bucket" | "roleName">, reader: string): ListAccess {
  const setupId = setupIdOf(setup);
  return setup.mode === "resource-policy"
    ? { readerMayList: reader === setup.stagingProfile, profile: setup.stagingProfile, setupId }
    : { readerMayList: false, profile: setup.productionProfile, setupId };
}

/** `s3`: a client of the request's profile and region. */
export async function testGet(request: TestGetRequest, s3: S3Client, ctx: CommandContext): Promise<void> {
  const dest = request.outfile ?? defaultDestination(request.key);
  if (ctx.json && (dest === "-" || (await isOwnStdout(dest)))) {
    const what = dest === "-" ? "stdout" : `${dest}, which is this process's own stdout,`;
    throw invalidInput(`test-get cannot stream the object to ${what} with --json: stdout carries the JSON report.`, "Give another output file.");
  }
  const settings = requireProfile(await loadProfileView(ctx.env), request.profile);
  refuseExpired(request.profile, settings["xacct_expiration"], request.list?.setupId);
  const result = await explainingDenials(ctx, "read", request.bucket, () =>
    downloadObject(
      s3,
      { bucket: request.bucket, key: request.key, dest, force: request.force, profile: request.profile, list: request.list, mfaSerial: settings["mfa_serial"] },
      ctx.stdout,
    ),
  );
  ctx.result["download"] = {
    bucket: request.bucket,
    key: request.key,
    destination: dest,
    bytes: result.bytes,
    contentType: result.contentType ?? null,
    etag: result.etag ?? null,
  };
  // With '-' the object itself is on stdout; the report must not mix into it.
  const report = dest === "-" ? (text: string) => ctx.out.lineToStderr(text) : (text: string) => ctx.out.line(text);
  report(`${ctx.out.color.green("✔")} Downloaded s3://${request.bucket}/${request.key}${dest === "-" ? "" : ` to ${dest}`}`);
  report(`  size ${result.bytes} bytes · type ${result.contentType === undefined ? "unknown" : shownText(result.contentType)} · ETag ${result.etag ?? "none"}`);
}

/** /dev/stdout, /proc/self/fd/1, or the very file stdout was sent to: the same file as fd 1. */
async function isOwnStdout(dest: string): Promise<boolean> {
  const target = await stat(dest).catch(() => undefined);
  if (!target) return false;
  try {
    const stdout = fstatSync(1);
    return target.dev === stdout.dev && target.ino === stdout.ino;
  } catch {
    return false; // no fd 1: nothing to mix into
  }
}

/**
 * The key's base name, in the working directory. A name that means something else as a path
 * ('-' is stdout, '.' and '..' are folders) is never guessed: the user names the file.
 */
export function defaultDestination(key: string): string {
  const name = basename(key);
  if (name === "-" || name === "." || name === "..") {
    throw invalidInput(
      `The key ${JSON.stringify(key)} ends in ${JSON.stringify(name)}, which is not a file name, so give an output file ('-' for stdout).`,
      "For example: xacct test-get KEY ./object.txt",
    );
  }
  return name || "object";
}

/** xacct records when temporary credentials expire; fail early instead of sending a dead token. */
function refuseExpired(profile: string, expiration: string | undefined, setupId: string | undefined): void {
  if (!expiration) return;
  const expires = Date.parse(expiration);
  if (Number.isFinite(expires) && expires <= Date.now()) {
    throw new XacctError(`The temporary credentials in profile ${profile} expired at ${expiration} (ExpiredToken).`, {
      hint: `Get fresh ones with \`xacct assume${setupFlag(setupId)} --write-profile\`, then run test-get again.`,
      awsCode: "ExpiredToken",
    });
  }
}
