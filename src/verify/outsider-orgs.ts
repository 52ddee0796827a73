/**
 * Which organization an outsider is in: a fact AWS fixes (aws:PrincipalOrgID and
 * aws:PrincipalOrgPaths), not the caller's choice. A stranger cannot join an organization the
 * documents name; another account of that organization is in it already. S3 counts a grant to
 * a fixed organization as non-public (Block Public Access does not override it), so members are
 * probed apart from strangers. Pure: the documents in, the organization facts of each probe out.
 */
import type { OrgMembership } from "../aws/organizations.js";
import type { ContextValue } from "../policy-eval/index.js";
import type { PathDocuments } from "./documents.js";

export const ORG_KEYS = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

/** An outsider's organization: keys fixed, keys known absent, and keys xacct could not read. */
export interface OrgFacts {
  context: Record<string, ContextValue>;
  absent: string[];
  /** The organization it is in, when fixed. */
  orgId?: string | undefined;
  /** Keys whose values are facts xacct could not read, and what they are, for people. */
  unknown?: { keys: string[]; what: string } | undefined;
}

const ORG_KEY = /^aws:principalorg(id|paths)$/i;
const WILDCARD = /[*?]/;
const fill = (pattern: string) => pattern.replace(/\*/g, "zz9").replace(/\?/g, "z");

/** Values of aws:PrincipalOrgID and aws:PrincipalOrgPaths in the documents' conditions (Null's true/false aside). */
function orgValuesNamedBy(docs: PathDocuments): { key: "id" | "paths"; value: string }[] {
  const policies = [docs.trust, docs.bucketPolicy, ...docs.rolePolicies, ...docs.userPolicies].filter((p) => p !== undefined);
  return policies.flatMap((policy) =>
    policy.document.Statement.flatMap((statement) =>
      Object.entries(statement.Condition ?? {})
        .filter(([operator]) => !/^null$/i.test(operator))
        .flatMap(([, block]) =>
          Object.entries(block).flatMap(([key, values]) => {
            const kind = ORG_KEY.exec(key)?.[1]?.toLowerCase();
            if (!kind) return [];
            return [values]
              .flat()
              .filter((v): v is string => typeof v === "string")
              .map((value) => ({ key: kind === "id" ? ("id" as const) : ("paths" as const), value }));
          }),
        ),
    ),
  );
}

const member = (orgId: string, path: string): OrgFacts => ({ context: { "aws:PrincipalOrgID": orgId, "aws:PrincipalOrgPaths": [path] }, absent: [], orgId });

/**
 * Strangers: in no organization, in one no document names, or in one a wildcard matches (S3
 * counts that as public). Members: an account of each organization a document names by its
 * ID, once in each organizational unit the documents name of it, and once elsewhere in it.
 * `trustedOrgId` (--org-id): its members are meant to be let in by the trust, so they are not
 * among the members here (the organization hop judges them). Nothing named and no
 * --org-id: the organization stays open, as nothing could turn on it.
 */
export function organizationVariants(docs: PathDocuments, trustedOrgId: string | undefined): { strangers: OrgFacts[]; members: OrgFacts[] } {
  const named = orgValuesNamedBy(docs);
  if (named.length === 0 && !trustedOrgId) return { strangers: [{ context: {}, absent: [] }], members: [] };
  const entries = named.map(({ key, value }) => ({ org: key === "id" ? value : value.split("/")[0]!, path: key === "paths" ? value : undefined }));
  const fixed = [...new Set(entries.filter((e) => !WILDCARD.test(e.org)).map((e) => e.org))].sort();
  const taken = new Set([...fixed, ...(trustedOrgId ? [trustedOrgId] : [])]);
  const other = ["o-xxxxxxxxxx", "o-yyyyyyyyyy", "o-zzzzzzzzzz"].find((id) => !taken.has(id))!;
  const wildcards = entries
    .filter((e) => WILDCARD.test(e.org))
    .map((e) => ({ org: fill(e.org), path: e.path === undefined ? undefined : fill(e.path) }))
    .filter((e) => !taken.has(e.org))
    .map((e) => member(e.org, e.path ?? `${e.org}/r-xxxx/`));
  const strangers = [{ context: {}, absent: ORG_KEYS }, member(other, `${other}/r-xxxx/`), ...wildcards];
  const members = fixed
    .filter((org) => org !== trustedOrgId)
    .flatMap((org) => {
      const paths = entries.filter((e) => e.org === org && e.path !== undefined).map((e) => fill(e.path!));
      return [...new Set([`${org}/r-xxxx/`, ...paths])].map((path) => member(org, path));
    });
  return { strangers, members };
}

/**
 * A Staging account's organization as DescribeOrganization told it: in none (the keys are
 * absent), in one (its ID fixed; its organizational unit is not told), or not known.
 */
export function stagingOrgFacts(accountId: string, membership: OrgMembership | undefined): OrgFacts {
  if (membership?.kind === "none") return { context: {}, absent: ORG_KEYS };
  if (membership?.kind === "member") {
    return {
      context: { "aws:PrincipalOrgID": membership.orgId },
      absent: [],
      orgId: membership.orgId,
      unknown: {
        keys: ["aws:PrincipalOrgPaths"],
        what: `which organizational unit of ${membership.orgId} account ${accountId} is in (aws:PrincipalOrgPaths), which xacct does not read`,
      },
    };
  }
  const why = membership ? `DescribeOrganization answered ${membership.why}` : "not read";
  return { context: {}, absent: [], unknown: { keys: ORG_KEYS, what: `which organization account ${accountId} is in (${why})` } };
}
