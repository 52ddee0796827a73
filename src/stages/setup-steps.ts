/**
 * Stages 1 and 2 as steps: Production's resources, then Staging's, each kind written by its
 * own module (resources/), and only where its change is pending. The reading was done before
 * the plan was shown (stages/current.ts).
 */
import { homedir } from "node:os";
import type { AwsClients } from "../aws/clients.js";
import type { SetupPlan } from "../plan.js";
import { SETUP_ORDER } from "../resources/index.js";
import { bucketPolicyLockDirectory } from "../resources/bucket-policy-write.js";
import { withAwsContext } from "../aws/errors.js";
import type { Account, ApplySpec, Change } from "../resources/resource.js";
import type { ProductionState } from "../resources/state.js";
import type { Step } from "./steps.js";

export function setupSteps(
  clients: Record<Account, AwsClients>,
  plan: SetupPlan,
  changes: Change[],
  current: ProductionState,
  /** Runs right after CreateBucket succeeds, before anything else can fail. */
  bucketCreated: () => Promise<void> = async () => {},
  /** Where xacct processes on this machine take turns writing one bucket's policy. */
  lockDirectory: string = bucketPolicyLockDirectory(process.env, homedir()),
): Step[] {
  const where = {
    production: { account: `Production account ${plan.accounts.production.accountId}`, profile: plan.answers.productionProfile },
    staging: { account: `Staging account ${plan.accounts.staging.accountId}`, profile: plan.answers.stagingProfile },
  };
  // Changes come in setup's order; a resource the plan does not have in this mode (no role in resource-policy mode) has none.
  const stepsIn = (account: Account) => {
    const view = { clients: clients[account], plan, current, bucketCreated, lockDirectory };
    return changes.flatMap((change) => {
      const apply = SETUP_ORDER.find((kind) => kind.id === change.id)?.apply;
      return change.account === account && apply ? [stepForChange(change, where[account], apply(view, change))] : [];
    });
  };
  return [...stepsIn("production"), ...stepsIn("staging")];
}

/** The step of one planned change; a change of kind "none" makes no call at all. */
function stepForChange(change: Change, where: { account: string; profile: string }, spec: ApplySpec): Step {
  return {
    id: change.id,
    title: spec.title,
    // An update is undone by putting back what was there, never by deleting the resource.
    undo: change.kind === "update" ? (spec.undoUpdate ?? `put back ${change.resource} as the plan showed it before this run`) : spec.undo,
    run: async () => {
      // Nothing to write, but not necessarily in place: a note says what was left as it is.
      if (change.kind === "none") return change.note ? { status: "kept", note: change.note.replace(/^left as is: /, "") } : "unchanged";
      return withAwsContext({ action: `writing ${change.resource} in ${where.account}`, profile: where.profile }, () => spec.write(change));
    },
  };
}
