/**
 * IAM wildcards: `*` is any run of characters (also none), `?` is exactly one character.
 * Policy variables such as `${aws:username}` are not resolved: they match only their own text.
 * xacct writes none, and AWS leaves an unresolvable variable unmatched anyway.
 */

const compiled = new Map<string, RegExp>();

function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? "i" : "s"}${pattern}`;
  let regexp = compiled.get(cacheKey);
  if (regexp === undefined) {
    const source = [...pattern].map(wildcardCharacterSource).join("");
    // "s": `*` and `?` cross newlines, IAM has no notion of lines; "u": `?` is one code point.
    regexp = new RegExp(`^${source}$`, ignoreCase ? "isu" : "su");
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(cacheKey, regexp);
  }
  return regexp;
}

function wildcardCharacterSource(character: string): string {
  if (character === "*") return ".*";
  if (character === "?") return ".";
  return character.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Case-sensitive, as resources, ARNs and StringLike compare. */
export function matchesWildcard(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  return wildcardRegExp(pattern, false).test(value);
}

/** Case-insensitive, as action names compare. */
export function matchesWildcardIgnoringCase(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  return wildcardRegExp(pattern, true).test(value);
}
