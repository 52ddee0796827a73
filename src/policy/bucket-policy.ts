/**
 * Merging xacct's statements into a bucket policy that other teams may also use.
 * xacct owns only statements whose Sid it wrote; every other statement is kept as it was.
 */
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./documents.js";

/**
 * Parses a policy document as AWS returns it: S3 gives back the JSON text, IAM gives it
 * URL-encoded (RFC 3986).
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  const trimmed = text.trim();
  const json = trimmed.startsWith("{") ? trimmed : decodeURIComponent(trimmed);
  const parsed: unknown = JSON.parse(json);
  if (!isPolicyDocument(parsed)) throw new Error("not an IAM policy document");
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return { ...parsed, Version: "2012-10-17", Statement: statements };
}

function isPolicyDocument(value: unknown): value is { Statement: PolicyStatement | PolicyStatement[] } {
  return typeof value === "object" && value !== null && "Statement" in value;
}

/**
 * Replaces (or adds) the statements with the given Sids and keeps every other statement in
 * its place. `existing` undefined means the bucket has no policy yet.
 */
export function mergeOwnedStatements(
  existing: PolicyDocument | undefined,
  owned: PolicyStatement[],
  /** Sids xacct may have written before that this plan no longer wants (e.g. after a mode change): dropped. */
  retired: readonly string[] = [],
): PolicyDocument {
  const ownedBySid = new Map(owned.map((s) => [s.Sid, s]));
  const kept: PolicyStatement[] = [];
  const placed = new Set<string | undefined>();
  for (const statement of existing?.Statement ?? []) {
    if (statement.Sid !== undefined && retired.includes(statement.Sid) && !ownedBySid.has(statement.Sid)) continue;
    const replacement = ownedBySid.get(statement.Sid);
    if (replacement === undefined || statement.Sid === undefined) {
      kept.push(statement);
    } else if (!placed.has(statement.Sid)) {
      kept.push(replacement);
      placed.add(statement.Sid);
    }
  }
  for (const statement of owned) if (!placed.has(statement.Sid)) kept.push(statement);
  return existing ? { ...existing, Statement: kept } : policyDocument(kept);
}

/** Removes xacct's statements; undefined when nothing else is left (delete the policy). */
export function removeOwnedStatements(existing: PolicyDocument, sids: readonly string[]): PolicyDocument | undefined {
  const rest = existing.Statement.filter((s) => s.Sid === undefined || !sids.includes(s.Sid));
  return rest.length === 0 ? undefined : { ...existing, Statement: rest };
}
