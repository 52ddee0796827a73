/**
 * `xacct test-get KEY [OUTFILE]`: download one object with the temporary profile, streamed,
 * and report size, type and ETag.
 */
import { fstatSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { makeS3Client } from "../aws/s3.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { invalidInput, XacctError } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { downloadObject } from "../stages/download.js";
import { explainingDenials } from "../verify/explain-denial.js";
import { readingProfileOf } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { checkBucketName, checkObjectKey, checkProfileName, checkRegion } from "../validate/index.js";
import type { CommandContext } from "./context.js";

export interface TestGetOptions {
  setup?: string;
  bucket?: string;
  profile?: string;
  region?: string;
  force?: boolean;
}

export async function testGetCommand(key: string, outfile: string | undefined, options: TestGetOptions, ctx: CommandContext): Promise<void> {
  const state = await resolveSetup(ctx, { command: "test-get", setup: options.setup, bucket: options.bucket });
  const bucket = options.bucket ?? state?.bucket;
  if (!bucket) throw invalidInput("No bucket given: pass --bucket, or run `xacct setup` first so xacct remembers it.");
  await testGet(
    {
      key: checkObjectKey(key),
      bucket: checkBucketName(bucket),
      // The profile that reads this setup's bucket: its temporary profile, or the Staging one in resource-policy mode.
      profile: checkProfileName(options.profile ?? (state ? readingProfileOf(state) : DEFAULTS.profileName)),
      region: checkRegion(options.region ?? state?.region ?? DEFAULTS.region),
      ...(outfile !== undefined ? { outfile } : {}),
      force: options.force ?? false,
    },
    ctx,
  );
}

export interface TestGetRequest {
  key: string;
  bucket: string;
  profile: string;
  region: string;
  outfile?: string;
  /** Replace an existing file (keeping its mode); without it an existing file is refused. */
  force?: boolean;
}

export async function testGet(request: TestGetRequest, ctx: CommandContext): Promise<void> {
  const dest = request.outfile ?? defaultDestination(request.key);
  if (ctx.json && (dest === "-" || (await isOwnStdout(dest)))) {
    const what = dest === "-" ? "stdout" : `${dest}, which is this process's own stdout,`;
    throw invalidInput(`test-get cannot stream the object to ${what} with --json: stdout carries the JSON report.`, "Give another output file.");
  }
  const settings = requireProfile(await loadProfileView(ctx.env), request.profile);
  refuseExpired(request.profile, settings["xacct_expiration"]);
  const s3 = makeS3Client({ profile: request.profile, region: request.region, endpoint: ctx.endpoint }, ctx.env, ctx.calls);
  const result = await explainingDenials(ctx, "read", request.bucket, () =>
    downloadObject(s3, { bucket: request.bucket, key: request.key, dest, force: request.force, profile: request.profile }, ctx.stdout),
  );
  ctx.result["download"] = { bucket: request.bucket, key: request.key, destination: dest, bytes: result.bytes, contentType: result.contentType ?? null, etag: result.etag ?? null };
  // With '-' the object itself is on stdout; the report must not mix into it.
  const report = dest === "-" ? (text: string) => ctx.out.lineToStderr(text) : (text: string) => ctx.out.line(text);
  report(`${ctx.out.color.green("✔")} Downloaded s3://${request.bucket}/${request.key}${dest === "-" ? "" : ` to ${dest}`}`);
  report(`  size ${result.bytes} bytes · type ${result.contentType ?? "unknown"} · ETag ${result.etag ?? "none"}`);
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
    throw invalidInput(`The key ${JSON.stringify(key)} ends in ${JSON.stringify(name)}, which is not a file name, so give an output file ('-' for stdout).`, "For example: xacct test-get KEY ./object.txt");
  }
  return name || "object";
}

/** xacct records when temporary credentials expire; fail early instead of sending a dead token. */
function refuseExpired(profile: string, expiration: string | undefined): void {
  if (!expiration) return;
  const expires = Date.parse(expiration);
  if (Number.isFinite(expires) && expires <= Date.now()) {
    throw new XacctError(`The temporary credentials in profile ${profile} expired at ${expiration} (ExpiredToken).`, {
      hint: "Get fresh ones with `xacct assume --write-profile`, then run test-get again.",
      awsCode: "ExpiredToken",
    });
  }
}
