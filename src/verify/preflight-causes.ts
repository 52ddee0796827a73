/**
 * A failed hop as setup's pre-flight says it. verify's wording fits a setup that exists ("run
 * `xacct setup`, which writes …"); before setup writes anything, the cause is usually one of
 * the run's own flags, and the fix is a changed flag. Pure.
 */
import { partitionForRegion, userArn as userArnOf } from "../policy/arn.js";
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

/** --trust-principal names principals, and the Staging user is not among them. */
function principalsCause(plan: SetupPlan, userArn: string | undefined): PreflightWords | undefined {
  const principals = plan.answers.trust.principals ?? [];
  const { stagingUser } = plan.answers;
  const staging = plan.accounts.staging.accountId;
  const user = userArn ?? userArnOf(partitionForRegion(plan.answers.region), staging, stagingUser);
  if (principals.length === 0 || principals.includes(user)) return undefined;
  const grant = plan.answers.mode === "role" ? `the trust policy of ${plan.answers.roleName}` : `the bucket policy of ${plan.answers.bucket}`;
  const users = principals.flatMap((arn) => /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? []);
  const otherUser = users.length === 1 ? `, give --staging-user ${users[0]}` : users.length > 1 ? ", make --staging-user one of those users" : "";
  return {
    detail: `--trust-principal names only ${principals.join(", ")}, not the Staging user ${user}, so ${grant} would not admit ${stagingUser}.`,
    fix: `Either add --trust-principal ${user}${otherUser}, or leave --trust-principal out to trust the whole Staging account ${staging}.`,
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
