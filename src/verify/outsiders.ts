/**
 * Who "nothing more" is checked against: principals the setup does not mean to let in, each
 * with the facts AWS fixes about it (its account, its organization) and everything else left
 * to the principal to choose. Pure: the documents and the target in, the probes out.
 *
 * The outside account is one no document names, so a statement naming a fixed ID cannot hide
 * a grant; every account the documents do name that is neither side is probed too.
 */
import type { OrgMembership } from "../aws/organizations.js";
import type { Partition } from "../policy/arn.js";
import type { ContextValue, OpenContext } from "../policy-eval/index.js";
import type { PathDocuments } from "./documents.js";
import { ORG_KEYS, organizationVariants, stagingOrgFacts, type OrgFacts } from "./outsider-orgs.js";

export interface Outsider {
  /** For people: "account 999999999999 (named by no policy)". */
  who: string;
  /** `kind: "service"`: an AWS service (bucket-services.ts), named by its service principal. */
  principal: { arn: string; accountId: string; canonicalUserId?: string; kind?: "aws" | "service" };
  context: Record<string, ContextValue>;
  open: OpenContext;
  /** A grant to it is public in S3's sense, so Block Public Access overrides it. */
  publicInS3Terms: boolean;
  /**
   * Keys left open here whose values are facts xacct could not read (a Staging account's
   * organization): a reach that needs them is "cannot tell", said with `what`.
   */
  unknown?: { keys: string[]; what: string } | undefined;
}

/**
 * How a caller connects (its VPC, VPC endpoint, IP address) is neither a fact AWS fixes about
 * an outsider nor its free choice: another account may reach AWS through a shared VPC or an
 * endpoint, or from an address a statement names. So these keys stay open in the outsiders'
 * context, and a reach is checked again with them gone (`withoutNetwork`): what an outsider
 * reaches only through a network a statement names is "cannot tell", never ✔.
 */
export const NETWORK_KEYS = ["aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn", "aws:VpcSourceIp", "aws:SourceIp"];

/** The same request from a network no statement names: the internet, through no VPC endpoint. */
export function withoutNetwork(open: OpenContext): OpenContext {
  return { ...open, absent: [...open.absent, ...NETWORK_KEYS] };
}
/** Keys an anonymous request lacks: it has no account, identity or organization. */
const IDENTITY_KEYS = ["aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalType", "aws:userid", "aws:username", ...ORG_KEYS];

export interface OutsiderTarget {
  partition: Partition;
  productionAccountId: string;
  stagingAccountIds: string[];
  /** The organization the setup trusts (--org-id): its member accounts are meant to be let in. */
  orgId?: string | undefined;
}

/**
 * Every 12-digit account ID that any of the documents mentions, and for each account pattern
 * (`33333333333?`, `0*` in a StringLike on aws:PrincipalAccount) a few IDs it matches: a
 * wildcard must not hide a third account from the probes.
 */
export function accountsNamedBy(docs: PathDocuments): Set<string> {
  const documents = [docs.trust?.document, docs.bucketPolicy?.document, docs.rolePolicies.map((p) => p.document), docs.userPolicies.map((p) => p.document)];
  const text = JSON.stringify(documents);
  const literal = text.match(/(?<!\d)\d{12}(?!\d)/g) ?? [];
  // Only patterns with a digit: the account no document names already stands for `*` and `?…`.
  const patterns = stringsOf(documents).filter((value) => /^[\d?*]+$/.test(value) && /[?*]/.test(value) && /\d/.test(value));
  return new Set([...literal, ...patterns.flatMap(accountsMatching)]);
}

function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsOf);
  return [];
}

/** 12-digit IDs an account pattern matches, one per filler digit; none when it cannot match 12 digits. */
function accountsMatching(pattern: string): string[] {
  const fixed = pattern.replace(/\*/g, "").length;
  if (fixed > 12 || (fixed < 12 && !pattern.includes("*"))) return [];
  return ["3", "4", "7"].map((digit) => {
    let spare = 12 - fixed;
    return pattern.replace(/[?*]/g, (wildcard) => {
      if (wildcard === "?") return digit;
      const fill = digit.repeat(spare);
      spare = 0;
      return fill;
    });
  });
}

export function outsideAccount(named: Set<string>, target: OutsiderTarget): string {
  const taken = new Set([...named, target.productionAccountId, ...target.stagingAccountIds]);
  for (let n = 999999999999; ; n -= 1) if (!taken.has(String(n))) return String(n);
}

/** S3 canonical user IDs the bucket policy names other than the sides': accounts xacct cannot identify. */
export function foreignCanonicalIds(docs: PathDocuments): string[] {
  const named = (docs.bucketPolicy?.document.Statement ?? []).flatMap((s) =>
    [s.Principal, s.NotPrincipal].flatMap((p) => (p && p !== "*" ? [p.CanonicalUser ?? []].flat() : [])),
  );
  return [...new Set(named)].filter((id) => id !== docs.productionCanonicalId && id !== docs.stagingCanonicalId).sort();
}

