/**
 * Setup's stage 3: assume the role (with MFA when the trust requires it: the device and code
 * asked for, or --mfa-serial and --token-code), write the temporary profile in the chosen style,
 * and read from the bucket: a key the user names, or in a bucket the run created (empty) a probe
 * object. In resource-policy mode the Staging profile reads directly.
 */
import { permissionSetsOf } from "../resources/staging-principal.js";
import { isPermissionSetSession, isSessionOfRole } from "../setups/staging-caller.js";
import { showPermissionSets } from "../ui/plan-view.js";
import { lstat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { clientsFor } from "../aws/clients.js";
import { withAwsContext } from "../aws/errors.js";
import { listMfaDevices, userNameOf } from "../aws/mfa.js";
import { s3ClientFor } from "../aws/s3.js";
import { defaultProfileStyle } from "../awsconfig/profile-style.js";
import type { DiscoveredAccounts, SetupAnswers, SetupPlan } from "../plan.js";
import { setupId } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import { probeAccess } from "../stages/probe-object.js";
import type { StepRecord } from "../stages/steps.js";
import { loadSetups } from "../state.js";
import { checkMfaSerial, checkObjectKey, checkTokenCode } from "../validate/index.js";
import { explainingDenials } from "../verify/explain-denial.js";
import { askMfaDevice, askProfileStyle } from "../wizard/setup-questions.js";
import { assumeAndWrite } from "../workflows/assume-and-write.js";
import { testGet } from "../workflows/test-get.js";
import type { CommandContext } from "./context.js";
import type { SetupOptions, SetupSession } from "./setup-options.js";

/** Stage 3: assume the role and save the profile (or, in resource-policy mode, read directly). */
export async function testAccess(session: SetupSession, plan: SetupPlan, done: StepRecord[]): Promise<number> {
  const { ctx, options, tempProfile } = session;
  const { out } = ctx;
  out.heading("Testing");
  if (plan.answers.mode === "resource-policy") return testDirectly(session, plan, done);
  const caller = plan.accounts.staging.arn;
  if (!sourceIsPermissionSet(plan)) {
    const sets = permissionSetsOf(plan.answers);
    out.skipped(
      `Not tested: the trust admits only permission set ${sets.join(", ")}, and profile ${plan.answers.stagingProfile} is ${caller}, not a session of it. Once the permission set carries the policy above: xacct assume --setup ${displayShellWord(setupId(plan.answers))} --profile YOUR-SSO-PROFILE`,
    );
    showPermissionSets(out, plan);
    out.line();
    out.done(
      `Setup complete on the Production side. Staging reads s3://${plan.answers.bucket}/* through ${plan.roleArn} once ${sets.length === 1 ? "the permission set carries" : "the permission sets carry"} that policy.`,
    );
    return 0;
  }
  const stagingRole = plan.answers.stagingRole;
  if (stagingRole !== undefined && !isSessionOfRole(caller, plan.accounts.staging.accountId, stagingRole)) {
    // Assuming as the Staging admin would test the admin's way in, not the role's.
    out.skipped(
      `Not tested as role ${stagingRole}: profile ${plan.answers.stagingProfile} is ${caller}, not a session of that role. Test with a profile of the role: xacct assume --setup ${displayShellWord(setupId(plan.answers))} --profile PROFILE-OF-${stagingRole}`,
    );
    out.line();
    out.done(`Setup complete, not tested as role ${stagingRole}: it may assume ${plan.roleArn} to read s3://${plan.answers.bucket}/*.`);
    return 0;
  }
  const requireMfa = plan.answers.trust.requireMfa ?? false;
  if (requireMfa && !ctx.interactive && !mfaFlagsGiven(options)) {
    // Unattended runs without --mfa-serial and --token-code have no MFA code to send; everything else is done.
    const serial = options.mfaSerial ?? session.view.settings(plan.answers.stagingProfile)?.["mfa_serial"] ?? "ARN";
    out.skipped(
      `The role requires MFA, so the test is left to you: xacct assume --setup ${displayShellWord(setupId(plan.answers))} --write-profile --mfa-serial ${displayShellWord(serial)} --token-code CODE`,
    );
    out.line();
    out.done(`Setup complete. Staging reads s3://${plan.answers.bucket}/* through ${plan.roleArn} (with MFA).`);
    return 0;
  }
  const { stagingProfile, region, bucket } = plan.answers;
  const current = defaultProfileStyle(session.view.settings(tempProfile));
  const profileStyle = await askProfileStyle(ctx.prompter, options.profileStyle, ctx.interactive && !options.yes, requireMfa, current);
  session.record.profileStyle = profileStyle;
  const mfaSerial = requireMfa ? await chooseMfaDevice(session, plan) : undefined;
  session.record.mfaSerial = mfaSerial;
  const roleSession = await assumeAndWrite(
    {
      profile: stagingProfile,
      roleArn: plan.roleArn,
      region,
      writeProfile: tempProfile,
      profileStyle,
      roleIsNew: done.some((step) => step.id === "role" && step.status === "created"),
      externalId: plan.answers.trust.externalId,
      mfaSerial,
      tokenCode: options.tokenCode !== undefined ? checkTokenCode(options.tokenCode) : undefined,
      remembered: (await loadSetups(ctx.statePath)).find((s) => setupId(s) === setupId(plan.answers)),
      protectedProfiles: setupProfiles(session),
    },
    session.staging.sts,
    ctx,
  );
  // The probe reads with the session just made: a role-style profile that needs MFA would ask for another code.
  const { accessKeyId, secretAccessKey, sessionToken } = roleSession;
  await testRead(session, plan, done, {
    profile: tempProfile,
    label: `role ${plan.answers.roleName}`,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    list: { readerMayList: false, profile: plan.answers.productionProfile },
  });
  out.line();
  out.done(`Setup complete. Staging reads s3://${bucket}/* through ${plan.roleArn}${requireMfa ? " (with MFA)" : ""}.`);
  return 0;
}

/** Resource-policy mode: no role, no temporary profile; the Staging profile reads directly. */
async function testDirectly(session: SetupSession, plan: SetupPlan, done: StepRecord[]): Promise<number> {
  const { ctx } = session;
  const { stagingProfile, bucket } = plan.answers;
  const tested = await testRead(session, plan, done, {
    profile: stagingProfile,
    label: stagingProfile,
    list: { readerMayList: true, profile: stagingProfile },
  });
  if (!tested) ctx.out.line(`  test it with: xacct test-get KEY --profile ${displayShellWord(stagingProfile)}`);
  ctx.out.line();
  ctx.out.done(`Setup complete. Profile ${stagingProfile} reads s3://${bucket}/* directly, through the bucket policy.`);
  return 0;
}

/**
 * Stage 3's read: --test-key, else in the wizard a key to download, or, for a bucket this run
 * created (empty, so there is no key to name), a probe object. False when nothing was read.
 */
async function testRead(session: SetupSession, plan: SetupPlan, done: StepRecord[], reader: StageThreeReader): Promise<boolean> {
  const readerProfile = reader.profile;
  const { ctx, options } = session;
  const { bucket, region } = plan.answers;
  const bucketIsNew = done.some((step) => step.id === "bucket" && step.status === "created");
  if (options.testKey === undefined && bucketIsNew) {
    if (!(await offerProbe(ctx, options, bucket))) return false;
    const s3 = reader.credentials ? clientsFor(ctx, { credentials: reader.credentials }, region).s3 : s3ClientFor(ctx, readerProfile, region);
    const read = (run: () => Promise<number>) =>
      explainingDenials(ctx, "read", bucket, () => withAwsContext({ action: `reading the probe object through ${reader.label}`, profile: readerProfile }, run));
    await probeAccess({ bucket, owner: session.prod.s3, ownerProfile: plan.answers.productionProfile, reader: s3, readerLabel: reader.label }, read, ctx.out);
    return true;
  }
  const key = options.testKey ?? (await offerTestKey(ctx, options));
  session.record.testKey = key;
  // The role's session just made reads it, as the probe does: a role profile that needs MFA would need another code.
  const s3 = reader.credentials ? clientsFor(ctx, { credentials: reader.credentials }, region).s3 : s3ClientFor(ctx, readerProfile, region);
  if (key) await testGet({ key, profile: readerProfile, bucket, region, list: reader.list, outfile: await freeDestination(ctx, key) }, s3, ctx);
  return key !== undefined;
}

/**
 * Where stage 3 saves the object: the key's base name in the working directory, or, when a file
 * of that name is there, the first free `NAME-N.EXT` (said so). The setup is applied by now: a
 * file in the way must neither be replaced nor fail the run.
 */
async function freeDestination(ctx: CommandContext, key: string): Promise<string> {
  const base = basename(key);
  const name = base === "" || base === "-" || base === "." || base === ".." ? "object" : base;
  const taken = (path: string) =>
    lstat(path).then(
      () => true,
      () => false,
    );
  if (!(await taken(name))) return name;
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n += 1) {
    const candidate = `${stem}-${n}${extension}`;
    if (!(await taken(candidate))) {
      ctx.out.line(`  ${name} exists already, so the test saves the object as ${candidate} (${name} is left as it is).`);
      return candidate;
    }
  }
}

