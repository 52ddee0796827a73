/**
 * IAM wildcards: `*` is any run of characters (also none), `?` is exactly one character.
 *
 * Two syntaxes: raw policy text (every `*` and `?` a wildcard), and the escaped patterns that
 * policy-variable substitution makes (variables.ts), in which `\` quotes the next character so
 * that a substituted value's `*` is only an asterisk.
 */

const compiled = new Map<string, RegExp>();

function wildcardRegExp(pattern: string, ignoreCase: boolean, escaped = false): RegExp {
  const cacheKey = `${ignoreCase ? "i" : "s"}${escaped ? "e" : "r"}${pattern}`;
  let regexp = compiled.get(cacheKey);
  if (regexp === undefined) {
    const source = escaped ? escapedPatternSource(pattern) : [...pattern].map(wildcardCharacterSource).join("");
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
  return literalSource(character);
}

function literalSource(character: string): string {
  return character.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function escapedPatternSource(pattern: string): string {
  const characters = [...pattern];
  let source = "";
  for (let i = 0; i < characters.length; i += 1) {
    const character = characters[i]!;
    if (character === "\\" && i + 1 < characters.length) source += literalSource(characters[++i]!);
    else source += wildcardCharacterSource(character);
  }
  return source;
}

/** Text as an escaped pattern that matches exactly that text. */
export function escapeWildcards(text: string): string {
  return text.replace(/[\\*?]/g, "\\$&");
}

/** The text an escaped pattern stands for, as StringEquals compares it (no wildcards there). */
export function unescapeWildcards(pattern: string): string {
  return pattern.replace(/\\(.)/gsu, "$1");
}

/** An escaped pattern (see `escapeWildcards`) against a value; case-sensitive. */
export function matchesEscapedWildcard(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  return wildcardRegExp(pattern, false, true).test(value);
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
