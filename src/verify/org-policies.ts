/**
 * The organization policies on the path: SCPs of each side's account (they bound what its
 * principals may do) and RCPs of Production (they bound who may reach its role, bucket and key).
 * Read where some credentials may: a --org-profile (the management or a delegated
 * administrator account), else either side's own. Where none may, the policies are
 * "unreadable": verify says it did not check them, never a silent ✔.
 */
import type { AwsTarget } from "../aws/clients.js";
import type { CallLog } from "../aws/call-log.js";
import { awsErrorCode } from "../aws/errors.js";
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
  return levels?.map((level) => level.policies.map((p) => ({ label: `${kind} ${p.name} on ${levelName(level.target)}`, document: parsePolicyDocument(p.content) })));
}

function levelName(target: string): string {
  if (/^r-/.test(target)) return `root ${target}`;
  if (/^ou-/.test(target)) return `OU ${target}`;
  return `account ${target}`;
}

type Reader = { target: AwsTarget; membership: Promise<OrgMembership> };

async function sidePolicies(accountId: string, own: OrgMembership, readers: Reader[], log: CallLog | undefined): Promise<SideOrgPolicies> {
  if (own.kind === "none") return { kind: "none", why: "no organization" };
  if (own.kind === "member" && own.managementAccountId === accountId) return { kind: "none", why: "management account" };
  let why = own.kind === "unknown" ? `DescribeOrganization answered ${own.why}` : "";
  for (const reader of readers) {
    const membership = await reader.membership;
    if (membership.kind !== "member" || (own.kind === "member" && membership.orgId !== own.orgId)) continue;
    try {
      const chains = await readPolicyChains(organizationsClient(reader.target, log), accountId);
      return { kind: "read", orgId: membership.orgId, scps: labelled(chains.SERVICE_CONTROL_POLICY, "SCP"), rcps: labelled(chains.RESOURCE_CONTROL_POLICY, "RCP") };
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === undefined || code === "CredentialsProviderError") throw error;
      why = `${reader.target.profile ? `profile ${reader.target.profile}` : "the caller"}: ${code}`;
    }
  }
  return { kind: "unreadable", accountId, why: why || "no credentials of the organization's management or delegated administrator account" };
}

export async function readOrganizationPolicies(
  sides: { production: AwsTarget & { accountId: string }; staging: AwsTarget & { accountId: string } },
  orgProfile: AwsTarget | undefined,
  log?: CallLog,
): Promise<OrganizationPolicies> {
  const membership = (target: AwsTarget) => describeMembership(organizationsClient(target, log));
  const prodOrg = membership(sides.production);
  const stagingOrg = membership(sides.staging);
  const org: Reader[] = orgProfile ? [{ target: orgProfile, membership: membership(orgProfile) }] : [];
  const prodReader = { target: sides.production, membership: prodOrg };
  const stagingReader = { target: sides.staging, membership: stagingOrg };
  const [productionOrg, stagingMembership] = await Promise.all([prodOrg, stagingOrg]);
  const [production, staging] = await Promise.all([
    sidePolicies(sides.production.accountId, productionOrg, [...org, prodReader, stagingReader], log),
    sidePolicies(sides.staging.accountId, stagingMembership, [...org, stagingReader, prodReader], log),
  ]);
  return { production, staging, productionOrg, stagingOrg: stagingMembership };
}