/**
 * Signed-in outsiders: the unnamed account, in no organization or one no document names (the
 * public), and in each organization a document names (not public in S3's terms); every named
 * account that is neither side; and each account a foreign canonical user ID stands for.
 */
export function accountOutsiders(docs: PathDocuments, target: OutsiderTarget): Outsider[] {
  const named = accountsNamedBy(docs);
  const sides = new Set([target.productionAccountId, ...target.stagingAccountIds]);
  const third = [...named].filter((a) => !sides.has(a)).sort();
  const unnamed = outsideAccount(named, target);
  const { strangers, members } = organizationVariants(docs, target.orgId);
  // Which organization a named account is in, xacct does not know: any of them.
  const anyOrg = [...strangers, ...members];
  return [
    ...strangers.map((org) => accountOutsider(unnamed, `account ${unnamed} (named by no policy)`, true, org, target)),
    ...members.map((org) => accountOutsider(unnamed, `account ${unnamed} of organization ${org.orgId}`, false, org, target)),
    ...third.flatMap((a) => anyOrg.map((org) => accountOutsider(a, `account ${a}`, false, org, target))),
    ...foreignCanonicalIds(docs).flatMap((id) =>
      anyOrg.map((org) => {
        const outsider = accountOutsider(unnamed, `the account of canonical user ID ${id.slice(0, 16)}…`, false, org, target);
        return { ...outsider, principal: { ...outsider.principal, canonicalUserId: id } };
      }),
    ),
  ];
}

/** An unsigned request: no account, no identity. */
export function anonymousOutsider(target: OutsiderTarget): Outsider {
  return {
    who: "anonymous requests",
    principal: { arn: "*", accountId: "anonymous" },
    context: { "aws:ResourceAccount": target.productionAccountId },
    open: { absent: IDENTITY_KEYS },
    publicInS3Terms: true,
  };
}

function accountOutsider(accountId: string, who: string, publicInS3Terms: boolean, org: OrgFacts, target: OutsiderTarget): Outsider {
  const arn = `arn:${target.partition}:iam::${accountId}:role/xacct-outsider`;
  return {
    who,
    principal: { arn, accountId },
    context: {
      "aws:PrincipalAccount": accountId,
      "aws:PrincipalArn": arn,
      "aws:PrincipalIsAWSService": false,
      "aws:ResourceAccount": target.productionAccountId,
      ...org.context,
    },
    open: { absent: ["aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", ...org.absent] },
    publicInS3Terms,
    ...(org.unknown ? { unknown: org.unknown } : {}),
  };
}

/** The same outsider with its unknown facts gone: what it reaches whatever they turn out to be (or that they do not hold). */
export function withoutUnknown(outsider: Outsider): Outsider {
  if (!outsider.unknown) return outsider;
  return { ...outsider, open: { ...outsider.open, absent: [...outsider.open.absent, ...outsider.unknown.keys] }, unknown: undefined };
}

/**
 * Any principal of each Staging account, choosing what it sends: what the bucket grants
 * Staging beyond the plan is checked for all of them, not only the Staging user. Its
 * organization is a fact: as read (`stagingOrg`, the first Staging account's), else, for the
 * further accounts, the organization the setup trusts (--org-id); else not known.
 */
export function stagingPrincipals(target: OutsiderTarget, stagingOrg: OrgMembership | undefined): Outsider[] {
  return target.stagingAccountIds.map((accountId) =>
    accountOutsider(accountId, `a principal of Staging account ${accountId}`, false, stagingAccountOrg(target, accountId, stagingOrg), target),
  );
}

/** A Staging account's organization: as read for the first (`stagingOrg`), else the one the setup trusts, else not known. */
export function stagingAccountOrg(target: OutsiderTarget, accountId: string, stagingOrg: OrgMembership | undefined): OrgFacts {
  const read = accountId === target.stagingAccountIds[0] ? stagingOrg : undefined;
  const trusted: OrgMembership | undefined = target.orgId ? { kind: "member", orgId: target.orgId, managementAccountId: "" } : undefined;
  return stagingOrgFacts(accountId, read ?? trusted);
}

/** A principal of an account no document names, inside the organization the setup trusts. */
export function organizationMember(docs: PathDocuments, target: OutsiderTarget, orgId: string): Outsider {
  const account = outsideAccount(accountsNamedBy(docs), target);
  return accountOutsider(
    account,
    `account ${account} of organization ${orgId}`,
    false,
    { context: { "aws:PrincipalOrgID": orgId, "aws:PrincipalOrgPaths": [`${orgId}/r-xxxx/`] }, absent: [] },
    target,
  );
}
