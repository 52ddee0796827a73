/**
 * The analysis behind a translated AccessDenied: read the documents on the path of the
 * remembered setup of that role or bucket and find the first hop that does not hold. Loaded only after a denial.
 */
import { loadSetups } from "../state.js";
import type { CommandContext } from "../commands/context.js";
import { analysePath } from "./analyse.js";
import { requestContext, type HopId } from "./hops.js";

export const HOPS_FOR: Record<"assume" | "read", readonly HopId[]> = {
  assume: ["user-may-assume", "trust-admits-user"],
  read: ["role-may-read", "bucket-allows-read", "user-may-read", "bucket-admits-user", "role-may-decrypt", "user-may-decrypt", "key-policy-admits"],
};

export async function likelyCause(ctx: CommandContext, kind: keyof typeof HOPS_FOR, about: string): Promise<string | undefined> {
  const state = (await loadSetups(ctx.statePath)).find((setup) => about === setup.roleArn || about === setup.bucket);
  if (!state) return undefined;
  const moreStagingAccountIds = state.moreStaging?.map((a) => a.accountId);
  const { hops } = await analysePath(
    ctx,
    { ...state, mode: state.mode ?? "role", ssoPermissionSets: state.trustSsoPermissionSets },
    { context: () => requestContext(state), moreStagingAccountIds },
  );
  const failed = hops.find((hop) => HOPS_FOR[kind].includes(hop.id) && hop.ok === false);
  if (failed) return `Likely cause: ${failed.title} does not hold. ${failed.detail}${failed.fix ? ` Fix: ${failed.fix}` : ""}`;
  const undecided = hops.find((hop) => (HOPS_FOR[kind].includes(hop.id) || hop.id === "organization-policies-checked") && hop.ok === null);
  if (undecided) return `Possible cause: ${undecided.title}. ${undecided.detail}${undecided.fix ? ` Fix: ${undecided.fix}` : ""}`;
  if (kind === "read" && (state.mode ?? "role") === "role") {
    return "xacct's evaluator finds every policy it can read allowing this read, so the key most likely does not exist.";
  }
  return "xacct's evaluator finds every policy it can read allowing this (SCPs, RCPs and boundaries included where it could read them); the denial may come from a condition on how the call was made (source IP, VPC endpoint) or a policy xacct does not see (a VPC endpoint policy).";
}
