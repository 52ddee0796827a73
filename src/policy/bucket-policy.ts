/**
 * Merging xacct's statements into a policy that other teams may also use (a bucket policy, a
 * role's trust). xacct owns only statements whose Sid it wrote; every other statement, and the
 * policy's Version, is kept as it was.
 */
import { invalidInput, XacctError } from "../errors.js";
import { duplicateKeyStatements, nestingDepth } from "./duplicate-keys.js";
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
  // A policy is a few levels deep (Statement, Condition, operator, key, values): one nested
  // thousands deep is no policy AWS evaluates, and would overflow the stack of every reader here.
  const depth = nestingDepth(json);
  if (depth > MAX_POLICY_DEPTH) {
    throw new XacctError(`The ${what} nests ${depth} levels deep, which no policy does, so xacct cannot tell what it allows.`, {
      hint: "Look at it with the AWS console or CLI, and fix or remove it; then run xacct again.",
    });
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  // The Version stays as written: it decides whether `${…}` in other statements is a variable.
  const document: PolicyDocument = { ...parsed, Statement: statements };
  const inexact: NotExact = { numbers: inexactNumberStatements(json).map((n) => `statement ${n}`), duplicates: duplicateKeyStatements(json) };
  // Not enumerable: never written, never compared; asked for before a rewrite (refuseInexactRewrite).
  if (inexact.numbers.length + inexact.duplicates.length > 0) Object.defineProperty(document, INEXACT_STATEMENTS, { value: inexact, enumerable: false });
  return document;
}

const MAX_POLICY_DEPTH = 32;

const INEXACT_STATEMENTS = Symbol("statements xacct cannot write back as they were");
/** Where a document's JSON holds what its parse cannot write back: long numbers, keys written twice. */
interface NotExact {
  numbers: string[];
  duplicates: string[];
}

/**
 * A document read with what JavaScript cannot write back as it was is never written back: a
 * number it cannot hold exactly (another team's condition value 9007199254740993) would
 * silently change, and of a key written twice in one object only the last would be kept.
 */
export function refuseInexactRewrite(existing: PolicyDocument | undefined, what: string): void {
  const why = inexactRewriteNote(existing);
  if (!why) return;
  const { numbers, duplicates } = notExact(existing);
  const hints = [
    ...(numbers.length > 0 ? ['write that number as a string ("9007199254740993"), which AWS reads the same'] : []),
    ...(duplicates.length > 0 ? ["merge the keys written twice into one"] : []),
  ];
  throw new XacctError(`The ${what} ${why}.`, { hint: `${capitalised(hints.join(", and "))}, or make this change to the policy yourself.` });
}

/** Why a document cannot be rewritten exactly, in words; undefined when it can. */
export function inexactRewriteNote(existing: PolicyDocument | undefined): string | undefined {
  const { numbers, duplicates } = notExact(existing);
  const reasons = [
    ...(numbers.length > 0 ? [`holds a number too long to be rewritten exactly, in ${numbers.join(", ")}`] : []),
    ...(duplicates.length > 0 ? [`writes a key twice in one object, in ${duplicates.join(", ")}`] : []),
  ];
  if (reasons.length === 0) return undefined;
  const since = [
    ...(numbers.length > 0 ? ["the number would change"] : []),
    ...(duplicates.length > 0 ? ["only the last of a key written twice would be kept"] : []),
  ];
  return `${reasons.join(", and ")}; xacct will not rewrite it, since ${since.join(" and ")}`;
}

/**
 * The parts of a document xacct may not have read as AWS holds it (a key written twice hides the
 * others: two Statement lists, two Condition blocks), for the lists of "statements that are not
 * this setup's": a document with one is never taken for this setup's alone.
 */
export function notExactParts(existing: PolicyDocument | undefined): string[] {
  const { numbers, duplicates } = notExact(existing);
  return [...duplicates.map((part) => `${part} (a key written twice)`), ...numbers.map((part) => `${part} (a number too long)`)];
}

function notExact(existing: PolicyDocument | undefined): NotExact {
  return (existing as { [INEXACT_STATEMENTS]?: NotExact } | undefined)?.[INEXACT_STATEMENTS] ?? { numbers: [], duplicates: [] };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
