/**
 * Who setup works with: the Production and Staging accounts behind the profiles (discovered,
 * never typed), further Staging accounts from flags or AWS Organizations, and applying the
 * Staging side in those further accounts.
 */
import { clientsFor, type AwsClients } from "../aws/clients.js";
import { getCallerIdentity, getS3Owner, type CallerIdentity } from "../aws/identity.js";
import { invalidInput, XacctError } from "../errors.js";
import { refuseSameAccount, type DiscoveredAccounts, type MoreStagingAccount, type SetupPlan } from "../plan.js";
import { ACCOUNT_CONCURRENCY, applyMoreStaging, mapBounded } from "../stages/more-staging.js";
import { checkAccountId, checkOuId } from "../validate/index.js";
import type { CommandContext } from "../commands/context.js";
import { setupIdOf, type SetupState } from "../state.js";
import { agreeing, counted } from "../ui/words.js";
import { byCodeUnits } from "../code-unit-order.js";

export interface MoreStagingFlags {
  stagingAccount?: string[] | undefined;
  stagingAccountsFromOrg?: boolean | undefined;
  ou?: string | undefined;
}

export function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Further Staging accounts: those of further --staging-profile (whose side xacct applies),
 * --staging-account IDs, and with --staging-accounts-from-org every account of the organization
 * (or of --ou). Deterministic order; Production and the first Staging account left out.
 */
export async function discoverMoreStaging(
  ctx: CommandContext,
  options: MoreStagingFlags,
  accounts: DiscoveredAccounts,
  where: { productionProfile: string; moreStagingProfiles: string[]; region: string },
): Promise<MoreStagingAccount[]> {
  const withProfiles = await mapBounded(where.moreStagingProfiles, ACCOUNT_CONCURRENCY, async (profile) => {
    const clients = clientsFor(ctx, { profile }, where.region);
    return { accountId: (await getCallerIdentity(clients, profile)).accountId, profile };
  });
  refuseOuWithoutOrg(options);
  // Loaded only for --staging-accounts-from-org: no other setup needs the Organizations client.
  const fromOrg = options.stagingAccountsFromOrg
    ? await (
        await import("../aws/organizations.js")
      ).listOrganizationAccounts(
        { profile: where.productionProfile, region: where.region, endpoint: ctx.endpoint },
        options.ou !== undefined ? checkOuId(options.ou) : undefined,
        ctx.calls,
      )
    : [];
  const byAccount = new Map<string, MoreStagingAccount>();
  for (const id of [...listOf(options.stagingAccount).map((a) => checkAccountId(a, "Staging account ID")), ...fromOrg]) byAccount.set(id, { accountId: id });
  for (const account of withProfiles) byAccount.set(account.accountId, account);
  byAccount.delete(accounts.production.accountId);
  byAccount.delete(accounts.staging.accountId);
  return [...byAccount.values()].sort((a, b) => byCodeUnits(a.accountId, b.accountId));
}

export function refuseOuWithoutOrg(options: MoreStagingFlags): void {
  if (options.ou !== undefined && !options.stagingAccountsFromOrg) {
    throw invalidInput("--ou goes with --staging-accounts-from-org.", "Add --staging-accounts-from-org, or leave --ou out.");
  }
}

/** The Staging side in the further accounts reachable by profile; the others are listed for the operator. */
export async function grantMoreStaging(ctx: CommandContext, plan: SetupPlan): Promise<void> {
  const more = plan.accounts.moreStaging ?? [];
  if (more.length === 0) return;
  ctx.out.heading(`Stage 2 · ${counted(more.length, "more Staging account")}`);
  const clientsOf = (profile: string) => clientsFor(ctx, { profile }, plan.answers.region);
  const results = await applyMoreStaging(plan, clientsOf, ctx.out);
  ctx.result["moreStaging"] = results;
  const withoutProfile = more.filter((a) => !a.profile).map((a) => a.accountId);
  if (withoutProfile.length > 0) {
    ctx.out.line(
      `  ${counted(withoutProfile.length, "account")} ${agreeing(withoutProfile.length, "is", "are")} trusted but ${agreeing(withoutProfile.length, "has", "have")} no profile here: ${withoutProfile.join(", ")}.`,
    );
    ctx.out.line(
      `  ${ctx.out.color.dim("Grant their users with `xacct export --format cloudformation --stackset --ou ID`, or give --staging-profile for each.")}`,
    );
  }
  const failed = results.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    throw new XacctError(
      `The Staging side failed in ${failed.length} of ${counted(results.length, "account")}: ${failed.map((f) => f.accountId).join(", ")}.`,
      {
        hint: "Everything else is in place; fix what each line above says and run the same setup command again.",
      },
    );
  }
}

