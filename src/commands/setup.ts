/**
 * `xacct setup`: the wizard through the three stages. Questions come from the wizard (or
 * flags), facts from AWS, documents from the policy builder, the diff from what exists, and
 * the writes from the stages. `--plan` stops after showing the diff.
 */
import type { AwsClients } from "../aws/clients.js";
import type { ProfileView } from "../awsconfig/sdk-view.js";
import { loadProfileView } from "../awsconfig/sdk-view.js";
import { checkProfileFilesWritable, isXacctProfileIn, refuseForeignProfile } from "../awsconfig/temporary-profile.js";
import { invalidInput, XacctError } from "../errors.js";
import { buildSetupPlan, DEFAULTS, setupId, type DiscoveredAccounts, type SetupAnswers, type SetupPlan } from "../plan.js";
import { cacheDirectory, removeCachedSessions } from "../credentials-cache.js";
import { computeSetupChanges, pendingChanges, refuseOtherOwners, type Change } from "../stages/changes.js";
import { readProductionState, readStagingState, type ProductionState, type StagingState } from "../stages/current.js";
import { setupSteps } from "../stages/setup-steps.js";
import { planKms, refuseUnusableKeys, type KmsPlanInput } from "../resources/key-policy.js";
import { bucketPolicyLockDirectory } from "../resources/bucket-policy-write.js";
import { homedir } from "node:os";
import { runSteps, type StepRecord } from "../stages/steps.js";
import { loadSetups, setupIdOf, type SetupState } from "../state.js";
import { changedSomething, rememberSetup, restoreRemembered, type LastVerify } from "../setups/remember.js";
import { setupToContinue } from "../setups/resolve.js";
import { defaultTempProfile, refuseDroppedStaging, refuseMovedSetup, refuseTakenProfile } from "../setups/taken.js";
import { displayShellWord } from "../shell-words.js";
import { showAccounts, showSetupChanges } from "../ui/plan-view.js";
import { askBucket } from "../wizard/setup-questions.js";
import { equivalentCommand, hasAnswers, type AnswerRecord } from "../wizard/equivalent-command.js";
import { defaultProfileStyle, type ProfileStyle } from "../awsconfig/profile-style.js";
import { gatherAnswers, trustFlags, type RememberedSetups } from "./setup-answers.js";
import { mfaFlagsGiven, setupProfiles, testAccess } from "./setup-test.js";
import { checkProfileStyle } from "../validate/index.js";
import { checkSetupFlags, refuseAwsOwnedStagingRole, refusePermissionSetTrustWith, refuseStagingRoleWithMfa } from "./setup-flags.js";
import { grantMoreStaging, listOf } from "../setups/accounts.js";
import { checkDocumentSizes } from "../stages/document-sizes.js";
import { refuseInexactRewrite } from "../policy/index.js";
import { permissionSetsOf } from "../resources/staging-principal.js";
import { preflightDocuments, preflightHops, refusePlan, stagingSideName } from "../verify/preflight.js";
import { preflightWords } from "../verify/preflight-causes.js";
import { keysFileFor } from "../workflows/assume-and-write.js";
import type { CommandContext } from "./context.js";
import type { SetupOptions, SetupSession } from "./setup-options.js";

/** Exit codes of `setup --plan --detailed-exitcode`. */
export const PLAN_EXIT = { noChanges: 0, changesPending: 2 } as const;

