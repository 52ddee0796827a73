/** Shared pieces of judging a hop: the stand-ins for the other side, the verdict shapes. Pure. */
import { partitionForRegion } from "../../policy/arn.js";
import { policyDocument, type PolicyStatement } from "../../policy/documents.js";
import {
  describeStatement,
  evaluate,
  PolicyEvalError,
  type EvaluationRequest,
  type EvaluationResult,
  type LabeledPolicy,
  type PolicySet,
} from "../../policy-eval/index.js";
import type { OutsiderTarget } from "../outsiders.js";
import { S3_REQUEST_KEYS } from "../request-context.js";
import type { PathDocuments } from "../documents.js";
import type { Hop, HopId, VerifyTarget } from "./types.js";

/**
 * The SCPs of one side's account (they bound its principals' requests) or the RCPs of
 * Production (they bound requests on its resources), as evaluator layers; {} when none apply
 * or they were not read (the organization hop says which).
 */
export function orgLayer(docs: PathDocuments, side: "production" | "staging", kind: "scps" | "rcps"): Pick<PolicySet, "scps" | "rcps"> {
  const policies = docs.organization?.[side];
  const layer = policies?.kind === "read" ? policies[kind] : undefined;
  return layer ? { [kind]: layer } : {};
}

/**
 * A hop whose judging met a statement the evaluator cannot judge (an operator it does not
 * know, say): "cannot tell", naming the statement, and verify goes on with the other hops.
 */
export function unjudged(id: HopId, title: string, error: PolicyEvalError): Hop {
  return {
    id,
    title,
    ok: null,
    detail: `Cannot tell: ${error.message}`,
    fix: `${error.hint ? `${error.hint} ` : ""}Check that statement by hand; xacct treats this check as not holding.`,
  };
}

/** Judges one hop; a statement the evaluator cannot judge makes it "cannot tell" instead of ending verify. */
export function judging<T extends Hop | undefined>(id: HopId, title: string, compute: () => T): T | Hop {
  try {
    return compute();
  } catch (error) {
    if (error instanceof PolicyEvalError) return unjudged(id, title, error);
    throw error;
  }
}

/** As `judging`, for a function that makes several hops: each of `fallback` becomes "cannot tell". */
export function judgingAll(fallback: { id: HopId; title: string }[], compute: () => Hop[]): Hop[] {
  try {
    return compute();
  } catch (error) {
    if (error instanceof PolicyEvalError) return fallback.map((f) => unjudged(f.id, f.title, error));
    throw error;
  }
}

/** Stand-ins that isolate one side of a cross-account check, so each hop judges one document set. */
export const ANY_IDENTITY: LabeledPolicy = {
  label: "(the caller's own permissions, assumed to allow)",
  assumed: true,
  document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]),
};
export const ANY_TRUST: LabeledPolicy = {
  label: "(the role's trust, assumed to admit)",
  assumed: true,
  document: policyDocument([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]),
};

export function outsiderTarget(target: VerifyTarget): OutsiderTarget {
  const orgId = target.assumeContext?.["aws:PrincipalOrgID"];
  return {
    partition: partitionForRegion(target.region),
    productionAccountId: target.productionAccountId,
    stagingAccountIds: [target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])],
    orgId: typeof orgId === "string" ? orgId : undefined,
  };
}

/** The statements of real documents that allowed a request (not the stand-ins above). */
export function grantingStatements(result: EvaluationResult): string {
  return result.deciding
    .filter((d) => d.policy !== ANY_IDENTITY.label && d.policy !== ANY_TRUST.label)
    .map(describeStatement)
    .join(", ");
}

export function denyingStatements(result: EvaluationResult): string {
  return result.deciding.map(describeStatement).join(", ");
}

export const S3_SIGNING = S3_REQUEST_KEYS;

/** An evaluation of an intended request, and, when facts xacct cannot read could turn it, the result with them going against it. */
export type Judged = EvaluationResult & { adverse?: EvaluationResult };

export function evaluateIntended(request: EvaluationRequest, policies: PolicySet): Judged {
  const favourable = evaluate(request, policies);
  if (!request.open) return favourable;
  const adverse = evaluate({ ...request, open: { ...request.open, adverse: true } }, policies);
  return adverse.decision === favourable.decision ? favourable : { ...favourable, adverse };
}

export function verdict(id: HopId, title: string, ok: boolean, result: Judged, fix: string): Hop {
  if (ok && result.adverse) return cannotTell(id, title, result.adverse, result);
  return ok
    ? { id, title, ok, detail: result.reason }
    : { id, title, ok, detail: result.reason, fix: result.decision === "ExplicitDeny" ? `Remove or narrow ${denyingStatements(result)}. ${fix}` : fix };
}

/** The hop turns on a fact xacct cannot read (aws:SourceIp, aws:SourceVpce, aws:userid, tags, …): it says so, naming the statements. */
export function cannotTell(id: HopId, title: string, adverse: EvaluationResult, allowed?: EvaluationResult): Hop {
  // An Allow that may not apply is named by the statements that granted it when the facts went the request's way.
  const deciding =
    adverse.decision === "ExplicitDeny"
      ? adverse.deciding
      : (allowed?.deciding ?? []).filter((d) => d.policy !== ANY_IDENTITY.label && d.policy !== ANY_TRUST.label);
  const statements = deciding.length > 0 ? deciding.map(describeStatement).join(", ") : "the statements that allow it";
  return {
    id,
    title,
    ok: null,
    detail: `Cannot tell: ${statements} depend${deciding.length === 1 ? "s" : ""} on condition keys whose values xacct cannot read (such as aws:SourceIp, aws:SourceVpce, aws:userid or tags). If they go against the request: ${adverse.reason}`,
    fix: `Check the conditions of ${statements} against how ${id.startsWith("user") ? "the Staging user" : "Staging"} will call AWS; xacct treats this check as not holding.`,
  };
}

/** The document a hop judges is not there (a role deleted, a bucket without a policy): `detail` says which. */
export function missing(id: HopId, title: string, detail: string, fix: string): Hop {
  return { id, title, ok: false, detail, fix };
}

/**
 * For "cannot" checks: the same principal sending whatever it likes. Only what AWS fixes about
 * it stays (its account and ARN; for a session, its role's ARN), so a condition on TLS, tags
 * or request values does not count as keeping it out.
 */
export function anyRequestOf(request: EvaluationRequest, principalArn: string): EvaluationRequest {
  return {
    ...request,
    context: {
      "aws:PrincipalAccount": request.principal.accountId,
      "aws:PrincipalArn": principalArn,
      "aws:PrincipalIsAWSService": false,
      "aws:ResourceAccount": request.resourceAccountId,
    },
    open: { absent: ["aws:PrincipalServiceName", "aws:PrincipalServiceNamesList"], exactPrincipal: true },
  };
}

/** The policy with some statements made inert in place, so the others keep their numbers (statement #N). */
export function withoutStatements(policy: LabeledPolicy, drop: (statement: PolicyStatement) => boolean): LabeledPolicy {
  const inert: PolicyStatement = { Effect: "Allow", Principal: { AWS: [] }, Action: [] };
  return { label: policy.label, document: { ...policy.document, Statement: policy.document.Statement.map((s) => (drop(s) ? inert : s)) } };
}

export const OUTSIDER_CHOOSES =
  "(A caller chooses what it sends, how it names and tags its own users and roles, and whether it uses TLS, so conditions on those do not keep it out.)";
