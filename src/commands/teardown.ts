/**
 * `xacct teardown`: shows what it will remove and, after confirmation (or --yes), removes
 * exactly what setup made. Works from the flags setup takes, or from what setup remembered.
 */
import { principalWords, stagingPrincipalOf } from "../resources/staging-principal.js";
import { clientsFor, type AwsClients } from "../aws/clients.js";
import { getCallerIdentity, getS3Owner } from "../aws/identity.js";
import { configFilePath, credentialsFilePath } from "../awsconfig/paths.js";
import { loadProfileView, requireProfile, type ProfileView } from "../awsconfig/sdk-view.js";
import { removeProfileFromFile } from "../awsconfig/store.js";
import { afterFirstFile, checkProfileFilesRemovable, whyProfileIsKept } from "../awsconfig/temporary-profile.js";
import { buildBucketStatements, inlinePolicyNameFor, setupId } from "../plan.js";
import { managedPolicyArn, partitionForRegion, roleArn, type Partition } from "../policy/arn.js";
import { buildTrustPolicy, type PolicyStatement } from "../policy/documents.js";
import { readProductionState, readStagingState, type ProductionState } from "../stages/current.js";
import { runSteps } from "../stages/steps.js";
import { computeRemovals, readDependents, stagingPolicyCandidates, type Removal, type TeardownTarget } from "../stages/teardown.js";
import { teardownSteps } from "../stages/teardown-steps.js";
import { bucketPolicyLockDirectory } from "../resources/bucket-policy-write.js";
import { homedir } from "node:os";
import { identifySetupProfiles } from "../setups/accounts.js";
import { resolveSetup } from "../setups/resolve.js";
import { forgetSetup, loadSetups, setupIdOf, type SetupState } from "../state.js";
import { displayShellWord } from "../shell-words.js";
import { showChange } from "../ui/plan-view.js";
import { resolveTarget, setupRequestOf, type Target, type TargetOptions } from "../setups/target.js";
import { ACCOUNT_CONCURRENCY, mapBounded, removeMoreStaging } from "../stages/more-staging.js";
import { XacctError } from "../errors.js";
import { cacheDirectory, cachedSessionFiles, removeCachedSessions } from "../credentials-cache.js";
import { mfaSessionFiles, removeMfaSessions } from "../mfa/session-cache.js";
import type { CommandContext } from "./context.js";
import { counted } from "../ui/words.js";

export interface TeardownOptions extends TargetOptions {
  deleteObjects?: boolean;
  yes?: boolean;
  plan?: boolean;
}

export async function teardownCommand(options: TeardownOptions, ctx: CommandContext): Promise<number> {
  const { out } = ctx;
  if (await nothingRemembered(options, ctx)) return 0;
  const survey = await surveySetup(options, ctx);
  const { answers, removals, profileExists, remembered } = survey;
  showRemovals(ctx, removals, survey.accounts.production, survey.accounts.staging, answers.tempProfile, profileExists, survey.profileFound);
  showCachedSessions(ctx, survey.cachedSessions);
  const pending = removals.filter((r) => r.kind === "delete" || r.kind === "update").length + (profileExists ? 1 : 0);
  Object.assign(ctx.result, {
    accounts: { production: { accountId: survey.accounts.production }, staging: { accountId: survey.accounts.staging } },
    bucket: answers.bucket,
    removals,
    profile: { name: answers.tempProfile, exists: survey.profileFound.present, removes: profileExists },
    pending,
    cachedSessions: { role: survey.cachedSessions.role, mfa: survey.cachedSessions.mfa },
  });
  if (options.plan) {
    out.line();
    out.line(pending === 0 ? "Nothing to remove." : `${pending} removal${pending === 1 ? "" : "s"} pending. Run without --plan to apply.`);
    return 0;
  }
  const bucketLeft = remembered && ownBucketLeft(removals);
  if (pending === 0) {
    await removeFromMoreStaging(ctx, answers, remembered?.moreStaging, survey.target, survey.others);
    await survey.forgetSetup();
    out.line();
    if (bucketLeft) out.line(`Nothing else to remove. ${finishHint(bucketLeft, remembered)}`);
    else out.done("Nothing to remove: xacct's resources are already gone.");
    return 0;
  }
  if (!options.yes && !(await ctx.prompter.confirm({ message: "Remove these?", flag: "--yes", default: false }))) {
    out.line("Nothing was removed.");
    return 0;
  }
  if (profileExists) await checkProfileFilesRemovable(answers.tempProfile, ctx.env);
  await removeEverything(ctx, survey);
  const kept = removals.filter((r) => r.kind === "keep");
  out.line();
  if (bucketLeft) {
    out.line(`Teardown done but for one thing. ${finishHint(bucketLeft, remembered)}`);
    return 0;
  }
  out.done(
    kept.length === 0
      ? "Teardown complete."
      : `Teardown complete; ${kept.length} ${kept.length === 1 ? "resource" : "resources"} left in place as listed above.`,
  );
  return 0;
}

