/**
 * fish: inside single quotes only \\ and \' are escapes, so a backslash and a quote are
 * written escaped and every other character as it is. Pure.
 */
import { checkEnvName, checkEnvValue, type EnvChanges } from "./value.js";

export function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * For `xacct env --format fish | source`: erase the global competing variables, then export
 * each one globally, which also shadows a universal one of its name. A universal competing
 * variable is the user's lasting setting, kept in every fish session: it stays, named on stderr.
 */
export function renderFish(changes: EnvChanges): string {
  const lines: string[] = [];
  if (changes.unset.length > 0) {
    const names = changes.unset.map((name) => checkEnvName(name, "fish")).join(" ");
    lines.push(`set -e -g ${names}`);
    // An if that takes no branch ends with status 0, so `… | source; and aws …` goes on (set keeps the status before it).
    lines.push(`for v in ${names}; if set -q -U $v; echo "xacct: the universal variable $v stays set; erase it with: set -e -U $v" >&2; end; end`);
  }
  for (const [name, value] of changes.set) lines.push(`set -gx ${checkEnvName(name, "fish")} ${fishQuote(checkEnvValue(name, value, "fish"))}`);
  return `${lines.join("\n")}\n`;
}
