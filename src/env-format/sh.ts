/**
 * POSIX sh (dash, bash, zsh, ksh): single quotes keep every character but the quote itself,
 * which is written \' between quoted runs. Runs are never empty, so no '' appears (zsh's
 * RC_QUOTES would read '' inside quotes as a quote). Pure.
 */
import { checkEnvName, checkEnvValue, type EnvChanges } from "./value.js";

export function shQuote(value: string): string {
  if (value === "") return "''";
  return value
    .split("'")
    .map((run) => (run === "" ? "" : `'${run}'`))
    .join("\\'");
}

/** For `eval "$(xacct env)"`: unset what would compete, then export each variable. */
export function renderSh(changes: EnvChanges): string {
  const lines = changes.unset.length > 0 ? [`unset ${changes.unset.map((name) => checkEnvName(name, "sh")).join(" ")}`] : [];
  for (const [name, value] of changes.set) lines.push(`export ${checkEnvName(name, "sh")}=${shQuote(checkEnvValue(name, value, "sh"))}`);
  return `${lines.join("\n")}\n`;
}
