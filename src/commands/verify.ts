/**
 * `xacct verify`: reads every document on the path from the Staging user to an object and
 * checks each hop with the policy evaluator; `--live` also makes the real calls. Exit 0 when
 * every hop holds, 1 when one fails, 3 when none fails but one cannot be told (`ok: null`).
 */
import { PutObjectCommand, DeleteObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { clientsFor, type AwsClients } from "../aws/clients.js";
import { isAwsError } from "../aws/errors.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { defaultSessionName } from "../session-name.js";
import { displayShellWord } from "../shell-words.js";
import { assumeRole } from "../stages/assume-role.js";
import { invalidInput } from "../errors.js";
import { resolveSetup } from "../setups/resolve.js";
import { markVerified, setupIdOf, type SetupState } from "../state.js";
import { analysePath } from "../verify/analyse.js";
import { stagingSideName } from "../verify/preflight.js";
import { requestContext, type Hop } from "../verify/hops.js";
import { checkExternalId, checkObjectKey } from "../validate/index.js";
import type { CommandContext } from "./context.js";
import { resolveTarget, setupRequestOf, type Target, type TargetOptions } from "../setups/target.js";

/** verify judges what exists: the role's policies whatever their names, and no profile. */
export interface VerifyOptions extends Omit<TargetOptions, "policyName" | "tempProfile"> {
  live?: boolean;
  /** The request to judge: this external ID instead of the one setup made. */
  externalId?: string;
  /** false (--no-mfa): judge a request signed without MFA; by default MFA is used only when the setup requires it. */
  mfa?: boolean;
  /** An object that exists: the live check reads its first byte; its own KMS key is the one judged. */
  key?: string;
  /** A profile that may read the organization's SCPs and RCPs. */
  orgProfile?: string;
}

/** Some check cannot be told, none fails. */
export const EXIT_UNDECIDED = 3;

export async function verifyCommand(options: VerifyOptions, ctx: CommandContext): Promise<number> {
  const found = await resolveSetup(ctx, setupRequestOf("verify", options));
  const target = resolveTarget("verify", options, found, false);
  // The setup verify judges, when xacct remembers it: its trust, its further accounts, and when it was last verified.
  const state = found && setupIdOf(found) === setupIdOf(target) ? found : undefined;
  refuseRoleRequestFlags(options, target);
  if (options.externalId !== undefined) checkExternalId(options.externalId);
  if (options.key !== undefined) checkObjectKey(options.key);
  if (options.key !== undefined && !options.live)
    throw invalidInput("--key names the object --live reads, and there is no --live.", "Add --live, or leave --key out.");
  const view = await loadProfileView(ctx.env);
  requireProfile(view, target.productionProfile);
  requireProfile(view, target.stagingProfile);
  if (options.orgProfile !== undefined) requireProfile(view, options.orgProfile);
  const { roleArn, hops } = await ctx.out.progress("Reading what exists in both accounts", () =>
    analysePath(
      ctx,
      { ...target, orgProfile: options.orgProfile, objectKey: options.key, ssoPermissionSets: state?.trustSsoPermissionSets },
      {
        moreStagingAccountIds: state?.moreStaging?.map((a) => a.accountId),
        remembered: state,
        objectKeys: options.key === undefined ? undefined : [options.key],
        context: (arn) =>
          requestContext(state?.roleArn === arn ? state : undefined, { externalId: options.externalId, ...(options.mfa === false ? { mfa: false } : {}) }),
      },
    ),
  );
  const live = `Making the real calls: ${target.mode === "resource-policy" ? "" : "assuming the role, "}reading, and trying a write that must be refused`;
  if (options.live && target.mode === "resource-policy") hops.push(...(await ctx.out.progress(live, () => liveDirectHops(ctx, target, options.key))));
  else if (options.live)
    hops.push(...(await ctx.out.progress(live, () => liveHops(ctx, target, roleArn, options.key, state?.roleArn === roleArn ? state : undefined))));
  showHops(ctx, hops);
  // A check xacct cannot tell (ok: null) never counts as holding: the run does not pass.
  const failed = hops.filter((h) => h.ok === false).length;
  const undecided = hops.filter((h) => h.ok === null).length;
  if (state) await markVerified(setupIdOf(state), new Date(), failed > 0 ? "failed" : undecided > 0 ? "undecided" : "passed", ctx.statePath);
  // --json's "ok" is the verdict: false when a hop fails or cannot be told (exit 1 or 3), so a script reading it never takes those as a pass.
  Object.assign(ctx.result, { ok: failed === 0 && undecided === 0, roleArn, bucket: target.bucket, hops, failed, undecided });
  ctx.out.line();
  const through = target.mode === "resource-policy" ? "through the bucket policy" : `through ${target.roleName}`;
  const widened = hops.flatMap((h) => (h.widens ? [h.widens] : []));
  const more = widened.length === 0 ? "and nothing more" : `and beyond that only this, as chosen: ${widened.join("; ")}`;
  // The verdict goes where the hops went, pass or fail: one stream to read or pipe.
  const failedLine = (text: string) => ctx.out.line(`${ctx.out.color.red("✘")} ${text}`);
  if (failed === 0 && undecided === 0)
    ctx.out.done(
      `All ${hops.length} checks hold: ${stagingSideName({ ...target, ssoPermissionSets: state?.trustSsoPermissionSets })} reads s3://${target.bucket}/* ${through}, ${more}.`,
    );
  else if (failed === 0) failedLine(`No check fails, but ${undecided} of ${hops.length} cannot be told from what xacct can read (marked ?).`);
  else if (undecided > 0) failedLine(`${failed} of ${hops.length} checks failed and ${undecided} cannot be told from what xacct can read (marked ?).`);
  else failedLine(`${failed} of ${hops.length} checks failed.`);
  return failed > 0 ? 1 : undecided > 0 ? EXIT_UNDECIDED : 0;
}

/**
 * --external-id and --no-mfa shape the request that assumes the role; a resource-policy
 * setup has no role and no trust, so nothing would judge them: refused rather than ignored.
 */
function refuseRoleRequestFlags(options: VerifyOptions, target: Target): void {
  if (target.mode !== "resource-policy") return;
  const given = [...(options.externalId !== undefined ? ["--external-id"] : []), ...(options.mfa === false ? ["--no-mfa"] : [])];
  if (given.length === 0) return;
  throw invalidInput(
    `${given.join(" and ")} ${given.length === 1 ? "shapes" : "shape"} the request that assumes the role, and setup ${setupIdOf(target)} is in resource-policy mode: it has no role.`,
    `Leave ${given.join(" and ")} out; verify judges the Staging user's own reads of the bucket.`,
  );
}

function showHops(ctx: CommandContext, hops: Hop[]): void {
  const { out } = ctx;
  out.heading("Path from Staging to the bucket");
  for (const hop of hops) {
    out.line(`  ${hop.ok ? out.color.green("✔") : hop.ok === null ? out.color.yellow("?") : out.color.red("✘")} ${hop.title}`);
    out.line(`      ${out.color.dim(hop.detail)}`);
    if (!hop.ok && hop.fix) out.line(`      ${out.color.yellow("fix:")} ${hop.fix}`);
  }
}

/** Resource-policy mode, live: the Staging profile itself reads --key and tries a write. */
async function liveDirectHops(ctx: CommandContext, target: Target, key: string | undefined): Promise<Hop[]> {
  const staging = clientsFor(ctx, { profile: target.stagingProfile }, target.region);
  return probeBucket(staging, target, key, `profile ${target.stagingProfile}`);
}

/** The real calls: assume the role, read an existing object, and try a write that must fail. */
async function liveHops(ctx: CommandContext, target: Target, roleArn: string, key: string | undefined, state: SetupState | undefined): Promise<Hop[]> {
  const staging = clientsFor(ctx, { profile: target.stagingProfile }, target.region);
  let creds;
  try {
    creds = await assumeRole(
      staging.sts,
      { roleArn, sessionName: defaultSessionName(target.stagingProfile), profile: target.stagingProfile, externalId: state?.externalId },
      ctx.out,
    );
  } catch (error) {
    return [
      {
        id: "live-assume",
        title: `live: ${target.stagingProfile} assumes ${target.roleName}`,
        ok: false,
        detail: (error as Error).message,
        fix: "See the hops above for the statement that refuses it.",
      },
    ];
  }
  const hops: Hop[] = [
    { id: "live-assume", title: `live: ${target.stagingProfile} assumes ${target.roleName}`, ok: true, detail: `Assumed ${creds.assumedRoleArn}.` },
  ];
  const role = clientsFor(ctx, { credentials: creds }, target.region);
  return [...hops, ...(await probeBucket(role, target, key, "the role"))];
}

/**
 * A real read, not a HEAD: HeadObject needs no kms:Decrypt, GetObject does. One byte is
 * enough; an empty object has no byte to range over (InvalidRange), so it is read whole.
 */
async function readFirstByte(clients: AwsClients, bucket: string, key: string): Promise<void> {
  let out;
  try {
    out = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-0" }));
  } catch (error) {
    if (!isAwsError(error, "InvalidRange")) throw error;
    out = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  }
  await out.Body?.transformToByteArray();
}

/** Reads an existing key and tries a write that must be refused; an accepted write is a finding, cleaned up. */
async function probeBucket(clients: AwsClients, target: Target, key: string | undefined, who: string): Promise<Hop[]> {
  const hops: Hop[] = [];
  if (key) {
    try {
      await readFirstByte(clients, target.bucket, key);
      hops.push({
        id: "live-read",
        title: `live: ${who} reads s3://${target.bucket}/${key}`,
        ok: true,
        detail: "GetObject of its first byte succeeded (for an SSE-KMS object, S3 decrypted it: kms:Decrypt was allowed too).",
      });
    } catch (error) {
      const code = isAwsError(error, "NotFound", "NoSuchKey") ? "there is no such object" : `AWS answered ${(error as { name?: string }).name ?? "an error"}`;
      hops.push({
        id: "live-read",
        title: `live: ${who} reads s3://${target.bucket}/${key}`,
        ok: false,
        detail: `GetObject failed: ${code}.`,
        fix: "Give --key an object that exists, or check the read and decrypt hops above.",
      });
    }
  }
  const probe = `xacct-verify-probe-${Date.now()}`;
  const title = `live: ${who} cannot write to the bucket`;
  try {
    await clients.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: probe, Body: "" }));
  } catch (error) {
    if (isAwsError(error, "AccessDenied", "Forbidden"))
      return [...hops, { id: "live-write-refused", title, ok: true, detail: "PutObject was refused (AccessDenied)." }];
    throw error;
  }
  // Accepted: a finding. Clean up the probe so verify leaves nothing behind, and say whether it did.
  const fix = `Find the statement granting s3:PutObject to ${who} (see the hops above) and remove it.`;
  const left = await deleteProbe(clients, target.bucket, probe);
  const hop = { id: "live-write-refused" as const, title, ok: false };
  if (left === undefined) return [...hops, { ...hop, detail: `PutObject of ${probe} was ACCEPTED; the probe object was deleted again.`, fix }];
  const rm = `aws s3 rm ${displayShellWord(`s3://${target.bucket}/${probe}`)} --profile ${displayShellWord(target.productionProfile)}`;
  return [
    ...hops,
    {
      ...hop,
      detail: `PutObject of ${probe} was ACCEPTED, and deleting it failed (${left}): the probe object is still in the bucket.`,
      fix: `${fix} Then delete the probe as the Production admin: ${rm}`,
    },
  ];
}

/** Deletes verify's probe object: undefined when it is gone, else the AWS error that kept it. */
async function deleteProbe(clients: AwsClients, bucket: string, key: string): Promise<string | undefined> {
  try {
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    return undefined;
  } catch (error) {
    return (error as { name?: string }).name ?? "an error";
  }
}
