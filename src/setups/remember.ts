/**
 * What setup remembers of a run, and when: recorded before the first write (so a setup that
 * stops part-way can be finished or torn down) and put back as it was when the run is refused
 * before anything changed, so a failed run neither replaces nor adds a setup.
 */
import { setupId, type SetupAnswers, type SetupPlan } from "../plan.js";
import type { StepRecord } from "../stages/steps.js";
import { forgetSetup, saveSetup, type SetupState } from "../state.js";
import { refuseTakenProfile } from "./taken.js";

/** A step that changed an account: until one has, a failed run has changed nothing. */
export function changedSomething(step: StepRecord): boolean {
  return step.status === "created" || step.status === "updated" || step.status === "deleted";
}

/** Puts back the entry of this setup's id as it was before this run (none when there was none). */
export async function restoreRemembered(statePath: string, previous: SetupState | undefined, answers: SetupAnswers): Promise<void> {
  if (previous && setupId(previous) === setupId(answers)) await saveSetup(previous, statePath);
  else await forgetSetup(setupId(answers), statePath);
}

/**
 * Every key whose policy this setup ever wrote its statement into, across runs (never fewer):
 * teardown looks in all of them, so no statement is left behind when the keys a run needs change.
 */
function rememberedKeyUnion(earlier: readonly string[], plan: SetupPlan): string[] | undefined {
  const all = [...new Set([...(plan.kms?.keyStatements ?? []).map((k) => k.keyArn), ...earlier])];
  return all.length > 0 ? all : undefined;
}

/** What verify last found for this setup: a rerun keeps it for `xacct list`. */
export type LastVerify = Pick<SetupState, "lastVerifiedAt" | "lastVerifyOutcome">;

export async function rememberSetup(
  statePath: string,
  plan: SetupPlan,
  tempProfile: string,
  createdBucket: boolean,
  earlierKeyArns: readonly string[],
  lastVerify: LastVerify = {},
): Promise<void> {
  const state: SetupState = {
    mode: plan.answers.mode,
    productionProfile: plan.answers.productionProfile,
    stagingProfile: plan.answers.stagingProfile,
    region: plan.answers.region,
    bucket: plan.answers.bucket,
    roleName: plan.answers.roleName,
    policyName: plan.answers.policyName,
    roleArn: plan.roleArn,
    policyArn: plan.policyArn,
    stagingUser: plan.answers.stagingUser,
    stagingRole: plan.answers.stagingRole,
    tempProfile,
    productionAccountId: plan.accounts.production.accountId,
    stagingAccountId: plan.accounts.staging.accountId,
    moreStaging: plan.accounts.moreStaging?.length ? plan.accounts.moreStaging : undefined,
    endpoint: plan.answers.endpoint,
    createdBucket,
    externalId: plan.answers.trust.externalId,
    requireMfa: plan.answers.trust.requireMfa ?? false,
    orgId: plan.answers.trust.orgId,
    trustPrincipals: plan.answers.trust.principals?.length ? plan.answers.trust.principals : undefined,
    trustSsoPermissionSets: plan.answers.trust.ssoPermissionSets?.length ? plan.answers.trust.ssoPermissionSets : undefined,
    allowSourceIdentity: plan.answers.trust.allowSourceIdentity ?? false,
    maxSessionDuration: plan.answers.maxSessionDuration,
    kmsKeyArns: rememberedKeyUnion(earlierKeyArns, plan),
    updatedAt: new Date().toISOString(),
    lastVerifiedAt: lastVerify.lastVerifiedAt,
    lastVerifyOutcome: lastVerify.lastVerifyOutcome,
  };
  // Checked again under the state file's lock: another setup run at the same time may have
  // taken this temporary profile since the check before the plan (the first call is before any write).
  const id = setupId(plan.answers);
  await saveSetup(state, statePath, (remembered) => {
    if (plan.answers.mode === "role") refuseTakenProfile(remembered, id, tempProfile, "--temp-profile");
  });
}
