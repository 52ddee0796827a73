/** The `reason` sentences of an evaluation: what decided, and for a denial what is missing. */
import { isCrossAccount, needsRoleTrust, type AppliedStatement, type Grants } from "./grants.js";
import type { DecidingStatement, EvaluationRequest, PolicySet } from "./types.js";

export function describeStatement(statement: DecidingStatement): string {
  const name = statement.sid === undefined ? `statement #${statement.statementIndex}` : `statement "${statement.sid}"`;
  return `${name} of ${statement.policy}`;
}

function describeAll(statements: DecidingStatement[]): string {
  return statements.map(describeStatement).join(", ");
}

export function explainExplicitDeny(denies: AppliedStatement[]): string {
  return `Explicitly denied by ${describeAll(denies)}; an explicit Deny overrides every Allow.`;
}

export function explainAllow(allows: AppliedStatement[]): string {
  return `Allowed by ${describeAll(allows)}.`;
}

function resourceSide(policies: PolicySet): string {
  return policies.resource?.label ?? "a resource policy (there is none)";
}

export function explainImplicitDeny(request: EvaluationRequest, policies: PolicySet, grants: Grants): string {
  const what = `${request.action} on ${request.resource}`;
  const who = `${request.principal.arn} (account ${request.principal.accountId})`;
  const identityAllows = grants.identity.length > 0;
  const resourceAdmits = grants.resourceForPrincipal.length + grants.resourceForAccount.length > 0;
  if (isCrossAccount(request)) {
    const bothSides = `across accounts (${request.principal.accountId} → ${request.resourceAccountId}) both must allow`;
    if (identityAllows) return `${describeAll(grants.identity)} allows ${what}, but ${resourceSide(policies)} does not admit ${who}; ${bothSides}.`;
    if (resourceAdmits) return `${resourceSide(policies)} admits ${who}, but no identity policy of it allows ${what}; ${bothSides}.`;
  } else if (identityAllows && needsRoleTrust(request, policies)) {
    return `${describeAll(grants.identity)} allows ${what}, but ${resourceSide(policies)} trusts neither ${who} nor its account.`;
  } else if (resourceAdmits) {
    return `${resourceSide(policies)} names only the account of ${who}, which leaves the decision to its identity policies, and none allows ${what}.`;
  }
  return `No statement allows ${what} for ${who}.`;
}
