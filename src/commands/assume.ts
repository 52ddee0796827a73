/**
 * `xacct assume`: AssumeRole with the Staging profile's credentials. Prints who we became and
 * when it expires, never a secret; with --write-profile saves the credentials as a profile.
 */
import { makeClients } from "../aws/clients.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { writeTemporaryProfile } from "../awsconfig/temporary-profile.js";
import { invalidInput } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { assumeRole } from "../stages/access.js";
import { explainingDenials } from "../verify/explain-denial.js";
import { loadState } from "../state.js";
import { checkDurationSeconds, checkProfileName, checkRegion, checkRoleArn, checkSessionName } from "../validate/index.js";
import type { CommandContext } from "./context.js";

export interface AssumeOptions {
  profile?: string;
  roleArn?: string;
  sessionName?: string;
  durationSeconds?: string;
  region?: string;
  /** true: write the default profile name; a string: that name. */
  writeProfile?: boolean | string;
  /** Write the keys to the credentials file instead of the config file. */
  credentialsFile?: boolean;
}

export async function assumeCommand(options: AssumeOptions, ctx: CommandContext): Promise<void> {
  const state = await loadState(ctx.statePath);
  const roleArn = options.roleArn ?? state?.roleArn;
  const profile = options.profile ?? state?.stagingProfile;
  if (!roleArn) throw invalidInput("No role to assume: give --role-arn, or run `xacct setup` first so xacct remembers it.");
  if (!profile) throw invalidInput("No Staging profile: give --profile, or run `xacct setup` first so xacct remembers it.");
  checkRoleArn(roleArn);
  checkProfileName(profile);
  const region = checkRegion(options.region ?? state?.region ?? DEFAULTS.region);
  const writeProfileName =
    options.writeProfile === undefined || options.writeProfile === false
      ? undefined
      : checkProfileName(options.writeProfile === true ? DEFAULTS.profileName : options.writeProfile);
  await assumeAndWrite(
    {
      profile,
      roleArn,
      region,
      writeProfile: writeProfileName,
      credentialsFile: options.credentialsFile ?? false,
      ...(options.sessionName !== undefined ? { sessionName: checkSessionName(options.sessionName) } : {}),
      ...(options.durationSeconds !== undefined ? { durationSeconds: checkDurationSeconds(options.durationSeconds) } : {}),
    },
    ctx,
  );
}

export interface AssumeRequest {
  profile: string;
  roleArn: string;
  region: string;
  writeProfile: string | undefined;
  credentialsFile?: boolean;
  sessionName?: string;
  durationSeconds?: number;
  roleIsNew?: boolean;
}

/** Shared by `assume` and setup's stage 3. */
export async function assumeAndWrite(request: AssumeRequest, ctx: CommandContext): Promise<void> {
  const { out } = ctx;
  const view = await loadProfileView(ctx.env);
  requireProfile(view, request.profile);
  const clients = makeClients({ profile: request.profile, region: request.region, endpoint: ctx.endpoint }, ctx.env, ctx.calls);
  const sessionName = request.sessionName ?? defaultSessionName(request.profile);
  const creds = await explainingDenials(ctx, "assume", request.roleArn, () => assumeRole(
    clients.sts,
    {
      roleArn: request.roleArn,
      sessionName,
      durationSeconds: request.durationSeconds,
      profile: request.profile,
      roleIsNew: request.roleIsNew ?? false,
    },
    out,
  ));
  ctx.result["assumed"] = { arn: creds.assumedRoleArn, roleArn: request.roleArn, sessionName, expiration: creds.expiration.toISOString() };
  out.done(`Assumed ${creds.assumedRoleArn}`);
  out.line(`  expires ${creds.expiration.toISOString()} (${minutesFromNow(creds.expiration)} min from now)`);
  if (!request.writeProfile) {
    out.line(`  ${out.color.dim("Add --write-profile to save these credentials as a profile.")}`);
    return;
  }
  const result = await writeTemporaryProfile(
    { name: request.writeProfile, target: request.credentialsFile ? "credentials" : "config", credentials: creds, region: request.region, before: view },
    ctx.env,
  );
  ctx.result["profile"] = { name: request.writeProfile, path: result.path, changed: result.changed, warnings: result.warnings };
  out.done(`Wrote profile ${request.writeProfile} to ${result.path}${result.changed ? "" : " (unchanged)"}`);
  for (const warning of result.warnings) out.warn(warning);
  out.line(`  use it with --profile ${request.writeProfile}, e.g. xacct test-get KEY --profile ${request.writeProfile}`);
}

function defaultSessionName(profile: string): string {
  const cleaned = `xacct-${profile}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return cleaned;
}

function minutesFromNow(date: Date): number {
  return Math.max(0, Math.round((date.getTime() - Date.now()) / 60_000));
}
