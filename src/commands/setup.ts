/**
 * `xacct setup`: the wizard through the three stages. Questions come from the wizard (or
 * flags), facts from AWS, documents from the policy builder, the diff from what exists, and
 * the writes from the stages. `--plan` stops after showing the diff.
 */
import { makeClients, type AwsClients } from "../aws/clients.js";
import { getCallerIdentity, getS3Owner } from "../aws/identity.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { invalidInput, XacctError } from "../errors.js";
import { buildSetupPlan, DEFAULTS, type DiscoveredAccounts, type MoreStagingAccount, type SetupAnswers, type SetupPlan } from "../plan.js";
import { computeSetupChanges, pendingChanges, type Change } from "../stages/changes.js";
import { readProductionState, readStagingState, type ProductionState } from "../stages/current.js";
import { productionSteps } from "../stages/production.js";
import { stagingSteps } from "../stages/staging.js";
import { runSteps, type StepRecord } from "../stages/steps.js";
import { loadState, saveState, type SetupState } from "../state.js";
import { showAccounts, showSetupChanges } from "../ui/plan-view.js";
import { askBucket, askMode, askNames, askProfile, askRegion, askTrust, type TrustFlags } from "../wizard/setup-questions.js";
import { checkAccountId, checkObjectKey, checkOuId, checkProfileName } from "../validate/index.js";
import { listOrganizationAccounts } from "../aws/organizations.js";
import { ACCOUNT_CONCURRENCY, applyMoreStaging, mapBounded } from "../stages/more-staging.js";
import { checkDocumentSizes } from "../policy/limits.js";
import { preflightDocuments, preflightHops, refusePlan } from "../verify/preflight.js";
import { assumeAndWrite } from "./assume.js";
import { testGet } from "./test-get.js";
import type { CommandContext } from "./context.js";

export interface SetupOptions extends TrustFlags {
  mode?: string;
  /** Repeatable in the CLI: the first is the Staging account setup tests with; the rest are more Staging accounts. */
  stagingProfile?: string | string[];
  stagingAccount?: string[];
  stagingAccountsFromOrg?: boolean;
  ou?: string;
  productionProfile?: string;
  bucket?: string;
  roleName?: string;
  policyName?: string;
  stagingUser?: string;
  region?: string;
  tempProfile?: string;
  testKey?: string;
  yes?: boolean;
  /** Read only: show the changes and stop. */
  plan?: boolean;
  /** With --plan: exit 2 when changes are pending, 0 when none. */
  detailedExitcode?: boolean;
  /** false (--no-preflight): apply even when the evaluator says the result would be wrong. */
  preflight?: boolean;
  hardenBucket?: boolean;
}

/** Exit codes of `setup --plan --detailed-exitcode`. */
export const PLAN_EXIT = { noChanges: 0, changesPending: 2 } as const;

