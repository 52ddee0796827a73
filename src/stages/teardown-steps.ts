/**
 * Teardown's removals as steps, each carried out by its kind's module (resources/). Each
 * delete asks AWS again, at that moment, whether the resource is still this setup's (its
 * tags, its content) and keeps it otherwise, saying why: the plan may have been on screen for
 * a while, and someone may have taken the resource over since.
 */
import type { AwsClients } from "../aws/clients.js";
import { withAwsContext } from "../aws/errors.js";
import { TEARDOWN_ORDER } from "../resources/index.js";
import type { Account, Removal, TeardownTarget } from "../resources/resource.js";
import type { Step } from "./steps.js";

export function teardownSteps(
  clients: Record<Account, AwsClients>,
  removals: Removal[],
  target: TeardownTarget,
  where: Record<Account, { account: string; profile: string }>,
  /** Where xacct processes on this machine take turns writing a shared document (a key policy). */
  lockDirectory: string,
): Step[] {
  // Removals come in teardown's order; resources this mode never had (no role in resource-policy mode) have none.
  return removals.flatMap((removal) => {
    const remove = TEARDOWN_ORDER.find((kind) => kind.id === removal.id)?.remove;
    if (!remove) return [];
    const side = where[removal.account];
    const spec = remove({ clients: clients[removal.account], target, removals, lockDirectory, profile: side.profile }, removal);
    return [
      {
        id: removal.id,
        title: spec.title,
        run: async () => {
          if (removal.kind === "none") return "absent";
          if (removal.kind === "keep") return "kept";
          const outcome = await withAwsContext({ action: `removing ${removal.resource} in ${side.account}`, profile: side.profile }, () =>
            spec.remove(removal),
          );
          // Kept after all: the plan's line for it, and --json's, say so and why.
          if (typeof outcome !== "string" && outcome.status === "kept") Object.assign(removal, { kind: "keep", note: outcome.note });
          return outcome;
        },
      },
    ];
  });
}
