/**
 * Reading an SSE-KMS object also needs kms:Decrypt on the bucket's key, which S3 asks KMS for
 * on the reader's behalf: the reader's own policies must allow it, and the key policy must
 * admit the reader (naming it, or its account's root, which lets IAM policies decide). Pure:
 * the key, its policy and the reader's policies in, the KMS hops out, judged by the evaluator.
 */
import { accountRootArn, parseKeyArn, policyDocument, type KmsKey, type Partition } from "../../policy/index.js";
import type { EvaluationRequest, LabeledPolicy, PolicySet } from "../../policy-eval/index.js";
import { ANY_IDENTITY, evaluateIntended, judging, verdict, type Judged } from "./judge.js";
import { keyStateProblem } from "./key-state.js";
import type { Hop, HopId } from "./types.js";

/** A KMS grant on the key, as ListGrants reports it. */
export interface KmsGrant {
  grantId: string;
  granteePrincipal: string;
  operations: string[];
  /** The grant has constraints on the encryption context. */
  constrained: boolean;
  /** Those constraints (absent while `constrained`: not known, so taken as possibly holding). */
  constraints?: { encryptionContextEquals?: Record<string, string>; encryptionContextSubset?: Record<string, string> } | undefined;
}

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
  /** The key's grants (ListGrants); a string says why they could not be read; undefined: not looked at. */
  grants?: KmsGrant[] | string | undefined;
}

/** Stands for a key policy that admits the reader's account and lets its IAM policies decide (judged in its own hop). */
function delegatingKeyPolicy(key: KmsKey, readerAccountId: string): LabeledPolicy {
  const partition = parseKeyArn(key.arn)?.partition ?? "aws";
  return {
    label: "(the key policy, assumed to let IAM policies decide)",
    assumed: true,
    document: policyDocument([{ Effect: "Allow", Principal: { AWS: accountRootArn(partition, readerAccountId) }, Action: "kms:*", Resource: "*" }]),
  };
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
  const id = input.mode === "role" ? "role-may-decrypt" : "user-may-decrypt";
  return [
    judging(id, readerTitle(input), () => withGrants(readerHop(input), input)),
    judging("key-policy-admits", keyPolicyTitle(input), () => withGrants(keyPolicyHop(input), input)),
  ];
}

/**
 * A grant is another way in: KMS lets its grantee use the operations it names without the key
 * policy or IAM policies allowing them (an explicit Deny still wins). A hop that fails only for
 * want of an Allow, while a grant for the reader may cover Decrypt (or the grants could not be
 * read), cannot be told; a grant whose constraints S3's context can never meet is left out,
 * beyond that xacct does not judge a grant's constraints or the layers around it.
 */
function withGrants(hop: Hop, input: KmsHopInput): Hop {
  if (hop.ok !== false || hop.detail.startsWith("Explicitly denied") || input.grants === undefined || keyStateProblem(input.key)) return hop;
  if (typeof input.grants === "string") {
    return {
      ...hop,
      ok: null,
      detail: `Cannot tell: ${hop.detail} But a KMS grant may still let ${input.reader} decrypt, and the key's grants could not be read (${input.grants}).`,
      fix: `Let the verifying credentials call kms:ListGrants on ${input.key.arn}, or check its grants yourself; xacct treats this check as not holding. Otherwise: ${hop.fix ?? ""}`.trim(),
    };
  }
  const mine = input.grants.filter((g) => g.operations.includes("Decrypt") && isReader(g.granteePrincipal, input.request) && s3CanMeet(g, input.request));
  if (mine.length === 0) return hop;
  const ids = mine.map((g) => `${g.grantId}${g.constrained ? " (with encryption-context constraints)" : ""}`).join(", ");
  return {
    ...hop,
    ok: null,
    detail: `Cannot tell: ${hop.detail} But grant${mine.length === 1 ? "" : "s"} ${ids} on the key give${mine.length === 1 ? "s" : ""} ${input.reader} Decrypt, which KMS honours without the policies; xacct does not judge grants beyond whether S3's encryption context can meet their constraints.`,
    fix: `Check grant${mine.length === 1 ? "" : "s"} ${ids} (\`aws kms list-grants --key-id ${input.key.arn}\`): whether its constraints hold for S3's reads, and that no SCP or RCP refuses; xacct treats this check as not holding.`,
  };
}

/**
 * Whether S3's encryption context can meet a grant's constraints: S3 sends only aws:s3:arn, the
 * bucket's ARN or an object's. A constraint naming another key (EncryptionContextEquals or
 * Subset) or another bucket never holds, so such a grant never helps a read of this bucket.
 */
function s3CanMeet(grant: KmsGrant, request: EvaluationRequest): boolean {
  const sent = request.context["kms:EncryptionContext:aws:s3:arn"];
  if (typeof sent !== "string") return true;
  const bucket = sent.replace(/^(arn:[^:]*:s3:::[^/]*).*$/, "$1");
  const pairs = [grant.constraints?.encryptionContextEquals, grant.constraints?.encryptionContextSubset].flatMap((c) => Object.entries(c ?? {}));
  return pairs.every(([key, value]) => key === "aws:s3:arn" && (value === bucket || value.startsWith(`${bucket}/`)));
}

