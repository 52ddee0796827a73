/**
 * The analysis behind a translated AccessDenied: read the documents on the path of the
 * remembered setup and find the first hop that does not hold. Loaded only after a denial.
 */
import { loadState } from "../state.js";
import type { CommandContext } from "../commands/context.js";
import { analysePath } from "./analyse.js";
import { requestContext, type HopId } from "./hops.js";

export const HOPS_FOR: Record<"assume" | "read", readonly HopId[]> = {
  assume: ["user-may-assume", "trust-admits-user"],
  read: ["role-may-read", "bucket-allows-read", "user-may-read", "bucket-admits-user", "role-may-decrypt", "user-may-decrypt", "key-policy-admits"],
};

export async function likelyCause(ctx: CommandContext, kind: keyof typeof HOPS_FOR, about: string): Promise<string | undefined> {
  const state = await loadState(ctx.statePath);
  if (!state || (about !== state.roleArn && about !== state.bucket)) return undefined;
  const moreStagingAccountIds = state.moreStaging?.map((a) => a.accountId);
  const { hops } = await analysePath(ctx, { ...state, mode: state.mode ?? "role" }, { context: () => requestContext(state), moreStagingAccountIds });
  const failed = hops.find((hop) => HOPS_FOR[kind].includes(hop.id) && !hop.ok);
  if (!failed) {
    return "xacct's evaluator finds every policy it can read allowing this; the denial may come from an SCP, a permission boundary or a session policy.";
  }
  return `Likely cause: ${failed.title} does not hold. ${failed.detail}${failed.fix ? ` Fix: ${failed.fix}` : ""}`;
}
