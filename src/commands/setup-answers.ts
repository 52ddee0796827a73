/**
 * Setup's answers: from flags, else asked (the wizard), each checked against AWS the moment it
 * is given so that a refused answer is asked again on the spot. A rerun starts from the setup
 * it continues: its profiles, region, mode, bucket and names are the defaults, and xacct's own
 * temporary profiles are never offered as admin profiles.
 */
import { clientsFor, type AwsClients } from "../aws/clients.js";
import { bucketOwnedElsewhere } from "../aws/bucket-name.js";
import { getCallerIdentity, type CallerIdentity } from "../aws/identity.js";
import { isXacctProfile } from "../awsconfig/ownership.js";
import { loadProfileView, requireProfile, type ProfileView } from "../awsconfig/sdk-view.js";
import { checkProfileFilesWritable, refuseForeignProfile } from "../awsconfig/temporary-profile.js";
import { invalidInput, type XacctError } from "../errors.js";
import { DEFAULTS, refuseSameAccount, setupId, type DiscoveredAccounts, type SetupAnswers } from "../plan.js";
import { setupIdOf, type SetupState } from "../state.js";
import { checkProfileName } from "../validate/index.js";
import { askUntilAccepted, type AskAgain } from "../wizard/ask-again.js";
import type { AnswerRecord } from "../wizard/equivalent-command.js";
import { askBucket, askMode, askNames, askProfile, askRegion, askTrust, hardeningOf, type TrustAnswers, type TrustFlags } from "../wizard/setup-questions.js";
import type { CommandContext } from "./context.js";
import { discoverAccounts, discoverMoreStaging, listOf } from "../setups/accounts.js";
import type { SetupOptions } from "./setup-options.js";

/** What xacct remembers, and the setup this run continues (its answers are the wizard's defaults). */
export interface RememberedSetups {
  remembered: readonly SetupState[];
  continued: SetupState | undefined;
}

export interface GatheredAnswers {
  answers: SetupAnswers;
  /** An earlier run of this same setup (bucket and role): its trust is kept, its keys and bucket are known. */
  previous: SetupState | undefined;
  accounts: DiscoveredAccounts;
  prod: AwsClients;
  staging: AwsClients;
  view: ProfileView;
}

/** Checks setup runs on the temporary profile before any AWS call (role mode only). */
export type TempProfileCheck = (view: ProfileView, profiles: string[]) => Promise<void>;

/**
 * Asks (or takes from flags) every answer, and discovers the accounts behind the profiles.
 * `setups.continued`: the setup this run continues; `record` collects the answers as they come, for
 * the equivalent command printed at the end or on a failure.
 */
export async function gatherAnswers(
  options: SetupOptions,
  ctx: CommandContext,
  setups: RememberedSetups,
  record: AnswerRecord,
  checkTempProfile: TempProfileCheck,
): Promise<GatheredAnswers> {
  const { prompter, interactive } = ctx;
  const view = await loadProfileView(ctx.env);
  // Remembered answers are defaults to press Enter on; unattended runs take only flags.
  const remembered = interactive ? setups.continued : undefined;
  const identities = new IdentityCache(ctx, view);
  const exists = (name: string) => requireProfile(view, name);
  // Only names the flags take too: a pasted command with one of the others would be refused.
  const adminProfiles = view.names.filter((name) => !isXacctProfile(view.settings(name)) && usableProfileName(name));

  const productionProfile = await askUntilAccepted(
    () => askProfile(prompter, "Production", options.productionProfile, adminProfiles, remembered?.productionProfile, exists),
    async (name) => {
      exists(name);
      if (interactive && options.productionProfile === undefined) await identities.of(name);
    },
    askAgain(ctx, options.productionProfile === undefined),
  );
  record.productionProfile = productionProfile;
  const [firstStaging, ...moreStagingProfiles] = listOf(options.stagingProfile);
  const stagingProfile = await askUntilAccepted(
    () =>
      askProfile(
        prompter,
        "Staging",
        firstStaging,
        adminProfiles.filter((n) => n !== productionProfile),
        remembered?.stagingProfile,
        exists,
      ),
    async (name) => {
      exists(name);
      if (interactive && firstStaging === undefined)
        refuseSameAccount(productionProfile, name, await identities.of(productionProfile), await identities.of(name));
    },
    askAgain(ctx, firstStaging === undefined),
  );
  record.stagingProfiles = [stagingProfile, ...moreStagingProfiles];
  for (const profile of moreStagingProfiles) requireProfile(view, checkProfileName(profile));
  const profileRegion = requireProfile(view, productionProfile)["region"];
  // A mode known now (a flag, or the unattended default) lets this wait for no AWS call.
  const knownMode = options.mode ?? (interactive ? undefined : "role");
  if (knownMode === "role") await checkTempProfile(view, [productionProfile, stagingProfile, ...moreStagingProfiles]);
  const region = await askRegion(prompter, options.region, remembered?.region ?? profileRegion ?? DEFAULTS.region, interactive);
  record.region = region;

  const prod = clientsFor(ctx, { profile: productionProfile }, region);
  const staging = clientsFor(ctx, { profile: stagingProfile }, region);
  const accounts = await ctx.out.progress(`Finding the accounts of profiles ${productionProfile} and ${stagingProfile}`, async () => {
    const found = await discoverAccounts(prod, staging, productionProfile, stagingProfile, identities.known);
    found.moreStaging = await discoverMoreStaging(ctx, options, found, { productionProfile, moreStagingProfiles, region });
    return found;
  });

  const mode = await askMode(prompter, options.mode, interactive, remembered?.mode);
  record.mode = mode;
  const bucket = await askUntilAccepted(
    () => askBucket(prompter, options.bucket, undefined, remembered?.bucket),
    async (name) => ctx.out.progress(`Checking who owns bucket ${name}`, () => refuseBucketOwnedElsewhere(prod, name, accounts, productionProfile)),
    askAgain(ctx, options.bucket === undefined),
  );
  record.bucket = bucket;
  const names = await askNames(prompter, options, interactive, mode, remembered, {
    heard: (answer) => Object.assign(record, answer),
    ownerOf: (kind, name) => ownerElsewhere(setups.remembered, bucket, kind, name),
  });
  Object.assign(record, names);
  const previous = setups.remembered.find((s) => setupIdOf(s) === setupId({ bucket, roleName: names.roleName }));
  const earlier = previous ? rememberedTrust(previous) : undefined;
  const stagingAccountIds = [accounts.staging.accountId, ...(accounts.moreStaging ?? []).map((a) => a.accountId)];
  const trust = await askTrust(prompter, trustFlags(options), interactive, earlier, mode, stagingAccountIds);
  record.trust = trust;
  sayKeptHardening(ctx, options, mode, earlier);
  const answers: SetupAnswers = {
    mode,
    productionProfile,
    stagingProfile,
    region,
    bucket,
    ...names,
    ...(options.stagingRole !== undefined ? { stagingRole: options.stagingRole } : {}),
    ...trust,
    hardenBucket: options.hardenBucket,
    endpoint: ctx.endpoint,
  };
  return { answers, previous, accounts, prod, staging, view };
}

