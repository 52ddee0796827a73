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
import type { Account, Change } from "../resources/resource.js";
import type { ProductionState } from "../resources/state.js";
import { stepsForChanges, type Step } from "./steps.js";

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
  const stepsIn = (account: Account) => {
    const view = { clients: clients[account], plan, current, bucketCreated, lockDirectory };
    const specs = SETUP_ORDER.flatMap((kind) => (kind.account === account && kind.apply ? [{ id: kind.id, ...kind.apply(view) }] : []));
    return stepsForChanges(changes, where[account], specs);
  };
  return [...stepsIn("production"), ...stepsIn("staging")];
}
