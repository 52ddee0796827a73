/**
 * `xacct test-get KEY [OUTFILE]`: download one object with the setup's reading profile (its
 * temporary profile, or the Staging profile in resource-policy mode) through the test-get
 * workflow, streamed, and report size, type and ETag.
 */
import { s3ClientFor } from "../aws/s3.js";
import { invalidInput } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { listAccess, testGet } from "../workflows/test-get.js";
import { readingProfileOf } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { checkBucketName, checkObjectKey, checkProfileName, checkRegion, checkTokenCode } from "../validate/index.js";
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
  const request = {
    key: checkObjectKey(key),
    bucket: checkBucketName(bucket),
    // The profile that reads this setup's bucket: its temporary profile, or the Staging one in resource-policy mode.
    profile: checkProfileName(options.profile ?? (state ? readingProfileOf(state) : DEFAULTS.profileName)),
    region: checkRegion(options.region ?? state?.region ?? DEFAULTS.region),
    ...(outfile !== undefined ? { outfile } : {}),
    force: options.force ?? false,
  };
  // What a refusal or a missing key says depends on who may list the setup's bucket.
  const setup = state?.bucket === request.bucket ? state : undefined;
  const s3 = s3ClientFor(ctx, request.profile, request.region, ctx.interactive ? (serial) => askMfaCode(ctx, serial) : undefined);
  await testGet({ ...request, list: setup && listAccess(setup, request.profile) }, s3, ctx);
}

/** A role profile naming mfa_serial: in a terminal, its code is asked for (the AWS CLI does the same). */
async function askMfaCode(ctx: CommandContext, serial: string): Promise<string> {
  const code = await ctx.prompter.input({
    message: `MFA code for ${serial}:`,
    flag: "--profile of static keys",
    validate: (v) => /^\d{6}$/.test(v.trim()) || "Enter the 6 digits your device shows.",
  });
  return checkTokenCode(code.trim());
}
