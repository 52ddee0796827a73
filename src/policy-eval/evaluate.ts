/**
 * AWS's policy evaluation logic for identity and resource-based policies, the two kinds that
 * decide xacct's cross-account hops. Pure: documents and a request in, a decision out.
 *
 * Order, as AWS documents it:
 * 1. An explicit Deny in any applicable policy wins.
 * 2. Within one account, an Allow in an identity policy or a resource policy that names the
 *    principal is enough. A role's trust policy is the exception: it must admit the principal
 *    or its account even then, because a role is only assumable by whom it trusts.
 * 3. Across accounts, both sides must allow: an identity policy of the principal, and a
 *    resource policy (trust policy, bucket policy) naming the principal or its account.
 * 4. Anything else is an implicit deny.
 *
 * A permissions boundary (the named layer `permissionsBoundary`) narrows what identity
 * policies grant: its Denies join `denies`, and without one of its Allows the identity grants,
 * and resource grants naming only the role or account, do not count. A Deny using NotPrincipal
 * always applies to a principal with a boundary (AWS's boundary docs).
 *
 * Left out on purpose, and where they would go: SCPs/RCPs and session policies can only narrow
 * a result; each would be a named layer like `permissionsBoundary`.
 */
import type { PolicyStatement } from "../policy/documents.js";
import { PolicyEvalError } from "./errors.js";
import { explainAllow, explainExplicitDeny, explainImplicitDeny } from "./explain.js";
import { allowingStatements, type AppliedStatement, type Grants } from "./grants.js";
import { namesExactly, type PrincipalMatch } from "./principal.js";
import { resourceStatementMatch, statementMatchesRequest } from "./statement.js";
import { hasVariables } from "./variables.js";
import type { DecidingStatement, EvaluationRequest, EvaluationResult, LabeledPolicy, PolicySet } from "./types.js";

function appliedStatements(
  policy: LabeledPolicy,
  match: (statement: PolicyStatement) => PrincipalMatch,
): AppliedStatement[] {
  return policy.document.Statement.flatMap((statement, statementIndex) => {
    const principalMatch = naming(policy.label, statementIndex, statement, () => match(statement));
    if (principalMatch === "none") return [];
    const sid = statement.Sid === undefined ? {} : { sid: statement.Sid };
    return [{ policy: policy.label, ...sid, statementIndex, effect: statement.Effect, principalMatch }];
  });
}

/** Runs `judge`, and names the statement in a PolicyEvalError it throws. */
function naming<T>(policy: string, statementIndex: number, statement: PolicyStatement, judge: () => T): T {
  try {
    return judge();
  } catch (error) {
    if (!(error instanceof PolicyEvalError) || error.statement !== undefined) throw error;
    const sid = statement.Sid === undefined ? {} : { sid: statement.Sid };
    const where = `${statement.Sid === undefined ? `statement #${statementIndex}` : `statement "${statement.Sid}"`} of ${policy}`;
    throw new PolicyEvalError(`${error.message.replace(/\.$/, "")} (${where}).`, { hint: error.hint, statement: { policy, statementIndex, ...sid } });
  }
}

function deciding(statements: AppliedStatement[]): DecidingStatement[] {
  return statements.map(({ principalMatch: _, ...statement }) => statement);
}

const isAllow = (statement: AppliedStatement) => statement.effect === "Allow";
const isDeny = (statement: AppliedStatement) => statement.effect === "Deny";

/**
 * Evaluates `request` against the principal's identity policies and the resource's policy.
 * `deciding` names the statements responsible, by the labels the caller gave, so that
 * `xacct verify` and AccessDenied translations can point at the exact statement.
 * Throws PolicyEvalError, naming the statement, for what it cannot evaluate (an unknown
 * condition operator) rather than guessing.
 */
export function evaluate(request: EvaluationRequest, policies: PolicySet): EvaluationResult {
  const identity = policies.identity.flatMap((policy) =>
    appliedStatements(policy, (statement) => (statementMatchesRequest(statement, request, hasVariables(policy.document.Version)) ? "principal" : "none")),
  );
  const boundary = policies.permissionsBoundary;
  const bounds = boundary
    ? appliedStatements(boundary, (statement) => (statementMatchesRequest(statement, request, hasVariables(boundary.document.Version)) ? "principal" : "none"))
    : [];
  const resource = policies.resource
    ? appliedStatements(policies.resource, (statement) => resourceStatementMatch(statement, request, boundary !== undefined, hasVariables(policies.resource?.document.Version)))
    : [];
  const denies = [...identity, ...bounds, ...resource].filter(isDeny);
  if (denies.length > 0) {
    return { decision: "ExplicitDeny", deciding: deciding(denies), reason: explainExplicitDeny(denies) };
  }
  const resourceAllows = resource.filter(isAllow);
  const grants: Grants = {
    identity: identity.filter(isAllow),
    resourceForPrincipal: resourceAllows.filter((s) => s.principalMatch === "principal"),
    resourceForAccount: resourceAllows.filter((s) => s.principalMatch === "account"),
  };
  const boundaryAllows = bounds.filter(isAllow);
  if (boundary && boundaryAllows.length === 0) {
    const limited = narrowedByBoundary(grants, request, policies);
    if (allowingStatements(request, policies, limited) === undefined && allowingStatements(request, policies, grants) !== undefined) {
      return { decision: "ImplicitDeny", deciding: deciding([...grants.identity, ...grants.resourceForPrincipal]), reason: explainBoundary(request, boundary.label) };
    }
    Object.assign(grants, limited);
  } else if (boundary && grants.identity.length > 0) {
    grants.identity = [...grants.identity, ...boundaryAllows];
  }
  const allowedBy = allowingStatements(request, policies, grants);
  if (allowedBy !== undefined) {
    return { decision: "Allow", deciding: deciding(allowedBy), reason: explainAllow(allowedBy) };
  }
  const partial = [...grants.identity, ...grants.resourceForPrincipal, ...grants.resourceForAccount];
  return { decision: "ImplicitDeny", deciding: deciding(partial), reason: explainImplicitDeny(request, policies, grants) };
}


/**
 * What is left when the boundary allows nothing: resource grants naming the requester's own ARN
 * in its own account (the user, or the session; not the role, the account or `*`).
 */
function narrowedByBoundary(grants: Grants, request: EvaluationRequest, policies: PolicySet): Grants {
  const statements = policies.resource?.document.Statement ?? [];
  const exact = (s: AppliedStatement) => {
    const principal = statements[s.statementIndex]?.Principal;
    return principal !== undefined && namesExactly(principal, request.principal) && request.principal.accountId === request.resourceAccountId;
  };
  return { identity: [], resourceForPrincipal: grants.resourceForPrincipal.filter(exact), resourceForAccount: [] };
}

function explainBoundary(request: EvaluationRequest, label: string): string {
  return `${label} does not allow ${request.action} on ${request.resource}; an action is allowed only if the identity policies and the permissions boundary both allow it.`;
}
