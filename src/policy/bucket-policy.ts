/**
 * Merging xacct's statements into a policy that other teams may also use (a bucket policy, a
 * role's trust). xacct owns only statements whose Sid it wrote; every other statement, and the
 * policy's Version, is kept as it was.
 */
import { invalidInput, XacctError } from "../errors.js";
import { inexactNumberStatements } from "./exact-numbers.js";
import { POLICY_VERSION, policyDocument, type PolicyDocument, type PolicyStatement } from "./documents.js";

/**
 * Parses a policy document as AWS returns it: S3 gives back the JSON text, IAM gives it
 * URL-encoded (RFC 3986). `what` names it for the user when it is not a policy document
 * (S3 keeps whatever some tools store), e.g. "bucket policy of my-bucket".
 */
export function parsePolicyDocument(text: string, what = "policy document xacct read"): PolicyDocument {
  const trimmed = text.trim();
  const json = trimmed.startsWith("{") ? trimmed : decodeOrUndefined(trimmed);
  const parsed = json === undefined ? undefined : parseOrUndefined(json);
  if (json === undefined || !isPolicyDocument(parsed)) {
    throw new XacctError(`The ${what} is not a policy document (JSON with a Statement), so xacct cannot tell what it allows.`, {
      hint: "Look at it with the AWS console or CLI, and fix or remove it; then run xacct again.",
    });
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  // The Version stays as written: it decides whether `${…}` in other statements is a variable.
  const document: PolicyDocument = { ...parsed, Statement: statements };
  const inexact = inexactNumberStatements(json);
  // Not enumerable: never written, never compared; asked for before a rewrite (refuseInexactRewrite).
  if (inexact.length > 0) Object.defineProperty(document, INEXACT_STATEMENTS, { value: inexact, enumerable: false });
  return document;
}

const INEXACT_STATEMENTS = Symbol("statements with numbers JavaScript cannot hold exactly");

/**
 * A document read with a number JavaScript cannot hold exactly (another team's condition value
 * 9007199254740993) is never written back: that number would silently change.
 */
export function refuseInexactRewrite(existing: PolicyDocument | undefined, what: string): void {
  const why = inexactRewriteNote(existing);
  if (why)
    throw new XacctError(`The ${what} ${why}.`, {
      hint: 'Write that number as a string ("9007199254740993"), which AWS reads the same, or make this change to the policy yourself.',
    });
}

/** Why a document cannot be rewritten exactly, in words; undefined when it can. */
export function inexactRewriteNote(existing: PolicyDocument | undefined): string | undefined {
  const names = (existing as { [INEXACT_STATEMENTS]?: string[] } | undefined)?.[INEXACT_STATEMENTS] ?? [];
  if (names.length === 0) return undefined;
  return `holds a number too long to be rewritten exactly, in ${names.map((n) => `statement ${n}`).join(", ")}; xacct will not rewrite it, since the number would change`;
}

function decodeOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function parseOrUndefined(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
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

/**
 * Refuses a merge that would need the policy's language changed: under 2008-10-17 (or no
 * Version) `${…}` is literal text, so switching to 2012-10-17 would change what other
 * statements mean. xacct's own statements need 2012-10-17 only if they use policy variables.
 */
export function refuseLanguageChange(existing: PolicyDocument | undefined, owned: readonly PolicyStatement[], what: string): void {
  if (!existing || existing.Version === POLICY_VERSION) return;
  const needing = owned.filter((s) => JSON.stringify(s).includes("${"));
  if (needing.length === 0) return;
  throw invalidInput(
    `The ${what} is written in policy language ${existing.Version ?? "2008-10-17 (no Version)"}, and xacct's statements ${needing.map((s) => s.Sid).join(", ")} need 2012-10-17; changing it would change what its other statements mean.`,
    "Move the policy to Version 2012-10-17 yourself (after checking no statement relies on a literal ${…}), then run setup again.",
  );
}

/** Removes xacct's statements; undefined when nothing else is left (delete the policy). */
export function removeOwnedStatements(existing: PolicyDocument, sids: readonly string[]): PolicyDocument | undefined {
  const rest = existing.Statement.filter((s) => s.Sid === undefined || !sids.includes(s.Sid));
  return rest.length === 0 ? undefined : { ...existing, Statement: rest };
}