export async function setupCommand(options: SetupOptions, ctx: CommandContext): Promise<number> {
  const { out, prompter } = ctx;
  refuseMissingFlags(options, ctx.interactive);
  const tempProfile = checkProfileName(options.tempProfile ?? DEFAULTS.profileName);
  if (options.testKey !== undefined) checkObjectKey(options.testKey);
  const view = await loadProfileView(ctx.env);
  const productionProfile = await askProfile(prompter, "Production", options.productionProfile, view.names);
  const [firstStaging, ...moreStagingProfiles] = listOf(options.stagingProfile);
  const stagingProfile = await askProfile(prompter, "Staging", firstStaging, view.names.filter((n) => n !== productionProfile));
  for (const profile of moreStagingProfiles) requireProfile(view, checkProfileName(profile));
  const profileRegion = requireProfile(view, productionProfile)["region"];
  requireProfile(view, stagingProfile);
  const region = await askRegion(prompter, options.region, profileRegion ?? DEFAULTS.region, ctx.interactive);

  const prod = makeClients({ profile: productionProfile, region, endpoint: ctx.endpoint }, ctx.env, ctx.calls);
  const staging = makeClients({ profile: stagingProfile, region, endpoint: ctx.endpoint }, ctx.env, ctx.calls);
  const accounts = await discoverAccounts(prod, staging, productionProfile, stagingProfile);
  accounts.moreStaging = await discoverMoreStaging(ctx, options, accounts, { productionProfile, moreStagingProfiles, region });

  const mode = await askMode(prompter, options.mode, ctx.interactive);
  const bucket = await askBucket(prompter, options.bucket);
  const names = await askNames(prompter, options, ctx.interactive, mode);
  const previous = await loadState(ctx.statePath);
  const sameRole = previous?.bucket === bucket && previous.roleName === names.roleName;
  const trust = await askTrust(prompter, trustFlags(options), ctx.interactive, sameRole ? previous.externalId : undefined, mode);
  let answers: SetupAnswers = { mode, productionProfile, stagingProfile, region, bucket, ...names, ...trust, hardenBucket: options.hardenBucket, endpoint: ctx.endpoint };
  let plan = buildSetupPlan(answers, accounts);
  const stagingState = await readStagingState(staging, { userName: names.stagingUser, inlinePolicyName: plan.inlinePolicyName, profile: stagingProfile });
  const createdBefore = (bucketName: string) => previous?.bucket === bucketName && previous.createdBucket === true;
  let prodState = await readProduction(prod, plan);
  let changes = computeSetupChanges(plan, prodState, stagingState, createdBefore(bucket));
  checkDocumentSizes(plan, changes);
  showAccounts(out, plan);
  describeSetup(ctx, plan, changes);

  if (options.plan) {
    showSetupChanges(out, plan, changes);
    if (pendingChanges(changes).length > 0) await runPreflight(ctx, prod, staging, plan, changes, prodState, !!stagingState.user, false);
    return reportPlanOnly(ctx, changes, options);
  }
  if (!stagingState.user && ctx.interactive && !options.yes) await confirmUserCreation(ctx, plan);

  let done: StepRecord[];
  for (;;) {
    showSetupChanges(out, plan, changes);
    if (pendingChanges(changes).length === 0) {
      out.line();
      out.done("No changes: both accounts already match the plan.");
      done = [];
      break;
    }
    if (options.preflight !== false) await runPreflight(ctx, prod, staging, plan, changes, prodState, !!stagingState.user, true);
    if (!(await confirmPlan(ctx, options))) {
      out.line("Nothing was changed.");
      return 0;
    }
    out.heading("Applying");
    // Recorded before any write, so a setup that stops part-way can be finished or torn down;
    // and again the moment the bucket exists, so teardown knows it is xacct's.
    const createdBucket = createdBefore(plan.answers.bucket);
    await rememberSetup(ctx, plan, tempProfile, createdBucket);
    const bucketCreated = () => rememberSetup(ctx, plan, tempProfile, true);
    const applied: StepRecord[] = [];
    ctx.result["applied"] = applied;
    try {
      done = await runSteps([...productionSteps(prod, plan, changes, prodState, bucketCreated), ...stagingSteps(staging, plan, changes)], out, applied);
      break;
    } catch (error) {
      // A taken bucket name fails the very first step, before anything changed: ask again.
      if (!(error instanceof XacctError) || error.awsCode !== "BucketAlreadyExists" || !ctx.interactive) throw error;
      out.warn(`The name ${plan.answers.bucket} belongs to another AWS account. Please choose another.`);
      answers = { ...answers, bucket: await askBucket(prompter, undefined, "Another bucket name:") };
      plan = buildSetupPlan(answers, accounts);
      prodState = await readProduction(prod, plan);
      changes = computeSetupChanges(plan, prodState, stagingState, createdBefore(plan.answers.bucket));
      describeSetup(ctx, plan, changes);
    }
  }
  if (done.length === 0) await rememberSetup(ctx, plan, tempProfile, createdBefore(plan.answers.bucket));
  await grantMoreStaging(ctx, plan);

  out.heading("Stage 3 · Test");
  if (plan.answers.mode === "resource-policy") return testDirectly(ctx, plan, options);
  if (plan.answers.trust.requireMfa && !ctx.interactive) {
    // Unattended runs have no MFA code to send; everything else is done.
    out.skipped(`The role requires MFA, so the test is left to you: xacct assume --write-profile --mfa-serial ARN --token-code CODE`);
    out.line();
    out.done(`Setup complete. Staging reads s3://${plan.answers.bucket}/* through ${plan.roleArn} (with MFA).`);
    return 0;
  }
  const roleIsNew = done.some((step) => step.id === "role" && step.status === "created");
  await assumeAndWrite(
    {
      profile: stagingProfile,
      roleArn: plan.roleArn,
      region,
      writeProfile: tempProfile,
      roleIsNew,
      externalId: plan.answers.trust.externalId,
      remembered: await loadState(ctx.statePath),
    },
    ctx,
  );
  const key = options.testKey ?? (await offerTestKey(ctx, options));
  if (key) await testGet({ key, profile: tempProfile, bucket: plan.answers.bucket, region }, ctx);
  out.line();
  out.done(`Setup complete. Staging reads s3://${plan.answers.bucket}/* through ${plan.roleArn}.`);
  return 0;
}

