/**
 * IAM's and S3's size limits on the documents xacct writes, and how they are measured. Listing
 * many Staging accounts grows the trust and bucket policies, and other people's statements
 * share the same room; past a limit AWS refuses the write, so the plan is refused first
 * (stages/document-sizes.ts), each kind of resource saying the way out that fits the cause.
 */
import type { PolicyDocument, PolicyStatement } from "./documents.js";

/** Characters, not counting whitespace, as IAM counts them; bytes for S3. */
export const LIMITS = {
  trust: 2048, // the default quota; it can be raised to 4096
  managed: 6144,
  inlineUser: 2048,
  bucket: 20_480,
} as const;

export function size(document: PolicyDocument | undefined): number {
  return document ? JSON.stringify(document).replace(/\s/g, "").length : 0;
}

export function bytes(document: PolicyDocument | undefined): number {
  return Buffer.byteLength(JSON.stringify(document ?? {}));
}

/** A document over its limit, and the way out that fits why it is. */
export interface Overflow {
  what: string;
  length: number;
  limit: number;
  hint: string;
}

/** Bytes of the statements in `document` that are not among `ours`. */
export function othersSize(document: PolicyDocument, ours: readonly PolicyStatement[], measure: (d: PolicyDocument) => number): number {
  const sids = new Set(ours.map((s) => s.Sid));
  return measure({ ...document, Statement: document.Statement.filter((s) => !sids.has(s.Sid)) });
}