/** What teardown found: the setup, both accounts' state, and what it will remove or keep. */
interface TeardownSurvey {
  answers: Target;
  target: TeardownTarget;
  accounts: { production: string; staging: string };
  prod: AwsClients;
  staging: AwsClients;
  prodState: ProductionState;
  removals: Removal[];
  /** The remembered setup, when it is this one: only then are its profile and state xacct's to remove. */
  remembered: SetupState | undefined;
  /** Every other remembered setup: what one of them uses stays. */
  others: readonly SetupState[];
  profileExists: boolean;
  profileFound: ProfileFound;
  cachedSessions: CachedSessions;
  forgetSetup: () => Promise<void>;
}

/** Live keys cached on this machine that go with the setup: counted for the plan, never shown. */
interface CachedSessions {
  roleArn: string;
  role: number;
  /** The remembered setup that uses the role too, when one does: its sessions stay. */
  roleKeptFor: string | undefined;
  profile: string;
  mfa: number;
  mfaKeptFor: string | undefined;
}

/** The temporary profile as found: there or not, and why teardown leaves it when it does. */
interface ProfileFound {
  present: boolean;
  whyKept?: string;
}

/**
 * No flags and no setup remembered: everything setup made here was torn down already (or setup
 * ran elsewhere). Said as such, with no AWS call, instead of asking for flags.
 */
async function nothingRemembered(options: TeardownOptions, ctx: CommandContext): Promise<boolean> {
  const described = [options.setup, options.bucket, options.productionProfile, options.stagingProfile].some((flag) => flag !== undefined);
  if (described || (await loadSetups(ctx.statePath)).length > 0) return false;
  Object.assign(ctx.result, { removals: [], pending: 0 });
  ctx.out.done("Nothing to remove: xacct remembers no setup here.");
  ctx.out.line(
    `  ${ctx.out.color.dim("To remove a setup made elsewhere, give teardown the flags setup took (--production-profile, --staging-profile, --bucket).")}`,
  );
  return true;
}

