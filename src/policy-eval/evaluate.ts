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
 * Left out on purpose, and where they would go: SCPs/RCPs, permission boundaries and session
 * policies can only narrow a result. Each would be analysed like `identity` below, its Denies
 * joining `denies`, and its missing Allow turning an Allow into ImplicitDeny in `evaluate`.
 */
import type { PolicyStatement } from "../policy/documents.js";
import { explainAllow, explainExplicitDeny, explainImplicitDeny } from "./explain.js";
import { allowingStatements, type AppliedStatement, type Grants } from "./grants.js";
import type { PrincipalMatch } from "./principal.js";
import { resourceStatementMatch, statementMatchesRequest } from "./statement.js";
import type { DecidingStatement, EvaluationRequest, EvaluationResult, LabeledPolicy, PolicySet } from "./types.js";

function appliedStatements(
  policy: LabeledPolicy,
  match: (statement: PolicyStatement) => PrincipalMatch,
): AppliedStatement[] {
  return policy.document.Statement.flatMap((statement, statementIndex) => {
    const principalMatch = match(statement);
    if (principalMatch === "none") return [];
    const sid = statement.Sid === undefined ? {} : { sid: statement.Sid };
    return [{ policy: policy.label, ...sid, statementIndex, effect: statement.Effect, principalMatch }];
  });
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
 * Throws XacctError for condition operators it cannot evaluate rather than guessing.
 */
export function evaluate(request: EvaluationRequest, policies: PolicySet): EvaluationResult {
  const identity = policies.identity.flatMap((policy) =>
    appliedStatements(policy, (statement) => (statementMatchesRequest(statement, request) ? "principal" : "none")),
  );
  const resource = policies.resource
    ? appliedStatements(policies.resource, (statement) => resourceStatementMatch(statement, request))
    : [];
  const denies = [...identity, ...resource].filter(isDeny);
  if (denies.length > 0) {
    return { decision: "ExplicitDeny", deciding: deciding(denies), reason: explainExplicitDeny(denies) };
  }
  const resourceAllows = resource.filter(isAllow);
  const grants: Grants = {
    identity: identity.filter(isAllow),
    resourceForPrincipal: resourceAllows.filter((s) => s.principalMatch === "principal"),
    resourceForAccount: resourceAllows.filter((s) => s.principalMatch === "account"),
  };
  const allowedBy = allowingStatements(request, policies, grants);
  if (allowedBy !== undefined) {
    return { decision: "Allow", deciding: deciding(allowedBy), reason: explainAllow(allowedBy) };
  }
  const partial = [...grants.identity, ...grants.resourceForPrincipal, ...grants.resourceForAccount];
  return { decision: "ImplicitDeny", deciding: deciding(partial), reason: explainImplicitDeny(request, policies, grants) };
}