function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Further Staging accounts: those of further --staging-profile (whose side xacct applies),
 * --staging-account IDs, and with --staging-accounts-from-org every account of the organization
 * (or of --ou). Deterministic order; Production and the first Staging account left out.
 */
async function discoverMoreStaging(
  ctx: CommandContext,
  options: SetupOptions,
  accounts: DiscoveredAccounts,
  where: { productionProfile: string; moreStagingProfiles: string[]; region: string },
): Promise<MoreStagingAccount[]> {
  const withProfiles = await mapBounded(where.moreStagingProfiles, ACCOUNT_CONCURRENCY, async (profile) => {
    const clients = makeClients({ profile, region: where.region, endpoint: ctx.endpoint }, ctx.env, ctx.calls);
    return { accountId: (await getCallerIdentity(clients, profile)).accountId, profile };
  });
  if (options.ou !== undefined && !options.stagingAccountsFromOrg) {
    throw invalidInput("--ou goes with --staging-accounts-from-org.", "Add --staging-accounts-from-org, or leave --ou out.");
  }
  const fromOrg = options.stagingAccountsFromOrg
    ? await listOrganizationAccounts({ profile: where.productionProfile, region: where.region, endpoint: ctx.endpoint }, options.ou !== undefined ? checkOuId(options.ou) : undefined, ctx.calls)
    : [];
  const byAccount = new Map<string, MoreStagingAccount>();
  for (const id of [...listOf(options.stagingAccount).map((a) => checkAccountId(a, "Staging account ID")), ...fromOrg]) byAccount.set(id, { accountId: id });
  for (const account of withProfiles) byAccount.set(account.accountId, account);
  byAccount.delete(accounts.production.accountId);
  byAccount.delete(accounts.staging.accountId);
  return [...byAccount.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** The Staging side in the further accounts reachable by profile; the others are listed for the operator. */
async function grantMoreStaging(ctx: CommandContext, plan: SetupPlan): Promise<void> {
  const more = plan.accounts.moreStaging ?? [];
  if (more.length === 0) return;
  ctx.out.heading(`Stage 2 · ${more.length} more Staging account${more.length === 1 ? "" : "s"}`);
  const clientsFor = (profile: string) => makeClients({ profile, region: plan.answers.region, endpoint: ctx.endpoint }, ctx.env, ctx.calls);
  const results = await applyMoreStaging(plan, clientsFor, ctx.out);
  ctx.result["moreStaging"] = results;
  const withoutProfile = more.filter((a) => !a.profile).map((a) => a.accountId);
  if (withoutProfile.length > 0) {
    ctx.out.line(`  ${withoutProfile.length} account(s) are trusted but have no profile here: ${withoutProfile.join(", ")}.`);
    ctx.out.line(`  ${ctx.out.color.dim("Grant their users with `xacct export --format cloudformation --stackset --ou ID`, or give --staging-profile for each.")}`);
  }
  const failed = results.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    throw new XacctError(`The Staging side failed in ${failed.length} of ${results.length} account(s): ${failed.map((f) => f.accountId).join(", ")}.`, {
      hint: "Everything else is in place; fix what each line above says and run the same setup command again.",
    });
  }
}

/** Resource-policy mode: no role, no temporary profile; the Staging profile reads directly. */
async function testDirectly(ctx: CommandContext, plan: SetupPlan, options: SetupOptions): Promise<number> {
  const { stagingProfile, bucket, region } = plan.answers;
  const key = options.testKey ?? (await offerTestKey(ctx, options));
  if (key) await testGet({ key, profile: stagingProfile, bucket, region }, ctx);
  else ctx.out.line(`  test it with: xacct test-get KEY --profile ${stagingProfile}`);
  ctx.out.line();
  ctx.out.done(`Setup complete. Profile ${stagingProfile} reads s3://${bucket}/* directly, through the bucket policy.`);
  return 0;
}

/** Judges the plan with the evaluator before anything is written; refuses it or, for --plan, reports. */
async function runPreflight(
  ctx: CommandContext,
  prod: AwsClients,
  staging: AwsClients,
  plan: SetupPlan,
  changes: Change[],
  prodState: ProductionState,
  userExists: boolean,
  refuse: boolean,
): Promise<void> {
  const hops = preflightHops(await preflightDocuments(prod, staging, plan, changes, prodState, userExists), plan);
  const failed = hops.filter((h) => !h.ok);
  ctx.result["preflight"] = hops;
  if (failed.length === 0) {
    ctx.out.line();
    const through = plan.answers.mode === "role" ? `through ${plan.answers.roleName}` : "through the bucket policy";
    ctx.out.done(`Pre-flight: the planned documents grant ${plan.answers.stagingUser} read access ${through}, and nothing more (${hops.length} checks).`);
    return;
  }
  if (refuse) throw refusePlan(failed);
  for (const hop of failed) ctx.out.warn(`Pre-flight: ${hop.title} would fail: ${hop.detail}`);
}

function trustFlags(options: SetupOptions): TrustFlags {
  const { trustPrincipal, externalId, requireMfa, orgId, maxSessionDuration, allowSourceIdentity } = options;
  return { trustPrincipal, externalId, requireMfa, orgId, maxSessionDuration, allowSourceIdentity };
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

async function discoverAccounts(prod: AwsClients, staging: AwsClients, productionProfile: string, stagingProfile: string): Promise<DiscoveredAccounts> {
  const [prodIdentity, stagingIdentity] = await Promise.all([
    getCallerIdentity(prod, productionProfile),
    getCallerIdentity(staging, stagingProfile),
  ]);
  if (prodIdentity.accountId === stagingIdentity.accountId) {
    throw invalidInput(
      `Profiles ${productionProfile} and ${stagingProfile} are both in account ${prodIdentity.accountId}; cross-account access needs two different accounts.`,
      "Choose a Staging profile whose credentials belong to the other account.",
    );
  }
  const owner = await getS3Owner(prod, productionProfile);
  return {
    production: { ...prodIdentity, canonicalUserId: owner.canonicalUserId, ownedBuckets: owner.ownedBuckets },
    staging: stagingIdentity,
  };
}

function readProduction(prod: AwsClients, plan: SetupPlan): Promise<ProductionState> {
  return readProductionState(prod, {
    bucket: plan.answers.bucket,
    bucketExists: plan.accounts.production.ownedBuckets.has(plan.answers.bucket),
    withBucketSettings: true,
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

async function offerTestKey(ctx: CommandContext, options: SetupOptions): Promise<string | undefined> {
  if (!ctx.interactive || options.yes) return undefined;
  const key = await ctx.prompter.input({
    message: "Key of an object to download as a test (leave empty to skip):",
    flag: "--test-key",
    default: "",
  });
  return key.trim() === "" ? undefined : checkObjectKey(key.trim());
}

async function rememberSetup(ctx: CommandContext, plan: SetupPlan, tempProfile: string, createdBucket: boolean): Promise<void> {
  const state: SetupState = {
      mode: plan.answers.mode,
      productionProfile: plan.answers.productionProfile,
      stagingProfile: plan.answers.stagingProfile,
      region: plan.answers.region,
      bucket: plan.answers.bucket,
      roleName: plan.answers.roleName,
      policyName: plan.answers.policyName,
      roleArn: plan.roleArn,
      policyArn: plan.policyArn,
      stagingUser: plan.answers.stagingUser,
      tempProfile,
      productionAccountId: plan.accounts.production.accountId,
      stagingAccountId: plan.accounts.staging.accountId,
      moreStaging: plan.accounts.moreStaging?.length ? plan.accounts.moreStaging : undefined,
      endpoint: plan.answers.endpoint,
      createdBucket,
      externalId: plan.answers.trust.externalId,
      requireMfa: plan.answers.trust.requireMfa ?? false,
      orgId: plan.answers.trust.orgId,
      trustPrincipals: plan.answers.trust.principals?.length ? plan.answers.trust.principals : undefined,
      allowSourceIdentity: plan.answers.trust.allowSourceIdentity ?? false,
      maxSessionDuration: plan.answers.maxSessionDuration,
      updatedAt: new Date().toISOString(),
  };
  await saveState(state, ctx.statePath);
}