async function surveySetup(options: TeardownOptions, ctx: CommandContext): Promise<TeardownSurvey> {
  // --yes never goes with a setup picked from a list: Enter on the highlighted one would remove it unasked.
  const noPicking = options.yes && !options.plan ? "--yes" : undefined;
  const found = await resolveSetup(ctx, { ...setupRequestOf("teardown", options), noPicking });
  const answers = resolveTarget("teardown", options, found, !ctx.interactive && !options.yes && !options.plan);
  const others = (await loadSetups(ctx.statePath)).filter((setup) => setupIdOf(setup) !== setupIdOf(answers));
  const view = await loadProfileView(ctx.env);
  requireProfile(view, answers.productionProfile);
  requireProfile(view, answers.stagingProfile);
  const prod = clientsFor(ctx, { profile: answers.productionProfile }, answers.region);
  const staging = clientsFor(ctx, { profile: answers.stagingProfile }, answers.region);
  // What xacct remembers of this very setup: only then are its profile and entry xacct's to remove.
  const remembered = found && setupIdOf(found) === setupIdOf(answers) ? found : undefined;
  // A remembered setup is torn down in its own accounts only: elsewhere its resources would read as "already gone".
  const [{ production: prodIdentity, staging: stagingIdentity }, owner] = await ctx.out.progress(
    `Finding the accounts of profiles ${answers.productionProfile} and ${answers.stagingProfile}`,
    () => Promise.all([identifySetupProfiles({ production: prod, staging }, answers, remembered), getS3Owner(prod, answers.productionProfile)]),
  );
  const partition = partitionForRegion(answers.region);
  const target: TeardownTarget = {
    mode: answers.mode,
    partition,
    bucket: answers.bucket,
    roleName: answers.roleName,
    roleArn: roleArn(partition, prodIdentity.accountId, answers.roleName),
    policyName: answers.policyName,
    policyArn: managedPolicyArn(partition, prodIdentity.accountId, answers.policyName),
    bucketStatements: buildBucketStatements(
      { ...answers, trust: { principals: remembered?.trustPrincipals } },
      { partition, stagingAccountId: stagingIdentity.accountId, moreStagingAccountIds: remembered?.moreStaging?.map((a) => a.accountId) },
    ),
    stagingUser: answers.stagingUser,
    stagingRole: answers.stagingRole,
    ssoPermissionSets: remembered?.trustSsoPermissionSets,
    inlinePolicyName: inlinePolicyNameFor(answers),
    trustStatement: rememberedTrustStatement(remembered, partition),
    deleteObjects: options.deleteObjects ?? false,
    bucketCreatedByXacct: remembered?.createdBucket === true,
  };
  target.sharedWith = sharedWithOthers(others, target, answers.mode, stagingIdentity.accountId);
  const reading = "Reading what exists in both accounts";
  const [prodState, stagingState] = await ctx.out.progress(reading, () =>
    Promise.all([
      readProductionState(prod, {
        bucket: target.bucket,
        bucketExists: owner.ownedBuckets.has(target.bucket),
        withRole: target.mode === "role",
        withBucketKeys: true,
        rememberedKeyArns: remembered?.kmsKeyArns,
        accountId: prodIdentity.accountId,
        policyArn: target.policyArn,
        roleName: target.roleName,
        profile: answers.productionProfile,
      }),
      readStagingState(staging, {
        userName: target.stagingUser,
        roleName: target.stagingRole,
        inlinePolicyName: target.inlinePolicyName,
        profile: answers.stagingProfile,
      }),
    ]),
  );
  // The role's ARN as IAM reports it (with its path), else as setup remembered it: the Staging policy names that.
  target.roleArn = prodState.role?.arn || remembered?.roleArn || target.roleArn;
  const deps = await ctx.out.progress(reading, () => readDependents(prod, staging, target, prodState, stagingState));
  const removals = computeRemovals(target, prodState, stagingState, deps);
  const cachedSessions = await countCachedSessions(ctx, remembered?.roleArn ?? target.roleArn, answers.stagingProfile, others);
  return {
    answers,
    target,
    accounts: { production: prodIdentity.accountId, staging: stagingIdentity.accountId },
    prod,
    staging,
    prodState,
    removals,
    remembered,
    others,
    cachedSessions,
    // Only a profile xacct wrote for this setup is removed: a user's own profile of that name stays,
    // and so does one another remembered setup writes.
    ...profileToRemove(view, answers.tempProfile, profileOwner(remembered, others, answers.tempProfile), answers.mode),
    forgetSetup: async () => {
      const sessionsOf = remembered?.roleArn ?? target.roleArn;
      const sharing = others.find((other) => other.mode !== "resource-policy" && other.roleArn === sessionsOf);
      // Cached sessions of a role another remembered setup uses are that setup's too.
      if (sharing) ctx.out.line(`  ${ctx.out.color.dim(`Cached sessions of ${sessionsOf} kept: setup ${setupIdOf(sharing)} uses the role too.`)}`);
      else await forgetCachedSessions(ctx, sessionsOf);
      await forgetMfaSessions(ctx, answers.stagingProfile, others);
      // This setup's own bucket left for its objects: remembered, so --setup can finish it.
      if (remembered && !ownBucketLeft(removals)) await forgetSetup(setupIdOf(remembered), ctx.statePath);
    },
  };
}

