/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, any `${key}` of the request
 * context), as AWS's policy-variables doc describes them:
 *
 * - Only in documents of Version 2012-10-17; in older ones `${…}` is literal text.
 * - Used in Resource and NotResource and in the values of String and Arn conditions.
 * - The value replaces the variable as text: its `*` and `?` are not wildcards. `${*}`, `${?}`
 *   and `${$}` stand for those characters, literally.
 * - `${key, 'default'}` gives the default when the key has no value (`''` is a quote in it).
 * - A key with no value, or with several (a multivalued key), and no default: the entry holds
 *   "no value", which nothing equals or is like. One pass: a value is never substituted again.
 *
 * The result is a pattern in escaped wildcard syntax (see wildcard.ts): `\` quotes the next
 * character, so text from the request cannot act as a wildcard.
 */
import { escapeWildcards } from "./wildcard.js";
import { isOpenKey, lookUp, type ContextSource } from "./request-context.js";

/**
 * "pattern": the entry to match, escaped; "no value": a variable without a value (matches
 * nothing, so a negated operator holds); "open": the requester picks the value (`OpenContext`).
 */
export type Substituted = { kind: "pattern"; pattern: string } | { kind: "no value" } | { kind: "open" };

const VARIABLE = /\$\{([^}]*)\}/g;
const SPECIAL: Record<string, string> = { "*": "*", "?": "?", $: "$" };
const KEY_AND_DEFAULT = /^\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/;

/** Whether a document's `${…}` are variables: only the 2012-10-17 policy language has them. */
export function hasVariables(version: string | undefined): boolean {
  return version === "2012-10-17";
}

/** A policy entry as an escaped pattern, its variables resolved against the request. */
export function substitute(entry: string, request: ContextSource, variables: boolean): Substituted {
  if (!variables || !entry.includes("${")) return { kind: "pattern", pattern: escapeBackslashes(entry) };
  let outcome: Substituted["kind"] = "pattern";
  let pattern = "";
  let last = 0;
  for (const match of entry.matchAll(VARIABLE)) {
    pattern += escapeBackslashes(entry.slice(last, match.index));
    last = match.index + match[0].length;
    const value = resolve(match[1]!, request);
    if (value === "open") outcome = "open";
    else if (value === undefined) return { kind: "no value" };
    else pattern += escapeWildcards(value);
  }
  pattern += escapeBackslashes(entry.slice(last));
  return outcome === "open" ? { kind: "open" } : { kind: "pattern", pattern };
}

/** The context keys an entry's variables name (`${key}`, `${key, 'default'}`), parsed as `substitute` parses them. */
export function variableKeys(entry: string): string[] {
  return [...entry.matchAll(VARIABLE)].flatMap((match) => {
    const key = SPECIAL[match[1]!] === undefined ? KEY_AND_DEFAULT.exec(match[1]!)?.[1] : undefined;
    return key === undefined ? [] : [key];
  });
}

/** The text a variable stands for; undefined when it has none, "open" when the requester chooses. */
function resolve(inside: string, request: ContextSource): string | undefined | "open" {
  const special = SPECIAL[inside];
  if (special !== undefined) return special;
  const parsed = KEY_AND_DEFAULT.exec(inside);
  if (parsed === null) return undefined;
  const [, key = "", quotedDefault] = parsed;
  const value = lookUp(request.context, key);
  if (typeof value === "string") return value;
  if (value === undefined && isOpenKey(request, key)) return "open";
  return quotedDefault === undefined ? undefined : quotedDefault.replace(/''/g, "'");
}

/** Policy text as escaped wildcard syntax: its `*` and `?` stay wildcards. */
function escapeBackslashes(text: string): string {
  return text.replace(/\\/g, "\\\\");
}
