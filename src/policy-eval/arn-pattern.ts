/**
 * ARN patterns as Resource elements and the Arn condition operators compare them: each of
 * the six colon-separated parts is matched on its own, so a wildcard never spans
 * `arn:partition:service:region:account:`; in the last part (the resource) `*` spans `/`
 * and `:` freely. Case-sensitive throughout.
 */
import { matchesEscapedWildcard, matchesWildcard } from "./wildcard.js";

const ARN_PARTS = 6;

/** The six parts of an ARN, the resource part keeping its own colons; undefined if not an ARN. */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < ARN_PARTS) return undefined;
  return [...parts.slice(0, ARN_PARTS - 1), parts.slice(ARN_PARTS - 1).join(":")];
}

/**
 * Whether `arn` matches `pattern` part by part; undefined when either is not an ARN, since
 * then neither ArnLike nor ArnNotLike can be said to hold.
 */
export function compareArn(pattern: string, arn: string, escaped = false): boolean | undefined {
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (patternParts === undefined || arnParts === undefined) return undefined;
  const matches = escaped ? matchesEscapedWildcard : matchesWildcard;
  return patternParts.every((part, index) => matches(part, arnParts[index]!));
}

/**
 * A Resource element entry against the request's resource. `*` matches everything; an entry
 * that is not a full ARN is matched as a plain wildcard string. `escaped`: the entry is an
 * escaped pattern, its variables substituted (variables.ts).
 */
export function resourceMatches(pattern: string, resource: string, escaped = false): boolean {
  if (pattern === "*") return true;
  return compareArn(pattern, resource, escaped) ?? (escaped ? matchesEscapedWildcard : matchesWildcard)(pattern, resource);
}