export async function setupCommand(options: SetupOptions, ctx: CommandContext): Promise<number> {
  refuseMissingFlags(options, ctx.interactive);
  checkSetupFlags(options);
  // Read (and checked) before any AWS call: its values reach the trust policy.
  const remembered = await loadSetups(ctx.statePath);
  const record = startRecord(options, options.tempProfile ?? DEFAULTS.profileName, ctx.endpoint);
  try {
    const continued = await setupToContinue(ctx, options, remembered);
    // Never another remembered setup's profile by default (setups/taken.ts).
    if (options.tempProfile === undefined) {
      // Nor a profile that exists and is not xacct's: the user's own keys or settings would be refused after every question.
      const view = await loadProfileView(ctx.env);
      const foreign = (name: string) => view.settings(name) !== undefined && !isXacctProfileIn(view, name);
      record.tempProfile = defaultTempProfile(remembered, continued, ctx.interactive && !options.yes, foreign);
    }
    const code = await runSetup(options, ctx, { remembered, continued }, record);
    showEquivalentCommand(ctx, record, "done", options);
    return code;
  } catch (error) {
    showEquivalentCommand(ctx, record, "failed", options);
    throw error;
  }
}

async function runSetup(options: SetupOptions, ctx: CommandContext, setups: RememberedSetups, record: AnswerRecord): Promise<number> {
  const tempProfile = record.tempProfile ?? DEFAULTS.profileName;
  const checkTempProfile = async (view: ProfileView, profiles: string[]) => {
    refuseForeignProfile(view, tempProfile, profiles, knownStyle(options.profileStyle, view, tempProfile));
    await checkProfileFilesWritable(
      view,
      tempProfile,
      keysFileOfSetup(options, ctx, options.requireMfa === true || setups.continued?.requireMfa === true, view, tempProfile),
      ctx.env,
    );
  };
  const session = { ...(await gatherAnswers(options, ctx, setups, record, checkTempProfile)), options, ctx, tempProfile, record };
  refuseModeSwitch(session);
  refuseMovedSetup(session.previous, {
    id: setupId(session.answers),
    productionAccountId: session.accounts.production.accountId,
    stagingAccountId: session.accounts.staging.accountId,
    stagingUser: session.answers.stagingUser,
    stagingRole: session.answers.stagingRole,
    ssoPermissionSets: session.answers.trust.ssoPermissionSets,
  });
  // The flags were checked alone; what a rerun keeps from the earlier run joins them here.
  refusePermissionSetTrustWith(session.answers.trust);
  refuseStagingRoleWithMfa({ stagingRole: session.answers.stagingRole, requireMfa: session.answers.trust.requireMfa });
  refuseDroppedStaging(session.previous, { id: setupId(session.answers), moreStaging: session.accounts.moreStaging ?? [] });
  if (session.answers.mode === "role") refuseTakenProfile(setups.remembered, setupId(session.answers), tempProfile, "--temp-profile");
  warnProfileLeftBehind(ctx, session.previous, session.answers, tempProfile);
  // Before any write: the temporary profile must not replace the admin profiles setup uses.
  if (session.answers.mode === "role")
    refuseForeignProfile(session.view, tempProfile, setupProfiles(session), knownStyle(options.profileStyle, session.view, tempProfile));
  if (session.answers.mode === "role")
    await checkProfileFilesWritable(
      session.view,
      tempProfile,
      keysFileOfSetup(options, ctx, session.answers.trust.requireMfa ?? false, session.view, tempProfile),
      ctx.env,
    );
  let diff = await diffAgainstAccounts(session, session.answers);
  showAccounts(ctx.out, diff.plan);

  if (options.plan) {
    showSetupChanges(ctx.out, diff.plan, diff.changes);
    // Judged with nothing pending too: what exists may already grant more than the plan.
    await runPreflight(session, diff, { refuse: false, unchanged: pendingChanges(diff.changes).length === 0 });
    return reportPlanOnly(ctx, diff.changes, options);
  }
  if (diff.changes.some((c) => c.id === "user" && c.kind === "create") && ctx.interactive && !options.yes) await confirmUserCreation(ctx, diff.plan);
  for (;;) {
    try {
      const done = await applyDiff(session, diff);
      if (!done) return 0;
      await grantMoreStaging(ctx, diff.plan);
      return await testAccess(session, diff.plan, done);
    } catch (error) {
      // A taken bucket name fails the very first step, before anything changed: ask again.
      if (!(error instanceof XacctError) || error.awsCode !== "BucketAlreadyExists" || !ctx.interactive) throw error;
      ctx.out.warn(`The name ${diff.plan.answers.bucket} belongs to another AWS account. Please choose another.`);
      const bucket = await askBucket(ctx.prompter, undefined, "Another bucket name:");
      record.bucket = bucket;
      diff = await diffAgainstAccounts(session, { ...diff.plan.answers, bucket });
    }
  }
}

