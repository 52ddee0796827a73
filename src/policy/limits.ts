/**
 * IAM's and S3's size limits on the documents xacct writes. Listing many Staging accounts grows
 * the trust and bucket policies, and other people's statements share the same room; past a
 * limit AWS refuses the write, so the plan is refused first, with the way out that fits the
 * cause (aws:PrincipalOrgID shortens only the role's trust).
 */
import { invalidInput } from "../errors.js";
import type { SetupPlan } from "../plan.js";
import type { Change } from "../stages/changes.js";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./documents.js";

/** Characters, not counting whitespace, as IAM counts them; bytes for S3. */
export const LIMITS = {
  trust: 2048, // the default quota; it can be raised to 4096
  managed: 6144,
  inlineUser: 2048,
  bucket: 20_480,
} as const;

function size(document: PolicyDocument | undefined): number {
  return document ? JSON.stringify(document).replace(/\s/g, "").length : 0;
}

function bytes(document: PolicyDocument | undefined): number {
  return Buffer.byteLength(JSON.stringify(document ?? {}));
}

/** A document over its limit, and the way out that fits why it is. */
interface Overflow {
  what: string;
  length: number;
  limit: number;
  hint: string;
}

/** The documents as they will be after the merge (an existing role's whole trust, the whole bucket policy). */
export function checkDocumentSizes(plan: SetupPlan, changes: Change[]): void {
  const merged = (id: Change["id"]) => changes.find((c) => c.id === id)?.after;
  const accounts = 1 + (plan.accounts.moreStaging?.length ?? 0);
  const overflows = [
    plan.answers.mode === "role" ? trustOverflow(plan, merged("role") ?? plan.documents.trust, accounts) : undefined,
    inlineOverflow(plan),
    bucketOverflow(plan, merged("bucket-policy"), accounts),
  ].filter((o): o is Overflow => o !== undefined);
  if (overflows.length === 0) return;
  throw invalidInput(
    `With ${accounts} Staging account(s), ${overflows.map((o) => `${o.what} would be ${o.length} characters, over AWS's limit of ${o.limit}`).join("; ")}.`,
    [...new Set(overflows.map((o) => o.hint))].join(" "),
  );
}

/** Bytes of the statements in `document` that are not among `ours`. */
function othersSize(document: PolicyDocument, ours: readonly PolicyStatement[], measure: (d: PolicyDocument) => number): number {
  const sids = new Set(ours.map((s) => s.Sid));
  return measure({ ...document, Statement: document.Statement.filter((s) => !sids.has(s.Sid)) });
}

function trustOverflow(plan: SetupPlan, trust: PolicyDocument, accounts: number): Overflow | undefined {
  const length = size(trust);
  if (length <= LIMITS.trust) return undefined;
  const what = `the trust policy of ${plan.answers.roleName}`;
  const ours = plan.documents.trust.Statement;
  // The role's other statements alone leave no room for even a one-account statement: they are its owner's to trim.
  if (othersSize(trust, ours, size) + size(policyDocument(ours)) - size(policyDocument([])) > LIMITS.trust && size(plan.documents.trust) <= LIMITS.trust) {
    return { what, length, limit: LIMITS.trust, hint: `The role's own trust statements take most of the room: make room in it (or ask AWS to raise the quota to 4096), or choose another role with --role-name.` };
  }
  return {
    what,
    length,
    limit: LIMITS.trust,
    hint: accounts > 1 ? "Name the whole organization instead of listing accounts: --org-id o-… (aws:PrincipalOrgID), or trust fewer accounts per role." : "Trust fewer principals (--trust-principal), or ask AWS to raise the trust policy quota to 4096.",
  };
}

function inlineOverflow(plan: SetupPlan): Overflow | undefined {
  const length = size(plan.documents.stagingPolicy);
  if (length <= LIMITS.inlineUser) return undefined;
  return { what: `the inline policy ${plan.inlinePolicyName}`, length, limit: LIMITS.inlineUser, hint: "Use shorter names for the role or bucket." };
}

function bucketOverflow(plan: SetupPlan, policy: PolicyDocument | undefined, accounts: number): Overflow | undefined {
  const length = bytes(policy);
  if (length <= LIMITS.bucket) return undefined;
  const what = `the bucket policy of ${plan.answers.bucket}`;
  const ours = plan.documents.bucketStatements;
  const others = policy ? othersSize(policy, ours, bytes) : 0;
  // --org-id narrows only the role's trust; the bucket policy names every account either way.
  const hint =
    others > LIMITS.bucket / 2
      ? `Other statements take ${others} of its ${LIMITS.bucket} bytes: make room in the bucket policy (merge or remove statements that are not xacct's), or use another bucket.`
      : `It names each of the ${accounts} Staging accounts: trust fewer accounts per setup (--org-id does not shorten the bucket policy).`;
  return { what, length, limit: LIMITS.bucket, hint };
}