/** The bucket this setup made, kept because it holds objects (never another's, never a user's). */
function ownBucketLeft(removals: readonly Removal[]): Removal | undefined {
  return removals.find((r) => r.ownLeft);
}

/** What finishes a teardown that left this setup's bucket for its objects. */
function finishHint(bucketLeft: Removal, remembered: SetupState): string {
  return `${bucketLeft.resource.replace(/^bucket/, "Bucket")} remains: ${bucketLeft.note}. xacct remembers the setup until it is gone; to delete it with its objects, run: xacct teardown --setup ${displayShellWord(setupIdOf(remembered))} --delete-objects --yes`;
}

/** Which other remembered setup uses the same Staging inline policy, or the same managed policy, if any. */
function sharedWithOthers(others: readonly SetupState[], target: TeardownTarget, mode: Target["mode"], stagingAccountId: string): TeardownTarget["sharedWith"] {
  const inline = otherUsingInlinePolicy(others, stagingAccountId, target);
  const managed = mode === "role" ? others.find((other) => other.mode !== "resource-policy" && other.policyArn === target.policyArn) : undefined;
  return { inlinePolicy: inline, managedPolicy: managed && setupIdOf(managed) };
}

/**
 * The other remembered setup whose Staging side in `accountId` is the same user's same inline
 * policy, if any: in its main Staging account or in a further one it granted (by profile).
 */
function otherUsingInlinePolicy(
  others: readonly SetupState[],
  accountId: string,
  target: { stagingUser: string; stagingRole?: string | undefined; inlinePolicyName: string },
): string | undefined {
  const side = principalWords(stagingPrincipalOf(target));
  const granted = (other: SetupState) => [other.stagingAccountId, ...(other.moreStaging ?? []).filter((a) => a.profile !== undefined).map((a) => a.accountId)];
  const other = others.find(
    (other) =>
      granted(other).includes(accountId) &&
      principalWords(stagingPrincipalOf(other)) === side &&
      inlinePolicyNameFor({ ...other, mode: other.mode ?? "role" }) === target.inlinePolicyName,
  );
  return other && setupIdOf(other);
}

/** The trust statement an older xacct would have written for the remembered setup (under the shared Sid). */
function rememberedTrustStatement(remembered: SetupState | undefined, partition: Partition): PolicyStatement | undefined {
  if (!remembered) return undefined;
  const { stagingAccountId, externalId, requireMfa, orgId, trustPrincipals, allowSourceIdentity } = remembered;
  const moreStagingAccountIds = remembered.moreStaging?.map((a) => a.accountId);
  return buildTrustPolicy({
    partition,
    stagingAccountId,
    moreStagingAccountIds,
    externalId,
    requireMfa,
    orgId,
    principals: trustPrincipals,
    ssoPermissionSets: remembered.trustSsoPermissionSets,
    allowSourceIdentity,
  }).Statement[0];
}

/** The same rules as forgetCachedSessions and forgetMfaSessions below, counting instead of deleting. */
async function countCachedSessions(ctx: CommandContext, roleArn: string, profile: string, others: readonly SetupState[]): Promise<CachedSessions> {
  const dir = cacheDirectory(ctx.env);
  const sessions = (names: string[]) => names.filter((name) => name.endsWith(".json")).length;
  const roleSharing = others.find((other) => other.mode !== "resource-policy" && other.roleArn === roleArn);
  const mfaSharing = others.find((other) => other.stagingProfile === profile);
  return {
    roleArn,
    role: sessions(await cachedSessionFiles(dir, roleArn)),
    roleKeptFor: roleSharing && setupIdOf(roleSharing),
    profile,
    mfa: sessions(await mfaSessionFiles(dir, profile)),
    mfaKeptFor: mfaSharing && setupIdOf(mfaSharing),
  };
}