/** A rerun that writes another temporary profile leaves the old one, which xacct then no longer tracks: say so. */
function warnProfileLeftBehind(ctx: CommandContext, previous: SetupState | undefined, answers: SetupAnswers, tempProfile: string): void {
  if (!previous || setupId(previous) !== setupId(answers) || previous.mode === "resource-policy" || answers.mode !== "role") return;
  if (previous.tempProfile === tempProfile) return;
  ctx.out.warn(
    `This setup wrote its temporary credentials to profile ${previous.tempProfile} before; this run writes ${tempProfile}, and neither it nor teardown will touch ${previous.tempProfile} again. Delete that profile's sections from your AWS config and credentials files if you no longer need them.`,
  );
}

/** The other mode's grants (a role, or direct bucket grants) would stay behind: tear down first. */
function refuseModeSwitch(session: { answers: SetupAnswers; previous: SetupState | undefined }): void {
  const { answers, previous } = session;
  const same = previous?.bucket === answers.bucket && previous.roleName === answers.roleName;
  if (same && previous.mode && previous.mode !== answers.mode) {
    throw invalidInput(
      `Setup ${setupId(answers)} was made in ${previous.mode} mode; switching to ${answers.mode} would leave the old mode's grants in place.`,
      `Run \`xacct teardown --setup ${displayShellWord(setupId(answers))} --yes\` first, then setup again with --mode ${answers.mode}.`,
    );
  }
}

/**
 * The file stage 3 will write session keys to, when flags already say so: unattended runs write
 * static keys to the config file unless the role needs MFA (then nothing is written).
 */
function keysFileOfSetup(
  options: SetupOptions,
  ctx: CommandContext,
  requireMfa: boolean,
  view: ProfileView,
  tempProfile: string,
): ReturnType<typeof keysFileFor> {
  if (requireMfa && !ctx.interactive && !mfaFlagsGiven(options)) return "none";
  const style =
    options.profileStyle !== undefined
      ? checkProfileStyle(options.profileStyle)
      : ctx.interactive && !options.yes
        ? undefined
        : defaultProfileStyle(view.settings(tempProfile));
  return style === undefined ? "none" : keysFileFor(style, false);
}

/** The plan against what exists: the current state of both accounts and the changes. */
interface SetupDiff {
  plan: SetupPlan;
  prodState: ProductionState;
  stagingState: StagingState;
  changes: Change[];
}

/** Whether an earlier run recorded that it created this bucket. */
function createdBefore(session: SetupSession, bucket: string): boolean {
  return session.previous?.bucket === bucket && session.previous.createdBucket === true;
}

async function diffAgainstAccounts(session: SetupSession, answers: SetupAnswers): Promise<SetupDiff> {
  const named = buildSetupPlan(answers, session.accounts);
  const [stagingState, prodState] = await session.ctx.out.progress("Reading what exists in both accounts", () =>
    Promise.all([
      readStagingState(session.staging, {
        userName: answers.stagingUser,
        roleName: answers.stagingRole,
        inlinePolicyName: named.inlinePolicyName,
        profile: answers.stagingProfile,
      }),
      readProduction(session.prod, named, session.options.testKey, rememberedKeys(session, answers)),
    ]),
  );
  refuseMissingStagingRole(answers, stagingState, session.accounts.staging.accountId);
  // A reused role's ARN may carry a path the name does not show: grant and remember that ARN.
  const roleArn = prodState.role?.arn || undefined;
  const base = roleArn ? buildSetupPlan(answers, session.accounts, roleArn) : named;
  // An SSE-KMS bucket: the reader also needs its key (refused here, before any write, when it cannot be shared).
  refuseUnusableKeys(prodState.bucketKeys);
  const kms = planKms(kmsPlanInput(base, session.options.testKey), prodState.bucketKeys);
  const plan = kms ? buildSetupPlan(answers, session.accounts, roleArn, kms) : base;
  refuseOtherOwners(plan, prodState, stagingState, (await loadSetups(session.ctx.statePath)).map(setupIdOf));
  const changes = computeSetupChanges(plan, prodState, stagingState, createdBefore(session, answers.bucket));
  for (const change of changes) if (change.kind === "update") refuseInexactRewrite(change.before, change.resource);
  checkDocumentSizes(plan, changes);
  describeSetup(session.ctx, plan, changes);
  return { plan, prodState, stagingState, changes };
}

