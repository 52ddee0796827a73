/**
 * AWS Organizations: the accounts of an organization (or of one organizational unit), an
 * account's membership, and the SCPs and RCPs that apply to it, every page of them.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { callerOf, countCalls, credentialsFor, type AwsTarget } from "./clients.js";
import type { CallLog } from "./call-log.js";
import { awsErrorCode, withAwsContext } from "./errors.js";

export function organizationsClient(target: AwsTarget, log?: CallLog): OrganizationsClient {
  const client = new OrganizationsClient({
    region: target.region,
    credentials: credentialsFor(target),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: 4,
  });
  if (log) countCalls(client, "ORGANIZATIONS", callerOf(target), log);
  return client;
}

/** Where an account stands in AWS Organizations, as DescribeOrganization told (or could not). */
export type OrgMembership = { kind: "member"; orgId: string; managementAccountId: string } | { kind: "none" } | { kind: "unknown"; why: string };

/** The caller's account's organization; "unknown" (with the error's code) when it may not ask. */
export async function describeMembership(client: OrganizationsClient): Promise<OrgMembership> {
  try {
    const org = (await client.send(new DescribeOrganizationCommand({}))).Organization;
    if (!org?.Id) return { kind: "unknown", why: "DescribeOrganization named no organization" };
    return { kind: "member", orgId: org.Id, managementAccountId: org.MasterAccountId ?? "" };
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === "AWSOrganizationsNotInUseException") return { kind: "none" };
    // AWS said no (AccessDenied, …): a fact xacct cannot read. No answer at all is a failure.
    if (code === undefined || code === "CredentialsProviderError") throw error;
    return { kind: "unknown", why: code };
  }
}

export type OrgPolicyType = "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";

/** One level of the chain above an account (root, an OU, the account itself) and the policies attached there. */
export interface OrgPolicyLevel {
  target: string;
  policies: { id: string; name: string; content: string }[];
}

/**
 * The SCPs and RCPs on the chain from the root down to `accountId`, one level each; a type
 * the root has not enabled is undefined (none of that type apply). Throws what AWS answers
 * (AccessDenied outside the management or a delegated administrator account).
 */
export async function readPolicyChains(client: OrganizationsClient, accountId: string): Promise<Partial<Record<OrgPolicyType, OrgPolicyLevel[]>>> {
  const roots = (await client.send(new ListRootsCommand({}))).Roots ?? [];
  const enabled = new Set((roots[0]?.PolicyTypes ?? []).filter((p) => p.Status === "ENABLED").map((p) => p.Type));
  const chain = [accountId];
  for (let child = accountId; ;) {
    const parent = (await client.send(new ListParentsCommand({ ChildId: child }))).Parents?.[0];
    if (!parent?.Id) break;
    chain.unshift(parent.Id);
    if (parent.Type === "ROOT") break;
    child = parent.Id;
  }
  const contents = new Map<string, Promise<string>>();
  const content = (id: string) => {
    if (!contents.has(id))
      contents.set(
        id,
        client.send(new DescribePolicyCommand({ PolicyId: id })).then((out) => out.Policy?.Content ?? "{}"),
      );
    return contents.get(id)!;
  };
  const levels = async (type: OrgPolicyType) =>
    Promise.all(
      chain.map(async (target) => {
        const policies: OrgPolicyLevel["policies"] = [];
        let token: string | undefined;
        do {
          const page = await client.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: type, NextToken: token }));
          for (const p of page.Policies ?? []) if (p.Id) policies.push({ id: p.Id, name: p.Name ?? p.Id, content: await content(p.Id) });
          token = page.NextToken;
        } while (token);
        return { target, policies };
      }),
    );
  const out: Partial<Record<OrgPolicyType, OrgPolicyLevel[]>> = {};
  for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const) if (enabled.has(type)) out[type] = await levels(type);
  return out;
}

export async function listOrganizationAccounts(target: AwsTarget, ou: string | undefined, log?: CallLog): Promise<string[]> {
  const client = organizationsClient(target, log);
  const ids: string[] = [];
  let token: string | undefined;
  await withAwsContext({ action: `listing the accounts of ${ou ? `organizational unit ${ou}` : "the organization"}`, profile: target.profile }, async () => {
    do {
      const page = ou
        ? await client.send(new ListAccountsForParentCommand({ ParentId: ou, NextToken: token }))
        : await client.send(new ListAccountsCommand({ NextToken: token }));
      for (const account of page.Accounts ?? []) if (account.Id && account.Status !== "SUSPENDED") ids.push(account.Id);
      token = page.NextToken;
    } while (token);
  });
  return ids.sort();
}
