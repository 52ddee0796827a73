/**
 * IAM's and S3's size limits on the documents xacct writes. Listing many Staging accounts grows
 * the trust and bucket policies; past a limit AWS refuses the write, so the plan is refused
 * first, with the way out (aws:PrincipalOrgID names a whole organization in a few characters).
 */
import { invalidInput } from "../errors.js";
import type { SetupPlan } from "../plan.js";
import type { Change } from "../stages/changes.js";
import type { PolicyDocument } from "./documents.js";

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

export function checkDocumentSizes(plan: SetupPlan, changes: Change[]): void {
  const bucketPolicy = changes.find((c) => c.id === "bucket-policy")?.after;
  // The trust as it will be: merged into an existing role's, not the plan's statement alone.
  const trust = changes.find((c) => c.id === "role")?.after;
  const checks: [string, number, number][] = [
    [`the trust policy of ${plan.answers.roleName}`, plan.answers.mode === "role" ? size(trust) : 0, LIMITS.trust],
    [`the inline policy ${plan.inlinePolicyName}`, size(plan.documents.stagingPolicy), LIMITS.inlineUser],
    [`the bucket policy of ${plan.answers.bucket}`, Buffer.byteLength(JSON.stringify(bucketPolicy ?? {})), LIMITS.bucket],
  ];
  const over = checks.filter(([, length, limit]) => length > limit);
  if (over.length === 0) return;
  const accounts = 1 + (plan.accounts.moreStaging?.length ?? 0);
  throw invalidInput(
    `With ${accounts} Staging account(s), ${over.map(([what, length, limit]) => `${what} would be ${length} characters, over AWS's limit of ${limit}`).join("; ")}.`,
    "Name the whole organization instead of listing accounts: --org-id o-… (aws:PrincipalOrgID), or trust fewer accounts per role.",
  );
}