/** Shows the plan, checks and confirms it, and writes the changes; undefined when the user declined. */
async function applyDiff(session: SetupSession, diff: SetupDiff): Promise<StepRecord[] | undefined> {
  const { ctx, options, tempProfile } = session;
  const { plan, changes } = diff;
  showSetupChanges(ctx.out, plan, changes);
  const unchanged = pendingChanges(changes).length === 0;
  // A rerun is judged too: another grant may have been added since (reads only, no writes).
  if (options.preflight !== false) await runPreflight(session, diff, { refuse: true, unchanged });
  else ctx.out.skipped("Pre-flight skipped (--no-preflight): the documents were not judged.");
  if (unchanged) {
    ctx.out.line();
    ctx.out.done("No changes: both accounts already match the plan.");
    await rememberSetup(
      ctx.statePath,
      plan,
      tempProfile,
      createdBefore(session, plan.answers.bucket),
      rememberedKeys(session, plan.answers),
      verifiedBefore(session, plan.answers),
    );
    return [];
  }
  if (!(await confirmPlan(ctx, options))) {
    ctx.out.line("Nothing was changed.");
    return undefined;
  }
  ctx.out.heading("Applying");
  // Recorded before any write, so a setup that stops part-way can be finished or torn down;
  // and again the moment the bucket exists, so teardown knows it is xacct's.
  const earlierKeys = rememberedKeys(session, plan.answers);
  await rememberSetup(ctx.statePath, plan, tempProfile, createdBefore(session, plan.answers.bucket), earlierKeys, verifiedBefore(session, plan.answers));
  let bucketMade = false;
  const bucketCreated = () => {
    bucketMade = true;
    return rememberSetup(ctx.statePath, plan, tempProfile, true, earlierKeys, verifiedBefore(session, plan.answers));
  };
  const applied: StepRecord[] = [];
  ctx.result["applied"] = applied;
  const lockDirectory = bucketPolicyLockDirectory(ctx.env, ctx.env["HOME"] || homedir());
  const steps = setupSteps({ production: session.prod, staging: session.staging }, plan, changes, diff.prodState, bucketCreated, lockDirectory);
  await forgetSessionsOfOldTrust(ctx, plan, changes);
  // Shared documents are read again before they are written: the plan may have been on screen a while.
  ctx.calls.checkpoint();
  const beforeWrites = ctx.calls.mark;
  try {
    return await runSteps(steps, ctx.out, applied, undefined, `xacct teardown --setup ${displayShellWord(setupId(plan.answers))} --yes`);
  } catch (error) {
    // Refused before anything could have changed (every write AWS refused, none in flight or
    // lost): what xacct remembered stays as it was, and a setup that never came to be is not added.
    const untouched = !bucketMade && !applied.some(changedSomething) && !ctx.calls.mayHaveWrittenSince(beforeWrites);
    if (untouched) await restoreRemembered(ctx.statePath, session.previous, plan.answers);
    throw error;
  }
}

/**
 * A trust about to change (MFA now required, an external ID, other principals): the role's
 * cached sessions were assumed under the old one, and neither `xacct credentials` nor exec or
 * env may serve them after it. Deleted before the write, so there is no moment they could.
 */