/** Who stage 3 reads as: a profile (for a key's download), or the role's session itself (for the probe). */
interface StageThreeReader {
  profile: string;
  /** How the output names the reader. */
  label: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** For test-get's hint on a missing key: whether the reader may list the bucket, else who may. */
  list: { readerMayList: boolean; profile: string };
}

/** The device stage 3 assumes the role with: the flag, else asked (the Staging identity's devices, the profile's mfa_serial, or typed). */
async function chooseMfaDevice(session: SetupSession, plan: SetupPlan): Promise<string | undefined> {
  const { ctx, options } = session;
  const profileSerial = session.view.settings(plan.answers.stagingProfile)?.["mfa_serial"];
  if (options.mfaSerial !== undefined) return checkMfaSerial(options.mfaSerial);
  if (!ctx.interactive) return profileSerial;
  const userName = userNameOf(plan.accounts.staging.arn);
  // Listing is a help, not a must: a profile that may not list its devices can still type the ARN.
  const devices = userName ? await listMfaDevices(session.staging, userName, plan.answers.stagingProfile).catch(() => []) : [];
  return askMfaDevice(ctx.prompter, undefined, devices, profileSerial, (text) => ctx.out.skipped(text));
}

async function offerProbe(ctx: CommandContext, options: SetupOptions, bucket: string): Promise<boolean> {
  if (!ctx.interactive || options.yes) return false;
  return ctx.prompter.confirm({
    message: `Bucket ${bucket} is new and empty. Test access with a probe object (uploaded as the Production admin, downloaded, then deleted)?`,
    flag: "--test-key",
    default: true,
  });
}

