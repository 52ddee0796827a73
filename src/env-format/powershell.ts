/**
 * PowerShell, by its documented quoting rules (about_Quoting_Rules): a single-quoted string
 * is literal, and a quote inside it is doubled. PowerShell counts four more characters as
 * single quotes (U+2018 to U+201B), and `… | Invoke-Expression` runs the text line by line,
 * with the console's encoding. So the text is plain ASCII on one line: printable ASCII in
 * single quotes, every other UTF-16 unit as [char]0xHHHH, joined with +. The first piece is
 * always a string, so + concatenates instead of adding numbers. Pure.
 */
import { invalidInput } from "../errors.js";
import { checkEnvName, checkEnvValue, type EnvChanges } from "./value.js";

const PRINTABLE_RUN = /[\x20-\x7e]+/y;

export function powershellQuote(value: string): string {
  const pieces: string[] = [];
  let at = 0;
  while (at < value.length) {
    PRINTABLE_RUN.lastIndex = at;
    const run = PRINTABLE_RUN.exec(value);
    if (run) {
      pieces.push(`'${run[0].replace(/'/g, "''")}'`);
      at += run[0].length;
    } else {
      pieces.push(`[char]0x${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0")}`);
      at += 1;
    }
  }
  if (pieces.length === 0 || !pieces[0]!.startsWith("'")) pieces.unshift("''");
  return pieces.join(" + ");
}

/** For `xacct env --format powershell | Invoke-Expression`: remove what would compete, then set each variable. */
export function renderPowershell(changes: EnvChanges): string {
  const lines = changes.unset.map((name) => `Remove-Item -Path Env:${checkEnvName(name, "PowerShell")} -ErrorAction SilentlyContinue`);
  for (const [name, value] of changes.set) {
    // Setting an environment variable to '' removes it in PowerShell.
    if (value === "") throw invalidInput(`The value of ${name} is empty, and PowerShell removes a variable set to an empty string.`);
    lines.push(`$Env:${checkEnvName(name, "PowerShell")} = ${powershellQuote(checkEnvValue(name, value, "PowerShell"))}`);
  }
  return `${lines.join("\n")}\n`;
}