async function forgetSessionsOfOldTrust(ctx: CommandContext, plan: SetupPlan, changes: Change[]): Promise<void> {
  if (!changes.some((change) => change.id === "role" && change.kind === "update")) return;
  const removed = await removeCachedSessions(cacheDirectory(ctx.env), plan.roleArn);
  if (removed > 0) ctx.out.done(`Deleted ${removed} cached session${removed === 1 ? "" : "s"} of ${plan.roleArn}: they were assumed under its old trust`);
}

/**
 * Judges the plan with the evaluator before anything is written; refuses it or, for --plan,
 * reports. `unchanged`: nothing is pending, so the documents judged are the ones in place.
 */
async function runPreflight(session: SetupSession, diff: SetupDiff, how: { refuse: boolean; unchanged: boolean }): Promise<void> {
  const { ctx } = session;
  const { plan } = diff;
  const docs = await preflightDocuments(
    session.prod,
    session.staging,
    plan,
    diff.changes,
    diff.prodState,
    !!(diff.stagingState.user ?? diff.stagingState.role),
    diff.stagingState.user?.boundaryArn ?? diff.stagingState.role?.boundaryArn,
    diff.stagingState.user?.arn ?? diff.stagingState.role?.arn,
  );
  const hops = preflightHops(docs, plan, session.options.testKey);
  // Another team's direct bucket grant (to Staging around the role, or to an account it names)
  // is reported, not refused: it is theirs to change, and this plan neither adds nor needs it.
  // So are Production's own principals that a reused role already trusts: their account owns the bucket.
  // Services acting only for Production's own resources (ec2, lambda…) are warned about likewise.
  const advisory = new Set([
    "staging-cannot-read-directly",
    "no-third-account-reads",
    "production-others-cannot-assume",
    "production-services-cannot-assume",
    "production-services-cannot-reach-bucket",
  ]);
  // A permission set's policy lives in Identity Center: not checked (said), neither passed nor refused.
  const notChecked = hops.filter((h) => h.ok === null && h.id === "user-may-assume" && permissionSetsOf(plan.answers).length > 0);
  for (const hop of notChecked) ctx.out.skipped(`Pre-flight: ${hop.title}: ${hop.detail}`);
  const failed = hops.filter((h) => !h.ok && !advisory.has(h.id) && !notChecked.includes(h));
  const warned = hops.filter((h) => !h.ok && advisory.has(h.id));
  const userArn = diff.stagingState.user?.arn ?? diff.stagingState.role?.arn;
  for (const hop of warned) ctx.out.warn(`Pre-flight: ${hop.title} does not hold: ${preflightWords(hop, plan, userArn).detail}`);
  ctx.result["preflight"] = hops;
  if (failed.length === 0) {
    ctx.out.line();
    const through = plan.answers.mode === "role" ? `through ${plan.answers.roleName}` : "through the bucket policy";
    const widened = hops.flatMap((h) => (h.widens ? [h.widens] : []));
    const more =
      widened.length > 0
        ? `and beyond that, as --org-id chose: ${widened.join("; ")}${warned.length === 0 ? "" : " (other grants are warned about above)"}`
        : warned.length === 0
          ? "and nothing more"
          : "and nothing more through what this setup adds (other grants are warned about above)";
    const documents = how.unchanged ? "the documents" : "the planned documents";
    const once = notChecked.length > 0 ? " (once it carries the policy shown in stage 2)" : "";
    ctx.out.done(`Pre-flight: ${documents} grant ${stagingSideName(plan.answers)} read access ${through}${once}, ${more} (${hops.length} checks).`);
    return;
  }
  if (how.refuse) throw refusePlan(failed, { plan, userArn, unchanged: how.unchanged });
  for (const hop of failed) {
    const words = preflightWords(hop, plan, userArn);
    ctx.out.warn(`Pre-flight: ${hop.title} would fail: ${words.detail}${words.fix ? ` Fix: ${words.fix}` : ""}`);
  }
}