function showCachedSessions(ctx: CommandContext, cached: CachedSessions): void {
  const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const show = (n: number, resource: string, keptFor: string | undefined, uses: string) => {
    if (n > 0) showChange(ctx.out, keptFor ? { kind: "keep", resource, note: `setup ${keptFor} uses ${uses} too` } : { kind: "delete", resource });
  };
  show(cached.role, `${counted(cached.role, "cached session")} of ${cached.roleArn}`, cached.roleKeptFor, "the role");
  show(cached.mfa, `${counted(cached.mfa, "cached MFA session")} of profile ${cached.profile}`, cached.mfaKeptFor, "the profile");
}

/** Sessions `xacct credentials` cached for the role are live keys: they go with the setup. */
async function forgetCachedSessions(ctx: CommandContext, roleArn: string): Promise<void> {
  const removed = await removeCachedSessions(cacheDirectory(ctx.env), roleArn);
  if (removed > 0) ctx.out.done(`Removed ${removed} cached session${removed === 1 ? "" : "s"} of ${roleArn}`);
}

/**
 * MFA sessions are the Staging user's, not the role's: kept while another remembered setup uses
 * the same Staging profile (it would need a new code otherwise), removed with the last one, so
 * no live keys wait on disk for their expiry (up to 36 hours).
 */
async function forgetMfaSessions(ctx: CommandContext, profile: string, others: readonly SetupState[]): Promise<void> {
  const sharing = others.find((other) => other.stagingProfile === profile);
  if (sharing) return;
  const removed = await removeMfaSessions(cacheDirectory(ctx.env), profile);
  if (removed > 0) ctx.out.done(`Removed the cached MFA session${removed === 1 ? "" : "s"} of profile ${profile} (no other setup uses it)`);
}

/**
 * Whose the temporary profile is, as far as xacct remembers: this setup's when its record
 * names it (or when xacct remembers no setup at all, as before setups were remembered),
 * another's when a remembered setup names it, and unknown otherwise.
 */
function profileOwner(remembered: SetupState | undefined, others: readonly SetupState[], name: string): "this" | { other: string } | "unknown" {
  const other = others.find((setup) => setup.mode !== "resource-policy" && setup.tempProfile === name);
  if (other) return { other: setupIdOf(other) };
  if (remembered) return remembered.tempProfile === name ? "this" : "unknown";
  return others.length === 0 ? "this" : "unknown";
}

function profileToRemove(
  view: ProfileView,
  name: string,
  owner: ReturnType<typeof profileOwner>,
  mode: "role" | "resource-policy",
): { profileExists: boolean; profileFound: ProfileFound } {
  if (!view.settings(name)) return { profileExists: false, profileFound: { present: false } };
  const whyKept =
    whyProfileIsKept(view, name) ??
    (mode === "resource-policy"
      ? "a resource-policy setup writes no profile: this one is another setup's"
      : owner === "this"
        ? undefined
        : owner === "unknown"
          ? "xacct has no record that this setup wrote it"
          : `setup ${owner.other} uses it too`);
  return whyKept === undefined ? { profileExists: true, profileFound: { present: true } } : { profileExists: false, profileFound: { present: true, whyKept } };
}

