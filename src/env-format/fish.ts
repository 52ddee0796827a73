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
 * variable is the user's lasting setting, kept in every fish session: it stays, named on stderr,
 * and the script's last line fails, since tools that prefer it (the JS SDK reads AWS_PROFILE
 * before keys) would not use the role: `… | source; and cdk deploy` stops.
 */
export function renderFish(changes: EnvChanges): string {
  const lines: string[] = [];
  const names = changes.unset.map((name) => checkEnvName(name, "fish")).join(" ");
  if (names !== "") {
    lines.push(`set -e -g ${names}`);
    lines.push(
      `for v in ${names}; if set -q -U $v; echo "xacct: the universal variable $v stays set, and some tools would use it instead of the role, so this fails; erase it with: set -e -U $v" >&2; end; end`,
    );
  }
  for (const [name, value] of changes.set) lines.push(`set -gx ${checkEnvName(name, "fish")} ${fishQuote(checkEnvValue(name, value, "fish"))}`);
  // Last, so its status is the script's: a failure while any universal competing variable stays.
  if (names !== "") lines.push(`test (count (for v in ${names}; set -q -U $v; and echo $v; end)) -eq 0`);
  return `${lines.join("\n")}\n`;
}