/** Whether a grantee is the reader: its ARN, its role (for a session), a session of that role, or its account. */
function isReader(grantee: string, request: EvaluationRequest): boolean {
  const principal = request.principal.arn;
  const roleArn = request.context["aws:PrincipalArn"];
  const sessionPrefix = principal.includes(":assumed-role/") ? principal.slice(0, principal.lastIndexOf("/") + 1) : undefined;
  const partition = (principal.split(":")[1] ?? "aws") as Partition;
  return (
    grantee === principal ||
    grantee === roleArn ||
    (sessionPrefix !== undefined && grantee.startsWith(sessionPrefix)) ||
    grantee === accountRootArn(partition, request.principal.accountId)
  );
}

/** A refusal by an SCP or RCP is the organization's to change, not something setup can grant. */
function organizationFix(result: Judged, reader: string): string | undefined {
  const labels = result.deciding.map((d) => d.policy).filter((l) => /^(SCP|RCP) /.test(l));
  // A level without an Allow: the evaluator's reason names the policies of that level.
  const bound = /^No (SCP|RCP) at level .*?: (.*); every level/.exec(result.reason);
  if (labels.length === 0 && !bound) return undefined;
  const which = labels.length > 0 ? [...new Set(labels)].join(", ") : bound![2]!;
  return `This refusal comes from ${which}, which belong to the organization, not to this setup: \`xacct setup\` cannot change it. Ask the organization's administrators to let ${reader} use kms:Decrypt on the key through S3 there.`;
}

/** The key S3 would use does not exist: every read of the objects it encrypts fails. */
export function missingKeyHop(mode: "role" | "resource-policy", reader: string, missing: { missingKey: string; objectKey?: string | undefined }): Hop {
  const whose = missing.objectKey !== undefined ? `object ${missing.objectKey}` : "the bucket's default encryption";
  return {
    id: mode === "role" ? "role-may-decrypt" : "user-may-decrypt",
    title: `${reader} may kms:Decrypt with key ${missing.missingKey} through S3`,
    ok: false,
    detail: `The key ${missing.missingKey} that ${whose} names does not exist in Production (DescribeKey answered NotFoundException), so S3 cannot decrypt what it encrypts.`,
    fix: `Point the bucket's default encryption at an existing key of Production (\`aws s3api put-bucket-encryption\`), or check the key's name for a typo; objects already encrypted with a deleted key cannot be read.`,
  };
}

function stateHop(id: HopId, title: string, input: KmsHopInput): Hop | undefined {
  const problem = keyStateProblem(input.key);
  return problem && { id, title, ...problem };
}

function readerHop(input: KmsHopInput): Hop {
  const id = input.mode === "role" ? "role-may-decrypt" : "user-may-decrypt";
  const title = readerTitle(input);
  const unusable = stateHop(id, title, input);
  if (unusable) return unusable;
  const layers = { ...input.limits, permissionsBoundary: input.readerBoundary };
  const own = evaluateIntended(input.request, {
    identity: input.readerPolicies,
    ...layers,
    resource: delegatingKeyPolicy(input.key, input.request.principal.accountId),
  });
  // Same account, a key policy naming the reader itself is enough without an identity grant.
  const combined = input.keyPolicy ? evaluateIntended(input.request, { identity: input.readerPolicies, ...layers, resource: input.keyPolicy }) : undefined;
  const result = own.decision !== "Allow" && combined?.decision === "Allow" ? combined : own;
  if (input.mode === "role" && input.key.manager === "AWS" && own.decision !== "Allow" && !input.keyPolicy) {
    return {
      id,
      title,
      ok: null,
      detail: `Cannot tell: the key policy of the AWS managed key ${input.key.arn} could not be read, and ${input.reader}'s own policies do not allow kms:Decrypt on it.`,
      fix: "Let the verifying credentials call kms:GetKeyPolicy on the key, then run verify again.",
    };
  }
  const fix =
    organizationFix(result, input.reader) ??
    `Give ${input.reader} kms:Decrypt on ${input.key.arn} (through S3 only): run \`xacct setup\`, which adds the grant to its policy.`;
  return verdict(id, title, result.decision === "Allow", result, fix);
}

function keyPolicyHop(input: KmsHopInput): Hop {
  const id = "key-policy-admits";
  const title = keyPolicyTitle(input);
  const sharedAwsKey = input.key.manager === "AWS" && input.mode === "resource-policy";
  const awsKeyFix =
    "The AWS managed key aws/s3 cannot be shared with another account: re-encrypt the objects with a customer managed key of Production, or use role mode (`xacct setup --mode role`).";
  if (!input.keyPolicy) {
    if (sharedAwsKey)
      return { id, title, ok: false, detail: `The AWS managed key ${input.key.arn} admits only principals of its own account.`, fix: awsKeyFix };
    return {
      id,
      title,
      ok: null,
      detail: `Cannot tell: the key policy of ${input.key.arn} could not be read (kms:GetKeyPolicy was refused), so whether it admits ${input.reader} is unknown.`,
      fix: "Let the verifying credentials call kms:GetKeyPolicy on the key, then run verify again; xacct treats this check as not holding.",
    };
  }
  const result = keyPolicyAdmits(input.request, input.keyPolicy, input.readerBoundary);
  const fix = sharedAwsKey
    ? awsKeyFix
    : (organizationFix(result, input.reader) ?? `Let ${input.reader} decrypt with the key: run \`xacct setup\`, which adds its statement to the key policy.`);
  return verdict(id, title, result.decision === "Allow", result, fix);
}

const readerTitle = (input: KmsHopInput) => `${input.reader} may kms:Decrypt with key ${input.key.arn} through S3`;
const keyPolicyTitle = (input: KmsHopInput) => `the key policy of ${input.key.arn} lets ${input.reader} decrypt through S3`;