/** Without a terminal nothing can be asked: name every missing flag at once. */
function refuseMissingFlags(options: SetupOptions, interactive: boolean): void {
  if (interactive) return;
  const missing = [
    options.productionProfile === undefined && "--production-profile",
    options.stagingProfile === undefined && "--staging-profile",
    options.bucket === undefined && "--bucket",
    !options.yes && !options.plan && "--yes",
  ].filter((flag): flag is string => typeof flag === "string");
  if (missing.length > 0) {
    throw invalidInput(
      `setup has no terminal to ask questions, so it needs ${missing.join(", ")}.`,
      "Give every answer as a flag (see `xacct setup --help`), or run it in a terminal for the wizard.",
    );
  }
}

function kmsPlanInput(plan: SetupPlan, objectKey: string | undefined): KmsPlanInput {
  const { production, staging, moreStaging } = plan.accounts;
  const stagingAccountIds = [staging.accountId, ...(moreStaging ?? []).map((a) => a.accountId)];
  return { answers: plan.answers, partition: plan.partition, productionAccountId: production.accountId, stagingAccountIds, roleArn: plan.roleArn, objectKey };
}

/** Keys an earlier run of this same setup put its statement in: a rerun takes it out of those it no longer needs. */
/** When verify last judged this same setup: a rerun keeps that fact for `xacct list`. */
function verifiedBefore(session: SetupSession, answers: SetupAnswers): LastVerify {
  const previous = session.previous;
  return previous && setupId(previous) === setupId(answers) ? { lastVerifiedAt: previous.lastVerifiedAt, lastVerifyOutcome: previous.lastVerifyOutcome } : {};
}

function rememberedKeys(session: SetupSession, answers: SetupAnswers): string[] {
  const previous = session.previous;
  return previous?.bucket === answers.bucket && previous.roleName === answers.roleName ? (previous.kmsKeyArns ?? []) : [];
}

function readProduction(prod: AwsClients, plan: SetupPlan, objectKey: string | undefined, rememberedKeyArns: string[]): Promise<ProductionState> {
  return readProductionState(prod, {
    accountId: plan.accounts.production.accountId,
    rememberedKeyArns,
    bucket: plan.answers.bucket,
    bucketExists: plan.accounts.production.ownedBuckets.has(plan.answers.bucket),
    withBucketSettings: true,
    withBucketKeys: true,
    objectKey,
    withRole: plan.answers.mode === "role",
    policyArn: plan.policyArn,
    roleName: plan.answers.roleName,
    profile: plan.answers.productionProfile,
  });
}

/** The --json view of the plan: accounts, names, and every change with its documents. */
function describeSetup(ctx: CommandContext, plan: SetupPlan, changes: Change[]): void {
  const { production, staging } = plan.accounts;
  Object.assign(ctx.result, {
    accounts: {
      production: { accountId: production.accountId, arn: production.arn, canonicalUserId: production.canonicalUserId ?? null },
      staging: { accountId: staging.accountId, arn: staging.arn },
    },
    region: plan.answers.region,
    bucket: plan.answers.bucket,
    roleArn: plan.roleArn,
    policyArn: plan.policyArn,
    stagingUser: plan.answers.stagingUser,
    changes,
    pending: pendingChanges(changes).length,
  });
}

function reportPlanOnly(ctx: CommandContext, changes: Change[], options: SetupOptions): number {
  const pending = pendingChanges(changes).length;
  ctx.out.line();
  if (pending === 0) ctx.out.done("No changes: both accounts already match the plan.");
  else ctx.out.line(`${pending} change${pending === 1 ? "" : "s"} pending. Run without --plan to apply.`);
  return options.detailedExitcode && pending > 0 ? PLAN_EXIT.changesPending : PLAN_EXIT.noChanges;
}

