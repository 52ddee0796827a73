/**
 * The Staging side in further Staging accounts (org scale): the same user and inline policy in
 * every account the operator has a profile for, applied in parallel with bounded concurrency.
 * One account's failure does not stop the others; each account gets its own result line.
 */
import { CreateUserCommand, DeleteUserCommand, DeleteUserPolicyCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { toXacctError } from "../aws/errors.js";
import { xacctTags, type MoreStagingAccount, type SetupPlan } from "../plan.js";
import type { PolicyDocument } from "../policy/index.js";
import { isXacctStagingPolicy } from "../resources/inline-policy.js";
import { sameDocument } from "../policy/index.js";
import { madeBySetup, readStagingState } from "./current.js";
import { listUserExtras } from "../resources/user.js";
import type { Output } from "../ui/output.js";

export interface AccountResult {
  accountId: string;
  profile: string;
  status: "created" | "updated" | "unchanged" | "removed" | "kept" | "absent" | "failed";
  message?: string;
}

/** At most this many accounts are worked on at once: fast, and gentle on IAM's rate limits. */
export const ACCOUNT_CONCURRENCY = 8;

/** Runs `work` over `items`, at most `limit` at a time, keeping the input order in the results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

type WithProfile = MoreStagingAccount & { profile: string };

export function accountsWithProfiles(plan: SetupPlan): WithProfile[] {
  return (plan.accounts.moreStaging ?? []).filter((a): a is WithProfile => a.profile !== undefined);
}

export async function applyMoreStaging(plan: SetupPlan, clientsFor: (profile: string) => AwsClients, out: Output): Promise<AccountResult[]> {
  const accounts = accountsWithProfiles(plan);
  let finished = 0;
  return mapBounded(accounts, ACCOUNT_CONCURRENCY, async (account) => {
    const result = await applyOne(plan, account, clientsFor(account.profile));
    finished++;
    report(out, result, finished, accounts.length);
    return result;
  });
}

async function applyOne(plan: SetupPlan, account: WithProfile, clients: AwsClients): Promise<AccountResult> {
  const base = { accountId: account.accountId, profile: account.profile };
  const { stagingUser: UserName } = plan.answers;
  try {
    const current = await readStagingState(clients, { userName: UserName, inlinePolicyName: plan.inlinePolicyName, profile: account.profile });
    if (current.inlinePolicy && sameDocument(current.inlinePolicy, plan.documents.stagingPolicy)) return { ...base, status: "unchanged" };
    if (!current.user) await clients.iam.send(new CreateUserCommand({ UserName, Tags: xacctTags(plan) }));
    await clients.iam.send(
      new PutUserPolicyCommand({ UserName, PolicyName: plan.inlinePolicyName, PolicyDocument: JSON.stringify(plan.documents.stagingPolicy) }),
    );
    return { ...base, status: current.inlinePolicy ? "updated" : "created" };
  } catch (error) {
    return {
      ...base,
      status: "failed",
      message: toXacctError(error, { action: `granting ${UserName} in account ${account.accountId}`, profile: account.profile }).message,
    };
  }
}

export async function removeMoreStaging(
  accounts: WithProfile[],
  /**
   * `policies`: the inline policies xacct writes for this setup; one of other content stays.
   * `usedBy`: the other remembered setup that uses the same inline policy in an account, if any; there it stays.
   */
  target: {
    userName: string;
    inlinePolicyName: string;
    setupId: string;
    policies: readonly PolicyDocument[];
    usedBy?: ((accountId: string) => string | undefined) | undefined;
  },
  clientsFor: (profile: string) => AwsClients,
  out: Output,
): Promise<AccountResult[]> {
  let finished = 0;
  return mapBounded(accounts, ACCOUNT_CONCURRENCY, async (account) => {
    const base = { accountId: account.accountId, profile: account.profile };
    let result: AccountResult;
    const usedBy = target.usedBy?.(account.accountId);
    // Another setup's policy stays, and so does its user.
    if (usedBy !== undefined)
      result = { ...base, status: "kept", message: `inline policy ${target.inlinePolicyName} of user ${target.userName}: setup ${usedBy} uses it too` };
    else
      try {
        const clients = clientsFor(account.profile);
        const current = await readStagingState(clients, { userName: target.userName, inlinePolicyName: target.inlinePolicyName, profile: account.profile });
        const policyIsOurs = !!current.inlinePolicy && isXacctStagingPolicy(current.inlinePolicy, target.policies);
        if (policyIsOurs) await clients.iam.send(new DeleteUserPolicyCommand({ UserName: target.userName, PolicyName: target.inlinePolicyName }));
        // A user xacct created there goes too, unless something else was given to it since.
        const ours = current.user && madeBySetup(current.user.tags, target.setupId);
        const extras = ours
          ? await listUserExtras(clients, { stagingUser: target.userName, inlinePolicyName: policyIsOurs ? target.inlinePolicyName : "" })
          : [];
        if (ours && extras.length === 0) await clients.iam.send(new DeleteUserCommand({ UserName: target.userName }));
        const kept = current.inlinePolicy && !policyIsOurs ? `inline policy ${target.inlinePolicyName} was not written by xacct: left in place` : undefined;
        result = { ...base, status: policyIsOurs || (ours && extras.length === 0) ? "removed" : kept ? "kept" : "absent", ...(kept ? { message: kept } : {}) };
      } catch (error) {
        result = {
          ...base,
          status: "failed",
          message: toXacctError(error, { action: `removing ${target.inlinePolicyName} in account ${account.accountId}`, profile: account.profile }).message,
        };
      }
    finished++;
    report(out, result, finished, accounts.length);
    return result;
  });
}

/** One line per account as it finishes, counting up: the progress display. */
function report(out: Output, result: AccountResult, finished: number, total: number): void {
  const progress = out.color.dim(`[${String(finished).padStart(String(total).length)}/${total}]`);
  const line = `${progress} account ${result.accountId} (profile ${result.profile}): ${result.status}${result.message ? ` — ${result.message}` : ""}`;
  if (result.status === "failed") out.error(line);
  else out.line(`${out.color.green("✔")} ${line}`);
}
