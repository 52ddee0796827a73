/** The `reason` sentences of an evaluation: what decided, and for a denial what is missing. */
import { isCrossAccount, needsKeyPolicy, needsRoleTrust, type AppliedStatement, type Grants } from "./grants.js";
import type { Layer } from "./layers.js";
import { quotedText } from "../policy/documents.js";
import type { DecidingStatement, EvaluationRequest, PolicySet } from "./types.js";

export function describeStatement(statement: DecidingStatement): string {
  const name = statement.sid === undefined ? `statement #${statement.statementIndex}` : `statement ${quotedText(statement.sid)}`;
  return `${name} of ${statement.policy}`;
}

function describeAll(statements: DecidingStatement[]): string {
  return statements.map(describeStatement).join(", ");
}

/** A statement, and its layer when that is not plain from the label (an SCP, a boundary, …). */
function describeInLayer(statement: AppliedStatement): string {
  return statement.layerTitle === "" ? describeStatement(statement) : `${describeStatement(statement)}, ${statement.layerTitle}`;
}

export function explainExplicitDeny(denies: AppliedStatement[]): string {
  return `Explicitly denied by ${denies.map(describeInLayer).join("; ")}; an explicit Deny overrides every Allow.`;
}

/** An SCP or RCP level without an Allow for the request. */
export function explainBound(request: EvaluationRequest, layer: Layer, level: number): string {
  const kind = layer.name === "SCPs" ? "SCP" : "RCP";
  const labels = layer.levels[level]!.map((policy) => policy.label);
  const where = labels.length === 0 ? `level ${level + 1} (no policy attached there)` : labels.join(", ");
  const whose = layer.name === "SCPs" ? `the account of ${request.principal.arn}` : `the account of ${request.resource}`;
  return `No ${kind} at level ${level + 1} of ${layer.levels.length} (root → OUs → account) allows ${request.action} on ${request.resource}: ${where}; every level of ${kind}s that apply to ${whose} must allow it.`;
}

/** A permissions boundary or session policies that allow nothing of what the identity grants. */
export function explainNarrowed(request: EvaluationRequest, layer: Layer): string {
  const labels =
    layer.levels
      .flat()
      .map((policy) => policy.label)
      .join(", ") || layer.title;
  const what = `${request.action} on ${request.resource}`;
  if (layer.name === "permissions boundary") {
    return `${labels} does not allow ${what}; an action is allowed only if the identity policies and the permissions boundary both allow it.`;
  }
  return `No session policy (${labels}) allows ${what}; a role session gets only what both its role's policies and its session policies allow.`;
}

export function explainAllow(allows: AppliedStatement[]): string {
  const named = allows.filter((statement) => !statement.assumed);
  return `Allowed by ${describeAll(named.length > 0 ? named : allows)}.`;
}

function resourceSide(policies: PolicySet): string {
  return policies.resource?.label ?? "a resource policy (there is none)";
}

export function explainImplicitDeny(request: EvaluationRequest, policies: PolicySet, grants: Grants): string {
  const what = `${request.action} on ${request.resource}`;
  const who = `${request.principal.arn} (account ${request.principal.accountId})`;
  const identityAllows = grants.identity.length > 0;
  const resourceAdmits = grants.resourceForPrincipal.length + grants.resourceForAccount.length > 0;
  // A stand-in (the side this evaluation takes as allowing) is no cause worth naming.
  const namedIdentity = grants.identity.filter((statement) => !statement.assumed);
  if (isCrossAccount(request)) {
    const bothSides = `across accounts (${request.principal.accountId} → ${request.resourceAccountId}) both must allow`;
    if (identityAllows && namedIdentity.length === 0) return `${resourceSide(policies)} does not admit ${who} to ${what}.`;
    if (identityAllows) return `${describeAll(namedIdentity)} allows ${what}, but ${resourceSide(policies)} does not admit ${who}; ${bothSides}.`;
    if (resourceAdmits) return `${resourceSide(policies)} admits ${who}, but no identity policy of it allows ${what}; ${bothSides}.`;
  } else if (identityAllows && needsRoleTrust(request, policies)) {
    if (namedIdentity.length === 0) return `${resourceSide(policies)} trusts neither ${who} nor its account.`;
    return `${describeAll(namedIdentity)} allows ${what}, but ${resourceSide(policies)} trusts neither ${who} nor its account.`;
  } else if (needsKeyPolicy(request) && !resourceAdmits) {
    const keyPolicy = policies.resource?.label ?? "the key policy (none was given)";
    return `${keyPolicy} allows ${what} neither to ${who} nor to its account; a KMS key is usable only by whom its key policy allows, even in its own account.`;
  } else if (resourceAdmits) {
    return `${resourceSide(policies)} names only the account of ${who}, which leaves the decision to its identity policies, and none allows ${what}.`;
  }
  return `No statement allows ${what} for ${who}.`;
}
