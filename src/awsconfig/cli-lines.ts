/**
 * The shared files line by line as the aws CLI reads them: botocore hands them to Python's
 * configparser (RawConfigParser, strict), whose rules differ from the JS SDK's parseIni:
 * - a lone CR ends a line (universal newlines); to the SDK only "\n" and "\r\n" do;
 * - a line indented deeper than the setting above it continues that setting, even when it
 *   looks like `[profile x]`; to the SDK every `[...]` line is a header;
 * - a header is `[` then anything up to the LAST `]` of the stripped line, with no comment
 *   stripped (`[profile x]y`, `[a #b]`); the SDK needs the line (comment stripped) to end in `]`;
 * - `[DEFAULT]` is configparser's defaults section: its settings go into every other section;
 * - a section that holds a setting twice (names compared in lower case, `=` or `:`) makes
 *   every aws command fail with ConfigParseError.
 * Where the two readers place a section boundary differently, an edit that is right for one
 * is wrong for the other, so xacct refuses to edit the file (naming the line) instead.
 */
import { invalidInput } from "../errors.js";
import type { AwsFile } from "./ini.js";

export interface ReaderDisagreement {
  /** 1-based, counting "\n" line breaks (as an editor shows them). */
  line: number;
  problem: "lone-cr" | "cli-only-header" | "sdk-only-header" | "defaults-section";
}

/** configparser's section header: `[`, at least one character, the last `]` (re.match, not fullmatch). */
const CLI_HEADER = /^\[([^\n]+)\]/;

/**
 * The first line the two readers split differently, or undefined when every section starts
 * on the same line for both. One pass over the text; lines starting with a plain character
 * (the bulk of a big file) are decided from that character alone.
 */
export function findReaderDisagreement(text: string, sdkHeader: (line: string) => boolean): ReaderDisagreement | undefined {
  const loneCr = text.includes("\r") ? /\r(?!\n)/.exec(text) : null;
  if (loneCr) return { line: lineNumberAt(text, loneCr.index), problem: "lone-cr" };
  const state = { inSection: false, hasOption: false, indentLevel: 0 };
  let line = 0;
  for (let at = 0; at < text.length; line += 1) {
    const newline = text.indexOf("\n", at);
    const next = newline === -1 ? text.length : newline + 1;
    const first = text.charCodeAt(at);
    if (first === 10 || first === 13 || first === 35 || first === 59) {
      at = next; // blank ("\n" or "\r\n") or a comment: neither reader's header, no state change
      continue;
    }
    const end = newline === -1 ? text.length : newline > at && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
    if (first > 32 && first < 127 && first !== 91) {
      plainLine(text, at, end, state); // an unindented setting: a header to neither reader
      at = next;
      continue;
    }
    const raw = text.slice(at, end);
    const cli = cliLine(raw, state);
    if (cli !== "blank") {
      const cliHeader = cli !== "other";
      if (cliHeader !== sdkHeader(raw)) return { line: line + 1, problem: cliHeader ? "cli-only-header" : "sdk-only-header" };
      if (cliHeader && cli.name === "DEFAULT") return { line: line + 1, problem: "defaults-section" };
    }
    at = next;
  }
  return undefined;
}

interface CliState {
  inSection: boolean;
  /** configparser's `optname`: a setting was read since the last header (continuations need one). */
  hasOption: boolean;
  indentLevel: number;
}

/** An unindented line that is no header: a setting (or a line configparser rejects). */
function plainLine(text: string, from: number, to: number, state: CliState): void {
  state.indentLevel = 0;
  const first = text.charCodeAt(from);
  if (first === 61 || first === 58)
    state.hasOption = false; // "= value": no name
  else {
    const equals = text.indexOf("=", from); // the usual "name = value"
    if ((equals !== -1 && equals < to) || delimiterAt(text, from, to) !== -1) state.hasOption = true;
  }
}

function delimiterAt(text: string, from: number, to: number): number {
  for (let at = from; at < to; at += 1) {
    const code = text.charCodeAt(at);
    if (code === 61 || code === 58) return at;
  }
  return -1;
}