/**
 * The remembered setup of another bucket whose role (role mode) or managed policy has this name:
 * this setup would take it over. (A rerun of the same bucket with the same name is that setup.)
 */
function ownerElsewhere(remembered: readonly SetupState[], bucket: string, kind: "role" | "policy", name: string): string | undefined {
  const owner = remembered.find((s) => s.mode !== "resource-policy" && s.bucket !== bucket && (kind === "role" ? s.roleName : s.policyName) === name);
  return owner ? setupIdOf(owner) : undefined;
}

function usableProfileName(name: string): boolean {
  try {
    checkProfileName(name);
    return true;
  } catch {
    return false;
  }
}

function askAgain(ctx: CommandContext, asked: boolean): AskAgain {
  return {
    asked: asked && ctx.interactive,
    refused: (error: XacctError) => {
      ctx.out.warn(error.message);
      if (error.hint) ctx.out.hint(error.hint);
    },
  };
}

/** A name another account owns fails CreateBucket: found now, before the plan is shown. */
async function refuseBucketOwnedElsewhere(prod: AwsClients, bucket: string, accounts: DiscoveredAccounts, profile: string): Promise<void> {
  if (!(await bucketOwnedElsewhere(prod, bucket, accounts.production.ownedBuckets, profile))) return;
  throw invalidInput(
    `The bucket name ${bucket} belongs to another AWS account (bucket names are global), so Production cannot create or share it.`,
    "Choose another name with --bucket.",
  );
}

/** One line when a rerun keeps the hardening an earlier run gave the trust (flags did not change it). */
function sayKeptHardening(ctx: CommandContext, options: SetupOptions, mode: SetupAnswers["mode"], kept: TrustAnswers | undefined): void {
  if (mode !== "role" || kept === undefined) return;
  // Any trust flag (--plain-trust among them) means the trust is what the flags say.
  const flagged = Object.values(trustFlags(options)).some((v) => v !== undefined);
  const hardening = hardeningOf(kept);
  if (flagged || hardening.length === 0) return;
  ctx.out.skipped(`Keeping the trust hardening of the earlier run: ${hardening.join(", ")} (--plain-trust drops it).`);
}

/** Identities found while asking, so the same profile is not identified twice. */
class IdentityCache {
  readonly known = new Map<string, CallerIdentity>();
  constructor(
    private readonly ctx: CommandContext,
    private readonly view: ProfileView,
  ) {}

  async of(profile: string): Promise<CallerIdentity> {
    const found = this.known.get(profile);
    if (found) return found;
    const region = this.view.settings(profile)?.["region"] ?? DEFAULTS.region;
    const clients = clientsFor(this.ctx, { profile }, region);
    const identity = await getCallerIdentity(clients, profile);
    this.known.set(profile, identity);
    return identity;
  }
}

export function trustFlags(options: SetupOptions): TrustFlags {
  const { trustPrincipal, trustSsoPermissionSet, externalId, requireMfa, orgId, maxSessionDuration, allowSourceIdentity, plainTrust } = options;
  return { trustPrincipal, trustSsoPermissionSet, externalId, requireMfa, orgId, maxSessionDuration, allowSourceIdentity, plainTrust };
}

/** What an earlier run of this setup made the trust: kept unless flags say otherwise. */
function rememberedTrust(previous: SetupState): TrustAnswers {
  return {
    trust: {
      principals: previous.trustPrincipals,
      ssoPermissionSets: previous.trustSsoPermissionSets,
      externalId: previous.externalId,
      requireMfa: previous.requireMfa,
      orgId: previous.orgId,
      allowSourceIdentity: previous.allowSourceIdentity,
    },
    maxSessionDuration: previous.maxSessionDuration ?? DEFAULTS.maxSessionDuration,
  };
}