/** A Staging role is someone else's (a team's, a CI system's): xacct never creates it. */
function refuseMissingStagingRole(answers: SetupAnswers, staging: StagingState, stagingAccountId: string): void {
  if (answers.stagingRole === undefined) return;
  if (staging.role) {
    // IAM's ARN shows the path (role/aws-reserved/…/Name) that marks a role only AWS may change.
    const path = `/${(staging.role.arn ?? "").split(":role/")[1]?.split("/").slice(0, -1).join("/") ?? ""}/`.replace("//", "/");
    refuseAwsOwnedStagingRole(answers.stagingRole, path);
    return;
  }
  throw invalidInput(
    `Role ${answers.stagingRole} does not exist in Staging account ${stagingAccountId}, and xacct does not create it: it is not xacct's.`,
    "Create the role yourself (or name one that exists with --staging-role), then run setup again.",
  );
}

async function confirmUserCreation(ctx: CommandContext, plan: SetupPlan): Promise<void> {
  const create = await ctx.prompter.confirm({
    message: `User ${plan.answers.stagingUser} does not exist in Staging account ${plan.accounts.staging.accountId}. Create it?`,
    flag: "--yes",
  });
  if (!create) {
    throw new XacctError("Setup stopped: the Staging user does not exist and was not created.", {
      hint: "Name an existing user with --staging-user.",
    });
  }
}

async function confirmPlan(ctx: CommandContext, options: SetupOptions): Promise<boolean> {
  if (options.yes) return true;
  ctx.out.line();
  return ctx.prompter.confirm({ message: "Apply this plan?", flag: "--yes", default: false });
}

/** The profile style given as a flag, else the shared default until asked; stage 3 checks the answer again. */
function knownStyle(flag: string | undefined, view: ProfileView, tempProfile: string): ProfileStyle {
  return flag === "static" || flag === "role" || flag === "process" ? flag : defaultProfileStyle(view.settings(tempProfile));
}

/**
 * Every flag as given, before the first question: a run stopped at any question still prints
 * them all (the questions' answers replace them as they come).
 */
function startRecord(options: SetupOptions, tempProfile: string, endpoint: string | undefined): AnswerRecord {
  const staging = listOf(options.stagingProfile);
  const trust = trustFlags(options);
  return {
    productionProfile: options.productionProfile,
    stagingProfiles: staging.length > 0 ? staging : undefined,
    region: options.region,
    mode: options.mode === "role" || options.mode === "resource-policy" ? options.mode : undefined,
    bucket: options.bucket,
    roleName: options.roleName,
    policyName: options.policyName,
    stagingUser: options.stagingUser,
    stagingRole: options.stagingRole,
    trustFlags: Object.values(trust).some((v) => v !== undefined) ? trust : undefined,
    endpoint,
    tempProfile,
    profileStyle: options.profileStyle,
    mfaSerial: options.mfaSerial,
    testKey: options.testKey,
    stagingAccounts: listOf(options.stagingAccount),
    stagingAccountsFromOrg: options.stagingAccountsFromOrg,
    ou: options.ou,
    hardenBucket: options.hardenBucket,
    plainTrust: options.plainTrust,
    noPreflight: options.preflight === false,
  };
}

/**
 * The wizard's answers as one command with every answer a flag (never the MFA code): at the end,
 * and on a failure. One line, never wrapped, so it pastes as it is. After --plan it shows the plan too.
 */
function showEquivalentCommand(ctx: CommandContext, record: AnswerRecord, how: "done" | "failed", options: SetupOptions): void {
  if (!ctx.interactive || !hasAnswers(record)) return;
  const line = equivalentCommand(record, options.plan ? { detailedExitcode: options.detailedExitcode === true } : undefined);
  ctx.result["command"] = line;
  if (how === "done") {
    ctx.out.line();
    ctx.out.commandLine(`${options.plan ? "The same plan without questions" : "The same setup without questions"}: ${line}`);
  } else {
    ctx.out.commandLine(`Your answers, to run again without questions: ${line}`, true);
  }
}
