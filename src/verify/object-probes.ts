/**
 * "Any object of the bucket" as a few object keys: one that no document names, and for every
 * Allow statement naming part of the bucket (a prefix `bucket/uploads/*`, one key, a policy
 * variable `bucket/home/${aws:userid}/*`), a key inside that part. A grant limited to a part
 * of the bucket is then probed where it applies. Pure.
 */
import type { PolicyDocument, PolicyStatement } from "../policy/documents.js";
import { resourceMatches } from "../policy-eval/arn-pattern.js";
import type { LabeledPolicy } from "../policy-eval/index.js";

export const GENERIC_PROBE_KEY = "xacct-verify-probe";

/** A policy variable stands for whatever the requester's name, tags or request make it. */
const VARIABLE = /\$\{[^}]*\}/g;

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * For the "cannot" checks: each policy variable in an Allow's Resource becomes `*`, since the
 * requester chooses the value it resolves to (its own user ID, name, tags). Denies and
 * NotResource lists keep it as text, so they keep out no more than they surely do.
 */
export function standInVariables(policy: LabeledPolicy): LabeledPolicy {
  const Statement = policy.document.Statement.map((s): PolicyStatement =>
    s.Effect === "Allow" && s.Resource !== undefined ? { ...s, Resource: asList(s.Resource).map((r) => r.replace(VARIABLE, "*")) } : s,
  );
  return { label: policy.label, document: { ...policy.document, Statement } as PolicyDocument };
}

/** A key inside `pattern` for objects of `bucketArn`, or undefined when it names none. */
function keyWithin(pattern: string, bucketArn: string): string | undefined {
  // The plain reading first: `bucket/uploads/*` → uploads/x.
  if (pattern.startsWith(`${bucketArn}/`)) {
    const key = pattern.slice(bucketArn.length + 1).replace(/[*?]/g, "x") || "x";
    if (resourceMatches(pattern, `${bucketArn}/${key}`)) return key;
  }
  const resourcePart = pattern.split(":").slice(5).join(":");
  for (let start = 0; start <= resourcePart.length; start += 1) {
    const key = resourcePart.slice(start).replace(/[*?]/g, "x") || "x";
    if (resourceMatches(pattern, `${bucketArn}/${key}`)) return key;
  }
  return undefined;
}

/** The generic key, then one key within each part of the bucket an Allow statement names. */
export function probeKeys(policies: LabeledPolicy[], bucketArn: string): string[] {
  const patterns = policies.flatMap((p) => p.document.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Resource)));
  const keys = patterns.flatMap((pattern) => keyWithin(pattern, bucketArn) ?? []);
  return [...new Set([GENERIC_PROBE_KEY, ...keys])];
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * Every pattern a statement names that may stand for objects: Resource and NotResource of
 * Allows and Denies alike, and ARNs in condition values (a KMS encryption context, say).
 */
function objectPatterns(policies: LabeledPolicy[]): string[] {
  return policies.flatMap((p) =>
    p.document.Statement.flatMap((s) => [...asList(s.Resource), ...asList(s.NotResource), ...stringsIn(s.Condition).filter((v) => v.startsWith("arn:"))]),
  );
}

/** A pattern that matches every key of the bucket says nothing about which objects. */
function coversWholeBucket(pattern: string, bucketArn: string): boolean {
  return ["a", "~Z/9.q", "Q-0/x"].every((key) => resourceMatches(pattern, `${bucketArn}/${key}`));
}

/** A key no pattern that names part of the bucket matches. */
function keyOutside(patterns: string[], bucketArn: string): string | undefined {
  const partial = patterns.filter((p) => !coversWholeBucket(p, bucketArn));
  for (let n = 0; n < 40; n += 1) {
    const key = `${"zq0~Z_"[n % 6]}${n}/any-object.bin`;
    if (!partial.some((p) => resourceMatches(p, `${bucketArn}/${key}`))) return key;
  }
  return undefined;
}

/**
 * For the read hops, which promise every object (`bucket/*`): the generic key, the keys the
 * user named (--key, --test-key), one key inside every part of the bucket any statement names
 * (Allow or Deny, Resource or NotResource, a condition's ARN), and one key outside all of them.
 * A grant or a Deny limited to some objects then shows on one of them. Pure.
 */
export function readProbeKeys(policies: LabeledPolicy[], bucketArn: string, known: string[] = []): string[] {
  const patterns = objectPatterns(policies);
  const inside = patterns.flatMap((pattern) => keyWithin(pattern, bucketArn) ?? []);
  return [...new Set([GENERIC_PROBE_KEY, ...known, ...inside, ...[keyOutside(patterns, bucketArn) ?? []].flat()])];
}
