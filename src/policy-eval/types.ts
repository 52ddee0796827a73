/** The shapes `evaluate` takes and returns. Pure data: no I/O anywhere in policy-eval. */
import type { PolicyDocument } from "../policy/documents.js";

/** A context value as the request carries it; booleans and numbers compare as their text. */
export type ContextValue = string | string[] | boolean | number;

/**
 * Who signs the request. `kind` is "aws" (an IAM user, role or role session; the default), "service"
 * (an AWS service principal such as `ec2.amazonaws.com`, in `arn`) or "federated" (a web-identity or
 * SAML provider, in `arn`). `canonicalUserId` is the S3 canonical user ID of the requester's
 * account, which bucket policies may name with `{"CanonicalUser": …}`.
 */
export interface RequestPrincipal {
  arn: string;
  accountId: string;
  kind?: "aws" | "service" | "federated" | undefined;
  canonicalUserId?: string | undefined;
}

export interface EvaluationRequest {
  /** Who signs the request: an IAM user, a role, or a role session (`arn:aws:sts::…:assumed-role/ROLE/SESSION`). */
  principal: RequestPrincipal;
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
  /**
   * The open keys go against the requester: a condition on one lets a Deny apply and keeps an
   * Allow from applying. For the intended request, evaluated both ways: when the answers differ,
   * xacct cannot tell (the keys are facts it cannot read, such as aws:SourceIp).
   */
  adverse?: boolean | undefined;
}

/** A policy plus the name the caller wants to see in results, e.g. `trust policy of StageRole`. */
export interface LabeledPolicy {
  label: string;
  document: PolicyDocument;
  /**
   * A stand-in for documents this evaluation does not judge (the other side of a cross-account
   * request), taken to allow: it decides like any policy, but reasons never name it.
   */
  assumed?: boolean;
}

export interface PolicySet {
  /** Policies attached to the principal (inline and managed). */
  identity: LabeledPolicy[];
  /**
   * The principal's permissions boundary: identity policies grant only what it allows too; its
   * Denies apply. Same account, a resource policy naming the user's or the session's own ARN is
   * not limited by it (one naming the role, the account or `*` is).
   */
  permissionsBoundary?: LabeledPolicy | undefined;
  /** The policy on the resource: a role's trust policy for sts:AssumeRole, a bucket policy for S3, a KMS key policy. */
  resource?: LabeledPolicy;
  /**
   * Session policies passed when the role session was made: the session gets only what they
   * allow too (their Denies apply). A resource policy naming the session's own ARN is not
   * limited by them; one naming the role or the account is.
   */
  sessionPolicies?: LabeledPolicy[] | undefined;
  /**
   * Organization SCPs that apply to the principal's account, one array per level, root → OUs →
   * account. Every level must allow the action; any Deny denies. Absent: none apply (not in an
   * organization, or the management account).
   */
  scps?: LabeledPolicy[][] | undefined;
  /**
   * Organization RCPs that apply to the resource's account, same shape as `scps`. They bound
   * access to the account's resources for every principal.
   */
  rcps?: LabeledPolicy[][] | undefined;
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
