/**
 * iam-simulate as a test oracle. It is AGPL-3.0, so it stays a devDependency and is imported
 * from tests only: nothing in src/ may depend on it, or every xacct user would be bound by it.
 */
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import type { ContextValue, Decision, EvaluationRequest, LabeledPolicy, PolicySet } from "../../src/policy-eval/index.js";

const DECISIONS = { Allowed: "Allow", ExplicitlyDenied: "ExplicitDeny", ImplicitlyDenied: "ImplicitDeny" } as const;

/** iam-simulate takes context values as text only, as they travel in a real request. */
function contextAsText(context: Record<string, ContextValue>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, Array.isArray(value) ? value : String(value)]));
}

/**
 * runUnsafeSimulation loads the resource policy without a name and then reads the name; handing
 * it iam-policy's ValidatedPolicy shape (plain data) supplies one.
 */
function asValidatedPolicy(policy: LabeledPolicy) {
  return { __validated: true, policyDocument: policy.document, metadata: { name: policy.label }, errors: [] };
}

/** The decision iam-simulate reaches, without its input validation (we feed it valid policies). */
export function referenceDecision(request: EvaluationRequest, policies: PolicySet): Decision {
  const result = runUnsafeSimulation(
    {
      request: {
        principal: request.principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccountId },
        contextVariables: contextAsText(request.context),
      },
      identityPolicies: policies.identity.map((policy) => ({ name: policy.label, policy: policy.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policies.resource && asValidatedPolicy(policies.resource),
    },
    {},
  );
  return DECISIONS[result];
}
