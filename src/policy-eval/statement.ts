/**
 * Whether one statement applies to a request: its action, resource, principal (resource
 * policies only) and conditions all match.
 */
import type { PolicyStatement } from "../policy/documents.js";
import { resourceMatches } from "./arn-pattern.js";
import { conditionOutcome } from "./conditions.js";
import { notPrincipalMatch, principalMatch, type PrincipalMatch } from "./principal.js";
import type { EvaluationRequest } from "./types.js";
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
 */
function resourceApplies(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) return asList(statement.Resource).some((p) => resourceMatches(p, resource));
  if (statement.NotResource !== undefined) return !asList(statement.NotResource).some((p) => resourceMatches(p, resource));
  return true;
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
 * it has no Principal, it applies to whoever it is attached to.
 */
export function statementMatchesRequest(statement: PolicyStatement, request: EvaluationRequest): boolean {
  return (
    actionApplies(statement, request.action) &&
    resourceApplies(statement, request.resource) &&
    conditionsApply(statement, request)
  );
}

/**
 * An Allow applies when its conditions may hold; a Deny only when they surely do. With
 * `open.adverse` the other way round: open keys go against the requester.
 */
function conditionsApply(statement: PolicyStatement, request: EvaluationRequest): boolean {
  const outcome = conditionOutcome(statement.Condition, request);
  const adverse = request.open?.adverse === true;
  return outcome === "holds" || (outcome === "either" && (statement.Effect === "Allow") !== adverse);
}

/** How a resource-policy statement names the requester, or "none" if it does not apply. */
export function resourceStatementMatch(statement: PolicyStatement, request: EvaluationRequest, bounded = false): PrincipalMatch {
  const match = statementPrincipalMatch(statement, request, bounded);
  if (match === "none" || !statementMatchesRequest(statement, request)) return "none";
  return match;
}
