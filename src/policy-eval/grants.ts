/**
 * Combining the Allows of both sides of a request: the identity side (the principal's
 * policies) and the resource side (trust policy, bucket policy).
 */
import type { PrincipalMatch } from "./principal.js";
import type { DecidingStatement, EvaluationRequest, PolicySet } from "./types.js";

/** A statement that applies to the request, and how it names the principal. */
export interface AppliedStatement extends DecidingStatement {
  principalMatch: PrincipalMatch;
  /** How sentences name its layer after the policy's label (layers.ts); empty for identity and resource. */
  layerTitle: string;
  /** From a stand-in policy (LabeledPolicy.assumed): never named in a reason. */
  assumed?: boolean;
}

/** What each side of the request allows, once explicit denies are ruled out. */
export interface Grants {
  identity: AppliedStatement[];
  /** Resource-policy Allows that name the principal itself. */
  resourceForPrincipal: AppliedStatement[];
  /** Resource-policy Allows that name only the principal's account (delegating to its identity policies). */
  resourceForAccount: AppliedStatement[];
}

export function isCrossAccount(request: EvaluationRequest): boolean {
  return request.principal.accountId !== request.resourceAccountId;
}

/** sts:AssumeRole and friends: the resource policy is the role's trust policy. */
export function needsRoleTrust(request: EvaluationRequest, policies: PolicySet): boolean {
  return policies.resource !== undefined && request.action.toLowerCase().startsWith("sts:");
}

const KMS_KEY_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:key\//;

/**
 * kms:* on a key: the key policy must allow the principal, or name its account (which then
 * delegates to its IAM policies), even in the same account (KMS key policy docs: "no principal,
 * including the account root user, has any permissions to a KMS key unless the key policy
 * allows it"). Without a key policy, nothing is allowed.
 */
export function needsKeyPolicy(request: EvaluationRequest): boolean {
  return request.action.toLowerCase().startsWith("kms:") && KMS_KEY_ARN.test(request.resource);
}

/** The resource's policy must admit the principal or its account, even in the same account. */
export function resourcePolicyRequired(request: EvaluationRequest, policies: PolicySet): boolean {
  return needsRoleTrust(request, policies) || needsKeyPolicy(request);
}

/** The statements that together allow the request, or undefined when it is not allowed. */
export function allowingStatements(request: EvaluationRequest, policies: PolicySet, grants: Grants): AppliedStatement[] | undefined {
  const resourceAny = [...grants.resourceForPrincipal, ...grants.resourceForAccount];
  if (isCrossAccount(request)) {
    return grants.identity.length > 0 && resourceAny.length > 0 ? [...grants.identity, ...resourceAny] : undefined;
  }
  if (grants.resourceForPrincipal.length > 0) return [...grants.resourceForPrincipal, ...grants.identity];
  if (grants.identity.length === 0) return undefined;
  if (!resourcePolicyRequired(request, policies)) return grants.identity;
  return grants.resourceForAccount.length > 0 ? [...grants.identity, ...grants.resourceForAccount] : undefined;
}