/** configparser's reading of one line (without its line break), updating its state. */
function cliLine(raw: string, state: CliState): "blank" | "other" | { name: string } {
  const value = pyStrip(raw);
  if (value === "" || value.startsWith("#") || value.startsWith(";")) return "blank";
  const indent = raw.length - pyStripStart(raw).length;
  if (state.inSection && state.hasOption && indent > state.indentLevel) return "other"; // a continuation
  state.indentLevel = indent;
  const header = CLI_HEADER.exec(value);
  if (header) {
    state.inSection = true;
    state.hasOption = false;
    return { name: header[1] as string };
  }
  const delimiter = value.search(/[=:]/);
  if (delimiter !== -1) state.hasOption = value.slice(0, delimiter).trim() !== "";
  return "other";
}

/** Python's str.isspace characters (JS's trim differs: it strips U+FEFF, keeps U+001C–U+001F and U+0085). */
const PY_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

function pyStripStart(text: string): string {
  let at = 0;
  while (at < text.length && PY_SPACE.includes(text[at] as string)) at += 1;
  return text.slice(at);
}

function pyStrip(text: string): string {
  let end = text.length;
  while (end > 0 && PY_SPACE.includes(text[end - 1] as string)) end -= 1;
  return pyStripStart(text.slice(0, end));
}

function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) line += 1;
  return line;
}

/** The refusal for a disagreement, naming the line and the fix. */
export function readerDisagreementError(found: ReaderDisagreement, file: AwsFile): Error {
  const where = `Line ${found.line} of the AWS ${file} file`;
  const messages: Record<ReaderDisagreement["problem"], [string, string]> = {
    "lone-cr": [
      `${where} holds a carriage return without a line break after it: the aws CLI starts a new line there, the AWS SDKs do not, so they read different sections; xacct will not change the file.`,
      "Replace that carriage return with a line break (or remove it), then run xacct again.",
    ],
    "cli-only-header": [
      `${where} starts a section for the aws CLI but not for the AWS SDKs, so they read different sections; xacct will not change the file.`,
      "Write that header alone on its line, as [name] with nothing after the ] (a comment goes on a line of its own), then run xacct again.",
    ],
    "sdk-only-header": [
      `${where} starts a section for the AWS SDKs but the aws CLI reads it as part of the setting above it (it is indented) or not at all, so they read different sections; xacct will not change the file.`,
      "Write that header at the start of its line, as [name], then run xacct again.",
    ],
    "defaults-section": [
      `${where} is [DEFAULT], which the aws CLI merges into every other section; xacct will not change the file.`,
      "Rename or remove that section (profiles are [profile NAME] in the config file, [NAME] in the credentials file), then run xacct again.",
    ],
  };
  const [message, hint] = messages[found.problem];
  return invalidInput(message, hint);
}

/**
 * The first of `names` (lower case) that configparser would find twice in one section (it
 * compares names in lower case and also reads `name: value`), as [index of the repeated
 * line, name]; `lines` is one section, header first.
 */
export function cliDuplicateSetting(lines: readonly string[], names: ReadonlySet<string>): [number, string] | undefined {
  const state: CliState = { inSection: false, hasOption: false, indentLevel: 0 };
  const seen = new Set<string>();
  for (const [index, raw] of lines.entries()) {
    const value = pyStrip(raw);
    if (value === "" || value.startsWith("#") || value.startsWith(";")) continue;
    const indent = raw.length - pyStripStart(raw).length;
    if (state.inSection && state.hasOption && indent > state.indentLevel) continue;
    state.indentLevel = indent;
    if (index === 0 || CLI_HEADER.test(value)) {
      state.inSection = true;
      state.hasOption = false;
      continue;
    }
    const delimiter = value.search(/[=:]/);
    if (delimiter === -1) continue;
    const name = value.slice(0, delimiter).trimEnd().toLowerCase();
    state.hasOption = name !== "";
    if (!names.has(name)) continue;
    if (seen.has(name)) return [index, name];
    seen.add(name);
  }
  return undefined;
}
