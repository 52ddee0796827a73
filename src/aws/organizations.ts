/** The accounts of an AWS Organization (or of one organizational unit), every page of them. */
import { ListAccountsCommand, ListAccountsForParentCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { callerOf, countCalls, credentialsFor, type AwsTarget } from "./clients.js";
import type { CallLog } from "./call-log.js";
import { withAwsContext } from "./errors.js";

export async function listOrganizationAccounts(target: AwsTarget, ou: string | undefined, log?: CallLog): Promise<string[]> {
  const client = new OrganizationsClient({
    region: target.region,
    credentials: credentialsFor(target),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: 4,
  });
  if (log) countCalls(client, "ORGANIZATIONS", callerOf(target), log);
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
