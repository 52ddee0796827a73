/**
 * xacct's own trust statement in a permission-set setup (found by its Sid), compared with what
 * setup writes: the Staging accounts' roots, narrowed by `ArnLike aws:PrincipalArn` to exactly
 * the planned permission-set patterns (plus named principals, which never hold a wildcard), and
 * no condition operator xacct does not write. A probe list cannot catch every widened pattern;
 * this comparison does. Pure.
 */
import { SID, ssoPermissionSetRolePatterns, type PolicyDocument, type PolicyStatement } from "../../policy/index.js";
import type { VerifyTarget } from "./types.js";

/** The condition operators and keys setup writes into the statement; anything else is an edit. */
const WRITTEN: Record<string, string[]> = {
  StringEquals: ["sts:ExternalId", "aws:PrincipalOrgID"],
  Bool: ["aws:MultiFactorAuthPresent"],
  ArnLike: ["aws:PrincipalArn"],
};

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** What differs from the planned statement, in a few words; undefined when each xacct statement is as planned. */
export function changedPermissionSetStatement(trust: PolicyDocument, target: VerifyTarget, partition: string): string | undefined {
  const ours = trust.Statement.filter((s) => typeof s.Sid === "string" && s.Sid.startsWith(SID.trustStaging));
  for (const statement of ours) {
    const change = statementChange(statement, target, partition);
    if (change) return `xacct's trust statement ${statement.Sid} was changed: ${change}`;
  }
  return undefined;
}

function statementChange(statement: PolicyStatement, target: VerifyTarget, partition: string): string | undefined {
  const accounts = [...new Set([target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])])];
  const s = statement as PolicyStatement & Record<string, unknown>;
  if (s.Effect !== "Allow" || s["NotPrincipal"] !== undefined || s["NotAction"] !== undefined)
    return "its effect, NotPrincipal or NotAction differs from the plan";
  const roots = new Set(accounts.map((a) => `arn:${partition}:iam::${a}:root`));
  const principal = s["Principal"] as { AWS?: unknown } | undefined;
  const named = principal && typeof principal === "object" ? list(principal.AWS) : [];
  if (Object.keys(principal ?? {}).length !== 1 || named.length !== roots.size || !named.every((p) => typeof p === "string" && roots.has(p)))
    return `its Principal is not ${[...roots].join(", ")}`;
  const condition = (s["Condition"] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [operator, keys] of Object.entries(condition)) {
    const allowed = WRITTEN[operator];
    if (!allowed) return `it has a condition operator ${operator}, which setup does not write`;
    const extra = Object.keys(keys ?? {}).find((k) => !allowed.includes(k));
    if (extra) return `it has ${operator} ${extra}, which setup does not write`;
  }
  if (list(condition["Bool"]?.["aws:MultiFactorAuthPresent"]).some((v) => String(v) !== "true")) return "its aws:MultiFactorAuthPresent is not true";
  const planned = new Set(accounts.flatMap((a) => (target.ssoPermissionSets ?? []).flatMap((set) => ssoPermissionSetRolePatterns(partition as never, a, set))));
  const patterns = list(condition["ArnLike"]?.["aws:PrincipalArn"]);
  if (patterns.length === 0) return "it no longer narrows aws:PrincipalArn to the permission sets' roles";
  const unplanned = patterns.filter((p) => typeof p !== "string" || (!planned.has(p) && /[*?]/.test(p)));
  if (unplanned.length > 0)
    return `aws:PrincipalArn ${unplanned.map((p) => JSON.stringify(p)).join(", ")} is not one of the planned ${[...planned].join(", ")}`;
  const missing = [...planned].filter((p) => !patterns.includes(p));
  if (missing.length > 0) return `the planned aws:PrincipalArn ${missing.join(", ")} is missing`;
  return undefined;
}
