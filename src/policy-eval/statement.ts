/**
 * Whether one statement applies to a request: its action, resource, principal (resource
 * policies only) and conditions all match.
 */
import type { PolicyStatement } from "../policy/documents.js";
import { resourceMatches } from "./arn-pattern.js";
import { allOf, conditionOutcome, type ConditionOutcome } from "./conditions.js";
import { notPrincipalMatch, principalMatch, type PrincipalMatch } from "./principal.js";
import type { EvaluationRequest } from "./types.js";
import { substitute } from "./variables.js";
import { matchesWildcardIgnoringCase } from "./wildcard.js";

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** Service prefixes compare exactly (ignoring case); wildcards apply to the action name. */
function actionMatches(pattern: string, action: string): boolean {
  if (pattern === "*") return true;
  const [patternService, patternName] = splitAction(pattern);
  const [service, name] = splitAction(action);
  return patternService === service && matchesWildcardIgnoringCase(patternName, name);
}

function splitAction(action: string): [string, string] {
  const colon = action.indexOf(":");
  if (colon < 0) return [action.toLowerCase(), ""];
  return [action.slice(0, colon).toLowerCase(), action.slice(colon + 1)];
}

function actionApplies(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((p) => actionMatches(p, action));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => actionMatches(p, action));
  return false;
}

/**
 * A statement with neither Resource nor NotResource is a trust policy's: it is about the
 * resource it is attached to, so it applies. (AWS rejects such identity policies on upload.)
 * An entry with a policy variable the requester sets (`OpenContext`) may match or not.
 */
function resourceOutcome(statement: PolicyStatement, request: EvaluationRequest, variables: boolean): ConditionOutcome {
  const entries = statement.Resource ?? statement.NotResource;
  if (entries === undefined) return "holds";
  const matches = asList(entries).map((entry): ConditionOutcome => {
    const substituted = substitute(entry, request, variables);
    if (substituted.kind === "open") return "either";
    return substituted.kind === "pattern" && resourceMatches(substituted.pattern, request.resource, true) ? "holds" : "fails";
  });
  const listed: ConditionOutcome = matches.includes("holds") ? "holds" : matches.includes("either") ? "either" : "fails";
  if (statement.Resource !== undefined) return listed;
  return listed === "holds" ? "fails" : listed === "fails" ? "holds" : "either";
}

function statementPrincipalMatch(statement: PolicyStatement, request: EvaluationRequest, bounded: boolean): PrincipalMatch {
  const requester = request.principal;
  if (statement.Principal !== undefined) return principalMatch(statement.Principal, requester, request.open !== undefined && !request.open.exactPrincipal);
  // AWS's boundary docs: a Deny with NotPrincipal always denies a principal that has a boundary.
  if (statement.NotPrincipal !== undefined && bounded && statement.Effect === "Deny") return "principal";
  if (statement.NotPrincipal !== undefined) return notPrincipalMatch(statement.NotPrincipal, requester, statement.Effect);
  return "none";
}

/**
 * Action, resource and conditions match. That is all an identity-policy statement needs:
 * it has no Principal, it applies to whoever it is attached to. `variables`: the document's
 * `${…}` are policy variables (variables.ts).
 */
export function statementMatchesRequest(statement: PolicyStatement, request: EvaluationRequest, variables = false): boolean {
  if (!actionApplies(statement, request.action)) return false;
  const resource = resourceOutcome(statement, request, variables);
  if (resource === "fails") return false;
  return mayApply(statement, request, allOf([resource, conditionOutcome(statement.Condition, request, variables)]));
}

/**
 * An Allow applies when its resource and conditions may match; a Deny only when they surely
 * do. With `open.adverse` the other way round: what the requester sets goes against it.
 */
function mayApply(statement: PolicyStatement, request: EvaluationRequest, outcome: ConditionOutcome): boolean {
  const adverse = request.open?.adverse === true;
  return outcome === "holds" || (outcome === "either" && (statement.Effect === "Allow") !== adverse);
}

/** How a resource-policy statement names the requester, or "none" if it does not apply. */
export function resourceStatementMatch(statement: PolicyStatement, request: EvaluationRequest, bounded = false, variables = false): PrincipalMatch {
  const match = statementPrincipalMatch(statement, request, bounded);
  if (match === "none" || !statementMatchesRequest(statement, request, variables)) return "none";
  return match;
}