/** `known`: identities the wizard already found while asking (profile → identity), not asked again. */
export async function discoverAccounts(
  prod: AwsClients,
  staging: AwsClients,
  productionProfile: string,
  stagingProfile: string,
  known: ReadonlyMap<string, CallerIdentity> = new Map(),
): Promise<DiscoveredAccounts> {
  const [prodIdentity, stagingIdentity, owner] = await Promise.all([
    known.get(productionProfile) ?? getCallerIdentity(prod, productionProfile),
    known.get(stagingProfile) ?? getCallerIdentity(staging, stagingProfile),
    getS3Owner(prod, productionProfile),
  ]);
  refuseSameAccount(productionProfile, stagingProfile, prodIdentity, stagingIdentity);
  return {
    production: { ...prodIdentity, canonicalUserId: owner.canonicalUserId, ownedBuckets: owner.ownedBuckets },
    staging: stagingIdentity,
  };
}

type SetupAccounts = Pick<SetupState, "bucket" | "roleName" | "productionProfile" | "stagingProfile" | "productionAccountId" | "stagingAccountId">;

/**
 * The accounts of the two profiles a command after setup acts through. For a remembered setup
 * they must be the setup's own: a profile of another account would make teardown look there and
 * forget the setup, verify judge another account, and export move the setup. Refused, exit 2,
 * before the command reads or writes anything else.
 */
export async function identifySetupProfiles(
  clients: { production: AwsClients; staging: AwsClients },
  profiles: { productionProfile: string; stagingProfile: string },
  remembered: SetupAccounts | undefined,
): Promise<{ production: CallerIdentity; staging: CallerIdentity }> {
  const [production, staging] = await Promise.all([
    getCallerIdentity(clients.production, profiles.productionProfile),
    getCallerIdentity(clients.staging, profiles.stagingProfile),
  ]);
  if (remembered) refuseOtherAccounts(remembered, profiles, { production: production.accountId, staging: staging.accountId });
  return { production, staging };
}

/** A profile whose account is not the remembered one: one sentence naming the setup, the profile and both accounts. */
export function refuseOtherAccounts(
  remembered: SetupAccounts,
  profiles: { productionProfile: string; stagingProfile: string },
  found: { production: string; staging: string },
): void {
  const sides = [
    {
      side: "Production",
      flag: "--production-profile",
      profile: profiles.productionProfile,
      own: remembered.productionProfile,
      expected: remembered.productionAccountId,
      actual: found.production,
    },
    {
      side: "Staging",
      flag: "--staging-profile",
      profile: profiles.stagingProfile,
      own: remembered.stagingProfile,
      expected: remembered.stagingAccountId,
      actual: found.staging,
    },
  ];
  const wrong = sides.find((s) => s.actual !== s.expected);
  if (!wrong) return;
  throw invalidInput(
    `Setup ${setupIdOf(remembered)} is in ${wrong.side} account ${wrong.expected}, and profile ${wrong.profile} is in account ${wrong.actual}.`,
    wrong.profile === wrong.own
      ? `Profile ${wrong.profile} now reaches another account: point it back at account ${wrong.expected}, or give ${wrong.flag} a profile of that account.`
      : `Give ${wrong.flag} a profile of account ${wrong.expected}, or leave it out to use ${wrong.own}, the profile setup used.`,
  );
}