async function offerTestKey(ctx: CommandContext, options: SetupOptions): Promise<string | undefined> {
  if (!ctx.interactive || options.yes) return undefined;
  const key = await ctx.prompter.input({
    message: "Key of an object to download as a test (leave empty to skip):",
    flag: "--test-key",
    default: "",
  });
  return key.trim() === "" ? undefined : checkObjectKey(key.trim());
}

/** Unattended runs can assume a role that requires MFA only with both. */
export function mfaFlagsGiven(options: SetupOptions): boolean {
  return options.mfaSerial !== undefined && options.tokenCode !== undefined;
}

/** The profiles setup itself uses: the temporary profile must never replace one of them. */
export function setupProfiles(session: { answers: SetupAnswers; accounts: DiscoveredAccounts }): string[] {
  const more = (session.accounts.moreStaging ?? []).flatMap((a) => (a.profile ? [a.profile] : []));
  return [session.answers.productionProfile, session.answers.stagingProfile, ...more];
}

/** No permission sets, or the Staging profile's caller is a session of one of their roles (not its sso_role_name: what the caller is decides). */
function sourceIsPermissionSet(plan: SetupPlan): boolean {
  const sets = permissionSetsOf(plan.answers);
  return sets.length === 0 || isPermissionSetSession(plan.accounts.staging.arn, plan.accounts.staging.accountId, sets);
}
