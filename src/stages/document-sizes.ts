/**
 * Refuses a plan whose documents, as setup will leave them (merged into an existing role's
 * trust, into the whole bucket policy), would be over AWS's size limits: each kind measures
 * its own document (resources/), and the refusal names every one over, with its way out.
 */
import { invalidInput } from "../errors.js";
import type { SetupPlan } from "../plan.js";
import type { Overflow } from "../policy/limits.js";
import { SETUP_ORDER } from "../resources/index.js";
import type { Change } from "../resources/resource.js";
import { counted } from "../ui/words.js";

export function checkDocumentSizes(plan: SetupPlan, changes: Change[]): void {
  const accounts = 1 + (plan.accounts.moreStaging?.length ?? 0);
  const overflows = SETUP_ORDER.flatMap((kind) => {
    const change = changes.find((c) => c.id === kind.id);
    return change && kind.overflow ? [kind.overflow({ plan, change, accounts })] : [];
  }).filter((o): o is Overflow => o !== undefined);
  if (overflows.length === 0) return;
  throw invalidInput(
    `With ${counted(accounts, "Staging account")}, ${overflows.map((o) => `${o.what} would be ${o.length} characters, over AWS's limit of ${o.limit}`).join("; ")}.`,
    [...new Set(overflows.map((o) => o.hint))].join(" "),
  );
}
