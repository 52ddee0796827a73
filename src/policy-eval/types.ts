/** The shapes `evaluate` takes and returns. Pure data: no I/O anywhere in policy-eval. */
import type { PolicyDocument } from "../policy/documents.js";

/** A context value as the request carries it; booleans and numbers compare as their text. */
export type ContextValue = string | string[] | boolean | number;

export interface EvaluationRequest {
  /** Who signs the request: an IAM user, a role, or a role session (`arn:aws:sts::…:assumed-role/ROLE/SESSION`). */
  principal: { arn: string; accountId: string };
  /** `service:Action`, e.g. `s3:GetObject`. */
  action: string;
  /** The ARN the action acts on: the role ARN for sts:AssumeRole, the object ARN for s3:GetObject. */
  resource: string;
  resourceAccountId: string;
  /** Condition keys such as `aws:SecureTransport`; looked up case-insensitively. */
  context: Record<string, ContextValue>;
  /** Set for "could any request of this principal get in?"; see `OpenContext`. */
  open?: OpenContext | undefined;
}

/**
 * The requester chooses every condition key that is neither in `context` nor in `absent`
 * (what it sends, how it tags itself, whether it uses TLS): a condition on such a key does
 * not stop an Allow and does not make a Deny certain. It also names its own users and roles,
 * so aws:PrincipalArn, and a Principal naming a user or role, fix only the account. Keys in `context` are facts; keys in `absent`
 * are known to be missing.
 */
export interface OpenContext {
  absent: string[];
  /** The principal is exactly the one named (e.g. a role's session), not any user or role of its account. */
  exactPrincipal?: boolean | undefined;
}

/** A policy plus the name the caller wants to see in results, e.g. `trust policy of StageRole`. */
export interface LabeledPolicy {
  label: string;
  document: PolicyDocument;
}

export interface PolicySet {
  /** Policies attached to the principal (inline and managed). */
  identity: LabeledPolicy[];
  /** The policy on the resource: a role's trust policy for sts:AssumeRole, a bucket policy for S3. */
  resource?: LabeledPolicy;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/** One statement that decided the outcome, by the label its policy was given. */
export interface DecidingStatement {
  policy: string;
  sid?: string;
  statementIndex: number;
  effect: "Allow" | "Deny";
}

export interface EvaluationResult {
  decision: Decision;
  /**
   * Allow: the statements that granted it (identity and, when needed, resource side).
   * ExplicitDeny: every Deny statement that applied. ImplicitDeny: the Allow statements that
   * applied on one side only, if any (e.g. identity allows but the trust policy does not).
   */
  deciding: DecidingStatement[];
  /** One or two sentences for a person: what decided, and for a denial what is missing. */
  reason: string;
}
