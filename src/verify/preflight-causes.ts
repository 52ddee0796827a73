/**
 * A failed hop as setup's pre-flight says it. verify's wording fits a setup that exists ("run
 * `xacct setup`, which writes …"); before setup writes anything, the cause is usually one of
 * the run's own flags, and the fix is a changed flag. Pure.
 */
import { partitionForRegion, roleArn as roleArnOf, userArn as userArnOf } from "../policy/arn.js";
import type { SetupPlan } from "../plan.js";
import type { Hop, HopId } from "./hops/types.js";

export interface PreflightWords {
  detail: string;
  fix?: string | undefined;
}

/** Hops that refuse the Staging user when the grant names principals instead of the Staging account. */
const GRANTEE_HOPS = new Set<HopId>(["trust-admits-user", "bucket-admits-user", "bucket-lets-staging-list"]);

/**
 * `userArn`: the Staging user's ARN as IAM has it (with its path), when the user exists.
 */
export function preflightWords(hop: Hop, plan: SetupPlan | undefined, userArn: string | undefined): PreflightWords {
  const flagged = plan && hop.ok === false && GRANTEE_HOPS.has(hop.id) ? principalsCause(plan, userArn) : undefined;
  if (flagged) return flagged;
  const fix = hop.fix && withoutRerunAdvice(hop.fix, plan);
  return { detail: hop.detail, ...(fix ? { fix } : {}) };
}

/** --trust-principal names principals, and the Staging user (or role, with --staging-role) is not among them. */
function principalsCause(plan: SetupPlan, sideArn: string | undefined): PreflightWords | undefined {
  const principals = plan.answers.trust.principals ?? [];
  const { stagingUser, stagingRole } = plan.answers;
  const staging = plan.accounts.staging.accountId;
  const partition = partitionForRegion(plan.answers.region);
  const side = stagingRole !== undefined ? { kind: "role", name: stagingRole } : { kind: "user", name: stagingUser };
  const arn = sideArn ?? (stagingRole !== undefined ? roleArnOf(partition, staging, stagingRole) : userArnOf(partition, staging, stagingUser));
  if (principals.length === 0 || principals.includes(arn)) return undefined;
  const grant = plan.answers.mode === "role" ? `the trust policy of ${plan.answers.roleName}` : `the bucket policy of ${plan.answers.bucket}`;
  const named = principals.flatMap((p) => new RegExp(`^arn:[^:]+:iam::\\d{12}:${side.kind}\\/(?:.*\\/)?([^/]+)$`).exec(p)?.[1] ?? []);
  const flag = `--staging-${side.kind}`;
  const other = named.length === 1 ? `, give ${flag} ${named[0]}` : named.length > 1 ? `, make ${flag} one of those ${side.kind}s` : "";
  const which = stagingRole !== undefined ? ` (role ${stagingRole}, the Staging side --staging-role names)` : "";
  return {
    detail: `--trust-principal names only ${principals.join(", ")}, not the Staging ${side.kind} ${arn}, so ${grant} would not admit ${side.kind} ${side.name}.`,
    fix: `Either add --trust-principal ${arn}${which}${other}, or leave --trust-principal out to trust the whole Staging account ${staging}.`,
  };
}

/**
 * "Run `xacct setup`" (again, with the same accounts, in this mode) is what the user is doing:
 * those sentences go. Advice to add a flag (`xacct setup --harden-bucket`) stays.
 */
function withoutRerunAdvice(fix: string, plan: SetupPlan | undefined): string {
  const rerun = new RegExp(`[Rr]un \`xacct setup(?: --mode ${plan?.answers.mode ?? "[a-z-]+"})?\``);
  return fix
    .split(/(?<=\.)\s+/)
    .filter((sentence) => !rerun.test(sentence))
    .join(" ");
}
