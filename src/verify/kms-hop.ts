/**
 * Reading an SSE-KMS object also needs kms:Decrypt on the bucket's key, which S3 asks KMS for
 * on the reader's behalf: the reader's own policies must allow it, and the key policy must
 * admit the reader (naming it, or its account's root, which lets IAM policies decide). Pure:
 * the key, its policy and the reader's policies in, the KMS hops out, judged by the evaluator.
 */
import { accountRootArn, parseKeyArn, policyDocument, type KmsKey } from "../policy/index.js";
import { describeStatement, evaluate, type EvaluationRequest, type EvaluationResult, type LabeledPolicy, type PolicySet } from "../policy-eval/index.js";
import type { Hop } from "./hops.js";

export interface KmsHopInput {
  mode: "role" | "resource-policy";
  /** Who reads, for titles: the role's or the Staging user's name. */
  reader: string;
  request: EvaluationRequest;
  key: KmsKey;
  /** undefined: xacct could not read it (kms:GetKeyPolicy denied). */
  keyPolicy: LabeledPolicy | undefined;
  /** The reader's policies: the role's (role mode) or the Staging user's (resource-policy mode). */
  readerPolicies: LabeledPolicy[];
  readerBoundary?: LabeledPolicy | undefined;
  /** Further layers that only limit the reader's request (session policies, SCPs, RCPs), as verify reads them. */
  limits?: Omit<Partial<PolicySet>, "identity" | "resource" | "permissionsBoundary"> | undefined;
}

const ANY_IDENTITY: LabeledPolicy = {
  label: "(the reader's own permissions, assumed to allow)",
  document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]),
};

/** Stands for a key policy that admits the reader's account and lets its IAM policies decide (judged in its own hop). */
function delegatingKeyPolicy(key: KmsKey, readerAccountId: string): LabeledPolicy {
  const partition = parseKeyArn(key.arn)?.partition ?? "aws";
  return {
    label: "(the key policy, assumed to let IAM policies decide)",
    document: policyDocument([{ Effect: "Allow", Principal: { AWS: accountRootArn(partition, readerAccountId) }, Action: "kms:*", Resource: "*" }]),
  };
}

type Judged = EvaluationResult & { adverse?: EvaluationResult };

function evaluateIntended(request: EvaluationRequest, policies: PolicySet): Judged {
  const favourable = evaluate(request, policies);
  if (!request.open) return favourable;
  const adverse = evaluate({ ...request, open: { ...request.open, adverse: true } }, policies);
  return adverse.decision === favourable.decision ? favourable : { ...favourable, adverse };
}

/**
 * Whether the key policy admits the request's principal (naming it, or its account's root),
 * and denies it nothing: the evaluator requires a key policy for kms:* even in the same
 * account. The reader's own permissions are assumed here; they are judged in their own hop.
 */
export function keyPolicyAdmits(request: EvaluationRequest, keyPolicy: LabeledPolicy, boundary?: LabeledPolicy): Judged {
  return evaluateIntended(request, { identity: [ANY_IDENTITY], permissionsBoundary: boundary && ANY_IDENTITY, resource: keyPolicy });
}

/** For setup's plan: the key policy surely admits the reader (so xacct adds no statement to it). */
export function keyPolicyAdmitsReader(request: EvaluationRequest, keyPolicy: LabeledPolicy, boundary?: LabeledPolicy): boolean {
  const result = keyPolicyAdmits(request, keyPolicy, boundary);
  return result.decision === "Allow" && !result.adverse;
}

/** The KMS hops of a read: the reader may decrypt with the key, and the key policy admits it. */
export function kmsHops(input: KmsHopInput): Hop[] {
  return [readerHop(input), keyPolicyHop(input)];
}

function readerHop(input: KmsHopInput): Hop {
  const id = input.mode === "role" ? "role-may-decrypt" : "user-may-decrypt";
  const title = `${input.reader} may kms:Decrypt with key ${input.key.arn} through S3`;
  const layers = { ...input.limits, permissionsBoundary: input.readerBoundary };
  const own = evaluateIntended(input.request, { identity: input.readerPolicies, ...layers, resource: delegatingKeyPolicy(input.key, input.request.principal.accountId) });
  // Same account, a key policy naming the reader itself is enough without an identity grant.
  const combined = input.keyPolicy ? evaluateIntended(input.request, { identity: input.readerPolicies, ...layers, resource: input.keyPolicy }) : undefined;
  const result = own.decision !== "Allow" && combined?.decision === "Allow" ? combined : own;
  if (input.mode === "role" && input.key.manager === "AWS" && own.decision !== "Allow" && !input.keyPolicy) {
    return { id, title, ok: null, detail: `Cannot tell: the key policy of the AWS managed key ${input.key.arn} could not be read, and ${input.reader}'s own policies do not allow kms:Decrypt on it.`, fix: "Let the verifying credentials call kms:GetKeyPolicy on the key, then run verify again." };
  }
  return verdict(id, title, result, `Give ${input.reader} kms:Decrypt on ${input.key.arn} (through S3 only): run \`xacct setup\`, which adds the grant to its policy.`);
}

function keyPolicyHop(input: KmsHopInput): Hop {
  const id = "key-policy-admits";
  const title = `the key policy of ${input.key.arn} lets ${input.reader} decrypt through S3`;
  const sharedAwsKey = input.key.manager === "AWS" && input.mode === "resource-policy";
  const awsKeyFix = "The AWS managed key aws/s3 cannot be shared with another account: re-encrypt the objects with a customer managed key of Production, or use role mode (`xacct setup --mode role`).";
  if (!input.keyPolicy) {
    if (sharedAwsKey) return { id, title, ok: false, detail: `The AWS managed key ${input.key.arn} admits only principals of its own account.`, fix: awsKeyFix };
    return {
      id,
      title,
      ok: null,
      detail: `Cannot tell: the key policy of ${input.key.arn} could not be read (kms:GetKeyPolicy was refused), so whether it admits ${input.reader} is unknown.`,
      fix: "Let the verifying credentials call kms:GetKeyPolicy on the key, then run verify again; xacct treats this check as not holding.",
    };
  }
  const result = keyPolicyAdmits(input.request, input.keyPolicy, input.readerBoundary);
  const fix = sharedAwsKey ? awsKeyFix : `Let ${input.reader} decrypt with the key: run \`xacct setup\`, which adds its statement to the key policy.`;
  return verdict(id, title, result, fix);
}

function statements(result: EvaluationResult): string {
  return result.deciding.map(describeStatement).join(", ");
}

function verdict(id: string, title: string, result: Judged, fix: string): Hop {
  const ok = result.decision === "Allow";
  if (ok && result.adverse) {
    const named = result.adverse.decision === "ExplicitDeny" ? statements(result.adverse) : "the statements that allow it";
    return {
      id,
      title,
      ok: null,
      detail: `Cannot tell: ${named} depend on condition keys whose values xacct cannot read (such as aws:SourceIp, aws:SourceVpce or tags). If they go against the request: ${result.adverse.reason}`,
      fix: `Check the conditions of ${named} against how the reader will call S3; xacct treats this check as not holding.`,
    };
  }
  if (ok) return { id, title, ok, detail: result.reason };
  const denied = result.decision === "ExplicitDeny" ? `Remove or narrow ${statements(result)}. ` : "";
  return { id, title, ok, detail: result.reason, fix: `${denied}${fix}` };
}