async function removeEverything(ctx: CommandContext, survey: TeardownSurvey): Promise<void> {
  const { answers, target } = survey;
  ctx.out.heading("Removing");
  const where = {
    production: { account: `Production account ${survey.accounts.production}`, profile: answers.productionProfile },
    staging: { account: `Staging account ${survey.accounts.staging}`, profile: answers.stagingProfile },
  };
  const removed = (ctx.result["removed"] = [] as Awaited<ReturnType<typeof runSteps>>);
  // Each delete asks AWS again whose the resource is: what the plan showed may be stale by now.
  ctx.calls.checkpoint();
  const lockDirectory = bucketPolicyLockDirectory(ctx.env, ctx.env["HOME"] || homedir());
  await runSteps(teardownSteps({ production: survey.prod, staging: survey.staging }, survey.removals, target, where, lockDirectory), ctx.out, removed);
  await removeFromMoreStaging(ctx, answers, survey.remembered?.moreStaging, target, survey.others);
  if (survey.profileExists) {
    const profile = answers.tempProfile;
    const fromConfig = await removeProfileFromFile({ path: configFilePath(ctx.env), file: "config", profile });
    if (fromConfig.changed) ctx.out.done(`Profile ${profile} removed from ${fromConfig.path}`);
    const fromCredentials = await afterFirstFile({ done: fromConfig.changed ? "removed from" : "already gone from", path: fromConfig.path, profile }, () =>
      removeProfileFromFile({ path: credentialsFilePath(ctx.env), file: "credentials", profile }),
    );
    if (fromCredentials.changed) ctx.out.done(`Profile ${profile} removed from ${fromCredentials.path}`);
  }
  await survey.forgetSetup();
}

/** The Staging side in further accounts: the ones setup remembered and any given as flags. */
async function removeFromMoreStaging(
  ctx: CommandContext,
  answers: Target,
  remembered: { accountId: string; profile?: string | undefined }[] | undefined,
  target: TeardownTarget,
  others: readonly SetupState[],
): Promise<void> {
  const { inlinePolicyName } = target;
  const clientsOf = (profile: string) => clientsFor(ctx, { profile }, answers.region);
  const fromFlags = await mapBounded(answers.moreStagingProfiles, ACCOUNT_CONCURRENCY, async (profile) => ({
    accountId: (await getCallerIdentity(clientsOf(profile), profile)).accountId,
    profile,
  }));
  const byAccount = new Map<string, { accountId: string; profile: string }>();
  for (const account of [...(remembered ?? []), ...fromFlags])
    if (account.profile) byAccount.set(account.accountId, { accountId: account.accountId, profile: account.profile });
  if (byAccount.size === 0) return;
  ctx.out.heading(counted(byAccount.size, "more Staging account"));
  const results = await removeMoreStaging(
    [...byAccount.values()],
    {
      userName: answers.stagingUser,
      inlinePolicyName,
      setupId: setupId(answers),
      policies: stagingPolicyCandidates(target),
      // Another remembered setup's Staging side in that account (main or further): it stays, user and all.
      usedBy: (accountId) => otherUsingInlinePolicy(others, accountId, { stagingUser: answers.stagingUser, inlinePolicyName }),
    },
    clientsOf,
    ctx.out,
  );
  ctx.result["moreStaging"] = results;
  const failed = results.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    throw new XacctError(`Removing the Staging side failed in ${counted(failed.length, "account")}: ${failed.map((f) => f.accountId).join(", ")}.`, {
      hint: "Fix what each line above says and run the same teardown again.",
    });
  }
}

function showRemovals(
  ctx: CommandContext,
  removals: Removal[],
  prodAccount: string,
  stagingAccount: string,
  tempProfile: string,
  profileExists: boolean,
  profile: ProfileFound,
): void {
  const show = (r: Removal) => showChange(ctx.out, r.kind === "none" ? { ...r, kind: "gone" } : r);
  ctx.out.heading(`Production account ${prodAccount}`);
  removals.filter((r) => r.account === "production").forEach(show);
  ctx.out.heading(`Staging account ${stagingAccount}`);
  removals.filter((r) => r.account === "staging").forEach(show);
  ctx.out.heading("This machine");
  const resource = `profile ${tempProfile} in your AWS config and credentials files`;
  showChange(
    ctx.out,
    profileExists ? { kind: "delete", resource } : profile.present ? { kind: "keep", resource, note: profile.whyKept } : { kind: "gone", resource },
  );
}
