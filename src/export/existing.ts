/**
 * What of an export already exists in the two accounts, read the way setup and teardown read
 * it (ListBuckets for the bucket, then its policy; the role, the managed policy and its
 * attachment; the Staging user's inline policy). Reads only.
 */
import type { AwsClients } from "../aws/clients.js";
import { getS3Owner } from "../aws/identity.js";
import type { SetupPlan } from "../plan.js";
import type { ExistingView } from "../resources/resource.js";
import { readProductionState, readStagingState } from "../stages/current.js";

export async function readExisting(plan: SetupPlan, clients: { production: AwsClients; staging: AwsClients }): Promise<ExistingView> {
  const { bucket, roleName, stagingUser, productionProfile, stagingProfile } = plan.answers;
  const owner = await getS3Owner(clients.production, productionProfile);
  const [prod, staging] = await Promise.all([
    readProductionState(clients.production, {
      bucket,
      bucketExists: owner.ownedBuckets.has(bucket),
      policyArn: plan.policyArn,
      roleName,
      profile: productionProfile,
    }),
    readStagingState(clients.staging, { userName: stagingUser, inlinePolicyName: plan.inlinePolicyName, profile: stagingProfile }),
  ]);
  return { plan, prod, staging };
}
