/** The way in: the Staging user may ask for the role, and its trust admits the user. Pure. */
import { accountRootArn, partitionForRegion, userArn } from "../../policy/arn.js";
import { evaluate, type EvaluationResult, type LabeledPolicy } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { ANY_IDENTITY, ANY_TRUST, evaluateIntended, judging, missing, orgLayer, verdict } from "./judge.js";
import type { Principal, RolePath } from "./path.js";
import type { Hop, VerifyTarget } from "./types.js";
import { counted } from "../../ui/words.js";

/** The user may ask for the role, the trust admits it (and every further Staging account). */
export function assumeHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const mayAssume = `${target.stagingUser} may call sts:AssumeRole on ${target.roleName}`;
  const hops = [
    judging("user-may-assume", mayAssume, () => {
      const identity = evaluateIntended(path.assume(path.user), {
        identity: docs.userPolicies,
        permissionsBoundary: docs.userBoundary,
        resource: ANY_TRUST,
        ...orgLayer(docs, "staging", "scps"),
      });
      return verdict(
        "user-may-assume",
        mayAssume,
        identity.decision === "Allow",
        identity,
        docs.userExists
          ? `${mfaNote(identity, [...docs.userPolicies, ...(docs.userBoundary ? [docs.userBoundary] : [])])}Give ${target.stagingUser} sts:AssumeRole on ${target.roleArn}: run \`xacct setup\` (it writes inline policy xacct-assume-${target.roleName}).`
          : `User ${target.stagingUser} does not exist in account ${target.stagingAccountId}: run \`xacct setup\` to create it.`,
      );
    }),
  ];
  if (target.ssoPermissionSets?.length) hops[0] = permissionSetNotChecked(target, mayAssume);
  const title = `the trust policy of ${target.roleName} admits ${target.stagingUser}`;
  const trustPolicy = docs.trust;
  if (!trustPolicy) return [...hops, missing("trust-admits-user", title, `Role ${target.roleArn} does not exist.`, "Create it: run `xacct setup`.")];
  hops.push(
    judging("trust-admits-user", title, () => {
      const trust = evaluateIntended(path.assume(path.user), {
        identity: [ANY_IDENTITY],
        permissionsBoundary: docs.userBoundary && ANY_IDENTITY,
        resource: trustPolicy,
        ...orgLayer(docs, "production", "rcps"),
      });
      const hop = verdict(
        "trust-admits-user",
        title,
        trust.decision === "Allow",
        trust,
        `Let account ${target.stagingAccountId} assume ${target.roleName}: run \`xacct setup\` (trust statement for ${accountRootArn(path.partition, target.stagingAccountId)}).`,
      );
      return hop.ok === false ? { ...hop, detail: `${hop.detail}${organizationNote(trustPolicy, docs, target)}` } : hop;
    }),
  );
  const more = target.moreStagingAccountIds ?? [];
  const moreTitle = `the trust policy of ${target.roleName} admits ${target.stagingUser} in ${counted(more.length, "more Staging account")}`;
  if (more.length > 0) hops.push(judging("trust-admits-more-accounts", moreTitle, () => moreAccountsHop(trustPolicy, target, more, path.assume)));
  return hops;
}

/** When the trust names an organization: which one Staging is in, as DescribeOrganization told. */
function organizationNote(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget): string {
  const org = docs.userFacts?.org;
  if (!org || org.kind === "unknown" || !/aws:PrincipalOrg/i.test(JSON.stringify(trust.document))) return "";
  return org.kind === "none"
    ? ` Account ${target.stagingAccountId} is in no organization, so its requests carry no aws:PrincipalOrgID.`
    : ` Account ${target.stagingAccountId} is in organization ${org.orgId}.`;
}

/** One hop for all further Staging accounts: the trust admits the Staging user in each. */
export function moreAccountsHop(
  trust: LabeledPolicy,
  target: VerifyTarget,
  accounts: string[],
  assume: (principal: Principal) => Parameters<typeof evaluate>[0],
): Hop {
  const partition = partitionForRegion(target.region);
  const refused = accounts.filter((accountId) => {
    const user = { arn: userArn(partition, accountId, target.stagingUser), accountId };
    return evaluate(assume(user), { identity: [ANY_IDENTITY], resource: trust }).decision !== "Allow";
  });
  const title = `the trust policy of ${target.roleName} admits ${target.stagingUser} in ${counted(accounts.length, "more Staging account")}`;
  return refused.length === 0
    ? { id: "trust-admits-more-accounts", title, ok: true, detail: `Every one of ${accounts.length} accounts is admitted.` }
    : {
        id: "trust-admits-more-accounts",
        title,
        ok: false,
        detail: `Not admitted: ${refused.join(", ")}.`,
        fix: "Run `xacct setup` with the same Staging accounts to put them in the trust policy.",
      };
}

/** When a Deny on aws:MultiFactorAuthPresent refuses the user: access keys carry no MFA. */
export function mfaNote(result: EvaluationResult, policies: LabeledPolicy[]): string {
  const conditions = result.deciding.map((d) => policies.find((p) => p.label === d.policy)?.document.Statement[d.statementIndex]?.Condition);
  if (result.decision !== "ExplicitDeny" || !/MultiFactorAuth/i.test(JSON.stringify(conditions))) return "";
  return "The user signs in with access keys, which carry no MFA: run `xacct setup --require-mfa` and assume with `xacct assume --mfa-serial ARN --token-code CODE`, or narrow the statement. ";
}

/**
 * A permission set's policy lives in IAM Identity Center, which xacct does not read: the Staging
 * side is never said to hold (ok: null), only what it must allow.
 */
function permissionSetNotChecked(target: VerifyTarget, title: string): Hop {
  return {
    id: "user-may-assume",
    title,
    ok: null,
    detail: `Not checked: the permission set's policy lives in Identity Center, where xacct does not read it. It must allow sts:AssumeRole on ${target.roleArn}.`,
    fix: `Add the inline policy xacct setup printed to ${target.stagingUser} in IAM Identity Center (it allows sts:AssumeRole on exactly ${target.roleArn}).`,
  };
}
