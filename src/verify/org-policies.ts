/**
 * The organization policies on the path: SCPs of each side's account (they bound what its
 * principals may do) and RCPs of Production (they bound who may reach its role, bucket and key).
 * Read where some credentials may: a --org-profile (the management or a delegated
 * administrator account), else either side's own. Where none may, the policies are
 * "unreadable": verify says it did not check them, never a silent ✔.
 */
import type { AwsTarget } from "../aws/clients.js";
import type { CallLog } from "../aws/call-log.js";
import { awsErrorCode, toXacctError } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { describeMembership, organizationsClient, readPolicyChains, type OrgMembership, type OrgPolicyLevel } from "../aws/organizations.js";
import { parsePolicyDocument } from "../policy/index.js";
import type { LabeledPolicy } from "../policy-eval/index.js";

/** What applies to one side's account. */
export type SideOrgPolicies =
  /** Not in an organization, or its management account (SCPs and RCPs do not apply to it). */
  | { kind: "none"; why: "no organization" | "management account" }
  | { kind: "read"; orgId: string; scps?: LabeledPolicy[][] | undefined; rcps?: LabeledPolicy[][] | undefined }
  | { kind: "unreadable"; accountId: string; why: string };

export interface OrganizationPolicies {
  production: SideOrgPolicies;
  staging: SideOrgPolicies;
  /** Each side's membership, for aws:PrincipalOrgID. */
  productionOrg: OrgMembership;
  stagingOrg: OrgMembership;
}

function labelled(levels: OrgPolicyLevel[] | undefined, kind: "SCP" | "RCP"): LabeledPolicy[][] | undefined {
  return levels?.map((level) =>
    level.policies.map((p) => ({ label: `${kind} ${p.name} on ${levelName(level.target)}`, document: parsePolicyDocument(p.content) })),
  );
}

function levelName(target: string): string {
  if (/^r-/.test(target)) return `root ${target}`;
  if (/^ou-/.test(target)) return `OU ${target}`;
  return `account ${target}`;
}

type Reader = { target: AwsTarget; membership: OrgMembership; given?: boolean };

const readerName = (reader: Reader) =>
  reader.given ? `--org-profile ${reader.target.profile}` : reader.target.profile ? `profile ${reader.target.profile}` : "the caller";

/**
 * The SCPs and RCPs of one side's account, read with the first reader that may. A reader that
 * names the account as its organization's management account settles it, even where the side
 * itself may not call DescribeOrganization: SCPs and RCPs never apply to that account.
 */
export async function sidePolicies(accountId: string, own: OrgMembership, readers: Reader[], log: CallLog | undefined): Promise<SideOrgPolicies> {
  if (own.kind === "none") return { kind: "none", why: "no organization" };
  if (own.kind === "member" && own.managementAccountId === accountId) return { kind: "none", why: "management account" };
  if (readers.some((r) => r.membership.kind === "member" && r.membership.managementAccountId === accountId)) return { kind: "none", why: "management account" };
  const whys = own.kind === "unknown" ? [`DescribeOrganization answered ${own.why}`] : [];
  for (const reader of readers) {
    const membership = reader.membership;
    if (membership.kind !== "member") {
      if (reader.given)
        whys.push(
          `${readerName(reader)}: ${membership.kind === "none" ? "its account is in no organization" : `DescribeOrganization answered ${membership.why}`}`,
        );
      continue;
    }
    if (own.kind === "member" && membership.orgId !== own.orgId) {
      if (reader.given) whys.push(`${readerName(reader)} is of organization ${membership.orgId}, not ${own.orgId} (that of account ${accountId})`);
      continue;
    }
    try {
      const chains = await readPolicyChains(organizationsClient(reader.target, log), accountId);
      return {
        kind: "read",
        orgId: membership.orgId,
        scps: labelled(chains.SERVICE_CONTROL_POLICY, "SCP"),
        rcps: labelled(chains.RESOURCE_CONTROL_POLICY, "RCP"),
      };
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === undefined || code === "CredentialsProviderError") throw error;
      const other =
        code === "AccountNotFoundException" || code === "TargetNotFoundException"
          ? ` (account ${accountId} is not in its organization ${membership.orgId})`
          : "";
      whys.push(`${readerName(reader)}: ${code}${other}`);
    }
  }
  return { kind: "unreadable", accountId, why: whys.join("; ") || "no credentials of the organization's management or delegated administrator account" };
}

/** --org-profile's membership; a profile without usable credentials is bad input, said in one sentence. */
async function orgProfileMembership(target: AwsTarget, log: CallLog | undefined): Promise<OrgMembership> {
  try {
    return await describeMembership(organizationsClient(target, log));
  } catch (error) {
    const code = awsErrorCode(error);
    const system = (error as { code?: unknown } | null)?.code;
    if (code === "CredentialsProviderError" || (code === undefined && typeof system !== "string")) {
      const profile = target.profile ?? "";
      throw new XacctError(`--org-profile ${profile} has no usable credentials (${error instanceof Error ? error.message : String(error)}).`, {
        exitCode: 2,
        hint: `Give --org-profile a profile with credentials of the organization's management account or of a delegated administrator (check [profile ${profile}] in your AWS config), or leave --org-profile out.`,
        cause: error,
      });
    }
    throw toXacctError(error, { action: "asking AWS Organizations about --org-profile's account", profile: target.profile });
  }
}

export async function readOrganizationPolicies(
  sides: { production: AwsTarget & { accountId: string }; staging: AwsTarget & { accountId: string } },
  orgProfile: AwsTarget | undefined,
  log?: CallLog,
): Promise<OrganizationPolicies> {
  const membership = (target: AwsTarget) => describeMembership(organizationsClient(target, log));
  // All three at once, and every failure handled here: --org-profile's too, whichever ends first.
  const [productionOrg, stagingMembership, orgMembership] = await Promise.all([
    membership(sides.production),
    membership(sides.staging),
    orgProfile ? orgProfileMembership(orgProfile, log) : undefined,
  ]);
  const org: Reader[] = orgProfile && orgMembership ? [{ target: orgProfile, membership: orgMembership, given: true }] : [];
  const prodReader = { target: sides.production, membership: productionOrg };
  const stagingReader = { target: sides.staging, membership: stagingMembership };
  const [production, staging] = await Promise.all([
    sidePolicies(sides.production.accountId, productionOrg, [...org, prodReader, stagingReader], log),
    sidePolicies(sides.staging.accountId, stagingMembership, [...org, stagingReader, prodReader], log),
  ]);
  return { production, staging, productionOrg, stagingOrg: stagingMembership };
}
