/**
 * With --trust-sso-permission-set, the trust must admit that permission set's roles and no one
 * else of Staging: the whole trust as it is (xacct's own statement too, which may have been
 * edited) is judged for principals it must refuse. Pure.
 */
import { evaluate, type ContextValue, type LabeledPolicy } from "../../policy-eval/index.js";
import { ANY_IDENTITY, grantingStatements } from "./judge.js";
import { changedPermissionSetStatement } from "./permission-set-statement.js";
import type { RolePath } from "./path.js";
import type { Hop, VerifyTarget } from "./types.js";

const SUFFIX = "0123456789abcdef";
/** Identity Center's two role paths: no region (identity source in us-east-1), and a region. */
const RESERVED_PATHS = ["aws-reserved/sso.amazonaws.com/", "aws-reserved/sso.amazonaws.com/eu-west-1/"];

export interface RefusedPrincipal {
  who: string;
  accountId: string;
  /** aws:PrincipalArn: the role (with its path) or the user. */
  principalArn: string;
  /** The caller: a session of the role, or the user. */
  callerArn: string;
}

/** An account that is none of the setup's, for "the same permission set elsewhere". */
function otherAccount(target: VerifyTarget): string {
  const taken = new Set([target.productionAccountId, target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])]);
  return ["999999999999", "999999999998", "999999999997"].find((a) => !taken.has(a))!;
}

function roleProbe(partition: string, accountId: string, path: string, name: string, who: string): RefusedPrincipal {
  return {
    who,
    accountId,
    principalArn: `arn:${partition}:iam::${accountId}:role/${path}${name}`,
    callerArn: `arn:${partition}:sts::${accountId}:assumed-role/${name}/xacct-probe`,
  };
}

/**
 * Who must stay out: another permission set's role and a set whose name only starts with a
 * planned one (`Dev_Admin`), on both paths; a role and a user of Staging that are not Identity
 * Center's; the planned set's role in an account that is none of the setup's.
 */
export function refusedPrincipals(target: VerifyTarget, partition: string): RefusedPrincipal[] {
  const sets = target.ssoPermissionSets ?? [];
  const planned = new Set(sets);
  const other = ["Other", "OtherSet", "XacctOther"].find((s) => !planned.has(s))!;
  const lookalikes = sets.map((s) => `${s}_Admin`).filter((s) => !planned.has(s));
  const accounts = [target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])];
  const probes = accounts.flatMap((account) => [
    ...RESERVED_PATHS.flatMap((path) =>
      [other, ...lookalikes].map((set) =>
        roleProbe(partition, account, path, `AWSReservedSSO_${set}_${SUFFIX}`, `permission set ${set}'s role in account ${account}`),
      ),
    ),
    roleProbe(partition, account, "", "xacct-unnamed", `role xacct-unnamed of account ${account}`),
    {
      who: `user xacct-unnamed of account ${account}`,
      accountId: account,
      principalArn: `arn:${partition}:iam::${account}:user/xacct-unnamed`,
      callerArn: `arn:${partition}:iam::${account}:user/xacct-unnamed`,
    },
  ]);
  const elsewhere = otherAccount(target);
  const first = sets[0];
  if (first !== undefined)
    probes.push(
      roleProbe(partition, elsewhere, RESERVED_PATHS[0]!, `AWSReservedSSO_${first}_${SUFFIX}`, `permission set ${first}'s role in account ${elsewhere}`),
    );
  return probes;
}

/** The trust admits none of `refusedPrincipals`, each sending what a correct caller sends (external ID, MFA). */
export function permissionSetOnlyHop(trust: LabeledPolicy, target: VerifyTarget, path: RolePath): Hop {
  const sets = (target.ssoPermissionSets ?? []).join(", ");
  const title = `the trust policy of ${target.roleName} admits no one of Staging but permission set ${sets}`;
  const changed = changedPermissionSetStatement(trust.document, target, path.partition);
  if (changed) {
    return {
      id: "trust-admits-only-permission-set",
      title,
      ok: false,
      detail: `${changed}: the plan admits only permission set ${sets}.`,
      fix: "Run `xacct setup` again to restore the planned trust.",
    };
  }
  for (const probe of refusedPrincipals(target, path.partition)) {
    const request = path.assume({ arn: probe.callerArn, accountId: probe.accountId });
    const context: Record<string, ContextValue> = { ...request.context, "aws:PrincipalArn": probe.principalArn, "aws:PrincipalAccount": probe.accountId };
    if (probe.principalArn !== probe.callerArn) context["aws:PrincipalType"] = "AssumedRole";
    const result = evaluate({ ...request, context }, { identity: [ANY_IDENTITY], resource: trust });
    if (result.decision !== "Allow") continue;
    const admitting = grantingStatements(result);
    return {
      id: "trust-admits-only-permission-set",
      title,
      ok: false,
      detail: `${probe.who} may assume it, admitted by ${admitting}: the plan admits only permission set ${sets}.`,
      fix: `Run \`xacct setup\` again to restore the planned trust, or narrow ${admitting} to the permission set's roles.`,
    };
  }
  return {
    id: "trust-admits-only-permission-set",
    title,
    ok: true,
    detail: "Other permission sets' roles, other roles and users of Staging, and other accounts are refused.",
  };
}
