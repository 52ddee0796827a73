/**
 * AWS's policy evaluation logic over named policy layers (layers.ts): identity policies, the
 * resource's policy, the permissions boundary, session policies, and the organization's SCPs
 * and RCPs. Pure: documents and a request in, a decision out.
 *
 * Order, as AWS documents it:
 * 1. An explicit Deny in any policy of any layer wins.
 * 2. SCPs (principal's account) and RCPs (resource's account): every level must allow.
 * 3. Within one account, an Allow in an identity policy or a resource policy that names the
 *    principal is enough. A role's trust policy and a KMS key policy are the exceptions: they
 *    must admit the principal or its account even then (naming the account delegates to the
 *    identity policies, which must then allow too).
 * 4. Across accounts, both sides must allow: an identity policy of the principal, and a
 *    resource policy naming the principal or its account.
 * 5. A permissions boundary and session policies narrow the principal's grants: without one of
 *    their Allows, only a same-account resource grant naming the requester's own ARN is left.
 *    A Deny using NotPrincipal always applies to a principal with a boundary (boundary docs).
 * 6. Anything else is an implicit deny.
 *
 * Before matching, policy variables are substituted (variables.ts) in 2012-10-17 documents.
 *
 * Left out, and why: VPC endpoint policies (xacct reads none), several resource policies at
 * once, service-specific rules beyond KMS key policies (AWS-managed resources that cannot be
 * changed, actions that need no permission), and service-linked roles' exemption from SCPs/RCPs.
 */
import type { PolicyStatement } from "../policy/documents.js";
import { PolicyEvalError } from "./errors.js";
import { explainAllow, explainBound, explainExplicitDeny, explainImplicitDeny, explainNarrowed } from "./explain.js";
import { allowingStatements, type AppliedStatement, type Grants } from "./grants.js";
import { layersOf, type Layer } from "./layers.js";
import { namesExactly, type PrincipalMatch } from "./principal.js";
import { resourceStatementMatch, statementMatchesRequest } from "./statement.js";
import { hasVariables } from "./variables.js";
import type { DecidingStatement, EvaluationRequest, EvaluationResult, LabeledPolicy, PolicySet } from "./types.js";

/** A layer's statements that apply to the request, level by level. */
interface AppliedLayer {
  layer: Layer;
  levels: AppliedStatement[][];
}

function appliedStatements(policy: LabeledPolicy, layer: Layer, match: (statement: PolicyStatement) => PrincipalMatch): AppliedStatement[] {
  return policy.document.Statement.flatMap((statement, statementIndex) => {
    const principalMatch = naming(policy.label, statementIndex, statement, () => match(statement));
    if (principalMatch === "none") return [];
    const sid = statement.Sid === undefined ? {} : { sid: statement.Sid };
    return [
      {
        policy: policy.label,
        ...sid,
        statementIndex,
        effect: statement.Effect,
        principalMatch,
        layerTitle: layer.title,
        ...(policy.assumed ? { assumed: true } : {}),
      },
    ];
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

/** The resource layer names principals; every other layer applies to whoever it is attached to. */
function applyLayer(layer: Layer, request: EvaluationRequest, bounded: boolean): AppliedLayer {
  const levels = layer.levels.map((level) =>
    level.flatMap((policy) => {
      const variables = hasVariables(policy.document.Version);
      return appliedStatements(policy, layer, (statement) =>
        layer.name === "resource"
          ? resourceStatementMatch(statement, request, bounded, variables)
          : statementMatchesRequest(statement, request, variables)
            ? "principal"
            : "none",
      );
    }),
  );
  return { layer, levels };
}

function deciding(statements: AppliedStatement[]): DecidingStatement[] {
  return statements.map(({ principalMatch: _, layerTitle: __, ...statement }) => statement);
}

const isAllow = (statement: AppliedStatement) => statement.effect === "Allow";
const isDeny = (statement: AppliedStatement) => statement.effect === "Deny";

/**
 * Evaluates `request` against every layer of `policies`. `deciding` names the statements
 * responsible, by the labels the caller gave, so that `xacct verify` and AccessDenied
 * translations can point at the exact statement. Throws PolicyEvalError, naming the statement,
 * for what it cannot evaluate (an unknown condition operator) rather than guessing.
 */
export function evaluate(request: EvaluationRequest, policies: PolicySet): EvaluationResult {
  const applied = layersOf(policies, request.principal).map((layer) => applyLayer(layer, request, policies.permissionsBoundary !== undefined));
  const denies = applied.flatMap(({ levels }) => levels.flat()).filter(isDeny);
  if (denies.length > 0) {
    return { decision: "ExplicitDeny", deciding: deciding(denies), reason: explainExplicitDeny(denies) };
  }
  const grants = grantsOf(applied);
  const partial = () => deciding([...grants.identity, ...grants.resourceForPrincipal, ...grants.resourceForAccount]);
  for (const { layer, levels } of applied.filter(({ layer }) => layer.role === "bounds")) {
    const level = levels.findIndex((statements) => !statements.some(isAllow));
    if (level >= 0) return { decision: "ImplicitDeny", deciding: partial(), reason: explainBound(request, layer, level) };
  }
  for (const { layer, levels } of applied.filter(({ layer }) => layer.role === "narrows")) {
    const allows = levels.flat().filter(isAllow);
    if (allows.length > 0) {
      if (grants.identity.length > 0) grants.identity = [...grants.identity, ...allows];
      continue;
    }
    const limited = narrowed(grants, request, policies);
    if (allowingStatements(request, policies, limited) === undefined && allowingStatements(request, policies, grants) !== undefined) {
      return { decision: "ImplicitDeny", deciding: partial(), reason: explainNarrowed(request, layer) };
    }
    Object.assign(grants, limited);
  }
  const allowedBy = allowingStatements(request, policies, grants);
  if (allowedBy !== undefined) {
    return { decision: "Allow", deciding: deciding(allowedBy), reason: explainAllow(allowedBy) };
  }
  return { decision: "ImplicitDeny", deciding: partial(), reason: explainImplicitDeny(request, policies, grants) };
}

function grantsOf(applied: AppliedLayer[]): Grants {
  const allowsOf = (name: Layer["name"]) =>
    applied
      .filter(({ layer }) => layer.name === name)
      .flatMap(({ levels }) => levels.flat())
      .filter(isAllow);
  const resourceAllows = allowsOf("resource");
  return {
    identity: allowsOf("identity"),
    resourceForPrincipal: resourceAllows.filter((s) => s.principalMatch === "principal"),
    resourceForAccount: resourceAllows.filter((s) => s.principalMatch === "account"),
  };
}

/**
 * What is left when a narrowing layer allows nothing: resource grants naming the requester's
 * own ARN in its own account (the user, or the session; not the role, the account or `*`).
 */
function narrowed(grants: Grants, request: EvaluationRequest, policies: PolicySet): Grants {
  const statements = policies.resource?.document.Statement ?? [];
  const exact = (s: AppliedStatement) => {
    const principal = statements[s.statementIndex]?.Principal;
    return principal !== undefined && namesExactly(principal, request.principal) && request.principal.accountId === request.resourceAccountId;
  };
  return { identity: [], resourceForPrincipal: grants.resourceForPrincipal.filter(exact), resourceForAccount: [] };
}
