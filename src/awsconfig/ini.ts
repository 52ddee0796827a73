/**
 * A pure editor for the AWS shared config and credentials files: text in, text out.
 *
 * Users' files are sacred, so we never parse into a model and print it back. We find the
 * header lines the way the SDK's own `parseIni` (@smithy/core/config) finds them, without
 * splitting a file of many MB into lines; a section is the profile's when the SDK or the aws
 * CLI reads it as the profile (section-names.ts). We split only the target's sections into
 * lines and splice new lines into them. Every byte outside them (comments, order, spacing,
 * CRLF, a missing final newline, unicode) is kept.
 *
 * How the SDK reads what we write, and why we edit the way we do:
 * - Duplicate sections of one profile are merged key by key, later values winning. So new
 *   values go into the LAST section of the profile, and keys to drop are dropped from every
 *   section of it (a stale aws_session_token in an earlier copy would otherwise survive).
 * - In the config file `[profile default]` replaces `[default]` as a whole once it holds a
 *   setting, so writing "default" edits `[profile default]` then, and `[default]` otherwise.
 * - A replaced key keeps its line, indent and `=` spacing; a comment after its old value moves
 *   to its own line above, since botocore would read it as part of the new value.
 * - A line indented deeper than the key above it continues that key (nested settings such as
 *   `s3 =` / `  addressing_style = path`, as botocore reads them). It is never a key of the
 *   profile; replacing or dropping a key replaces or drops its continuation lines with it.
 */
import { invalidInput } from "../errors.js";
import { cliDuplicateSetting, findReaderDisagreement, readerDisagreementError } from "./cli-lines.js";
import { checkWritableProfileName } from "./profile-name.js";
import { cliProfileName, PREFIXED_HEADER, sdkProfileName } from "./section-names.js";

export type AwsFile = "config" | "credentials";

export interface ProfileTarget {
  file: AwsFile;
  profile: string;
}

export interface UpsertOptions {
  /** Keys to delete from the profile, e.g. a stale aws_session_token. Keys in `values` win. */
  removeKeys?: readonly string[];
}

export interface IniSection {
  /** The text between the brackets, as written: "profile dev", "default", "services s3". */
  header: string;
  /** How the SDK files the section: plain `[name]`, a known prefix, or "ignored" (unknown prefix). */
  kind: "plain" | "profile" | "sso-session" | "services" | "ignored";
  /** The name after the prefix ("dev" for `[profile dev]`), or the whole header for plain sections. */
  name: string;
  /** Index of the header line, and one past the section's last line (the next header or the end). */
  start: number;
  end: number;
  /** The header line as written, which the aws CLI reads by its own rules (section-names.ts). */
  line: string;
}

interface Line {
  text: string;
  /** "\r\n", "\n", or "" for a last line without a final newline. */
  eol: string;
}

/** A key line plus the deeper-indented lines that continue it. */
interface KeyEntry {
  key: string;
  start: number;
  end: number;
}

/** Writes `values` into the target profile, creating its section at the end when absent. */
export function upsertProfile(text: string, target: ProfileTarget, values: Readonly<Record<string, string>>, options: UpsertOptions = {}): string {
  checkProfileName(target);
  checkValues(values);
  const dropKeys = new Set((options.removeKeys ?? []).filter((key) => !(key in values)));
  for (const key of dropKeys) checkKey(key);

  refuseDefaultsSection(target);
  refuseReaderDisagreement(text, target.file);
  refuseCliOnlyHeaders(text, target);
  const eol = dominantLineEnding(text);
  const found = targetSpans(text, target);
  const canonical = withHeadersBothRead(text, found, target);
  const spans = canonical === text ? found : targetSpans(canonical, target);
  if (spans.length === 0) {
    // Only the last line matters for appending: a big file is never split into lines whole.
    const tail = lastLineStart(text);
    return text.slice(0, tail) + joinLines(appendSection(splitLines(text.slice(tail)), target, values, eol));
  }
  return editWindow(canonical, spans[0]!.startOffset, spans.at(-1)!.endOffset, (lines) => {
    const sections = effectiveSections(lines, target);
    const last = sections.at(-1) as IniSection;
    // Edit from the bottom up so the line indices of earlier sections stay valid.
    const rewritten = rewriteSection(lines, last, values, dropKeys, eol);
    refuseDuplicateSettings(rewritten, target, Object.keys(values), spans[0]!.start + last.start);
    lines.splice(last.start, last.end - last.start, ...rewritten);
    for (const earlier of sections.slice(0, -1).reverse()) {
      lines.splice(earlier.start, earlier.end - earlier.start, ...rewriteSection(lines, earlier, {}, dropKeys, eol));
    }
    return lines;
  });
}

/**
 * `[DEFAULT]` is configparser's defaults section: written in the credentials file, its keys
 * would go into every other profile the aws CLI reads. (In the config file the profile is
 * `[profile DEFAULT]`, an ordinary section.)
 */
function refuseDefaultsSection(target: ProfileTarget): void {
  if (target.file !== "credentials" || target.profile !== "DEFAULT") return;
  throw invalidInput(
    "xacct will not write a profile named DEFAULT into the credentials file: the aws CLI reads [DEFAULT] as settings for every profile.",
    "Choose another name, e.g. --write-profile TempCred.",
  );
}

/** Refuses text whose sections the aws CLI and the AWS SDKs split differently (cli-lines.ts). */
export function refuseReaderDisagreement(text: string, file: AwsFile): void {
  const found = readersDisagree(text);
  if (found) throw readerDisagreementError(found, file);
}

/** Whether the aws CLI and the AWS SDKs start every section of the text on the same line. */
export function readersAgree(text: string): boolean {
  return readersDisagree(text) === undefined;
}

function readersDisagree(text: string) {
  const known = recentlyChecked.find((entry) => entry.text === text);
  if (known) return known.found;
  const found = findReaderDisagreement(text, (line) => headerOf(line) !== undefined);
  recentlyChecked.unshift({ text, found });
  recentlyChecked.length = Math.min(recentlyChecked.length, 2);
  return found;
}

const recentlyChecked: { text: string; found: ReturnType<typeof findReaderDisagreement> }[] = [];

/**
 * A setting the aws CLI finds twice in one section (configparser compares names in lower
 * case and also reads `name: value`) makes every aws command fail: a write that would leave
 * one of the settings it writes so is refused, naming the section.
 */
function refuseDuplicateSettings(section: readonly Line[], target: ProfileTarget, written: readonly string[], headerLine: number): void {
  const found = cliDuplicateSetting(
    section.map((line) => line.text),
    new Set(written.map((key) => key.toLowerCase())),
  );
  if (found === undefined) return;
  throw invalidInput(
    `Profile ${target.profile} in the AWS ${target.file} file would hold the setting ${found[1]} twice as the aws CLI reads it (it ignores case and also reads "name: value"), and every aws command would fail; see the section at line ${headerLine + 1}.`,
    `Remove or rename the other ${found[1]} line of that section, then run xacct again.`,
  );
}

/**
 * Applies a line-based edit to text[from, to) only, and keeps every other byte as it is: a
 * 50 MB file with thousands of profiles is edited where the target profile is.
 */
function editWindow(text: string, from: number, to: number, edit: (lines: Line[]) => Line[]): string {
  return text.slice(0, from) + joinLines(edit(splitLines(text.slice(from, to)))) + text.slice(to);
}

/**
 * Deletes every section the SDK would read as the target profile, from its header to its
 * last setting; comments and blank lines after that belong to whatever follows. One blank
 * line around the gap goes too, so appending and then removing a profile restores the file
 * (when it ended with a newline and no blank line).
 */
export function removeProfile(text: string, target: ProfileTarget): string {
  checkProfileName(target);
  refuseReaderDisagreement(text, target.file);
  refuseCliOnlyHeaders(text, target);
  const spans = targetSpans(text, target);
  if (spans.length === 0) return text;
  // The window holds the line before the first section and the line after the last one.
  const from = lineStartBefore(text, spans[0]!.startOffset);
  const to = lineEndAfter(text, spans.at(-1)!.endOffset);
  return editWindow(text, from, to, (lines) => removeSections(lines, target));
}

/**
 * One pass, bottom up, so 20,000 copies of a section go as fast as one. Removing a section
 * may take a blank line from the one before; "the line after" is the first one not removed.
 */
function removeSections(lines: Line[], target: ProfileTarget): Line[] {
  const sections = listSectionsOfLines(lines).filter((candidate) => isSectionOf(candidate, target));
  const removedFrom = new Map<number, number>(); // start of a removed range -> its end
  const firstKeptFrom = new Map<number, number>(); // start of a removed range -> the first kept line after it
  const keptAt = (index: number): number => firstKeptFrom.get(index) ?? index;
  for (const section of sections.reverse()) {
    let start = section.start;
    let end = lastSettingLine(lines, section) + 1;
    const before = lines[start - 1];
    const after = lines[keptAt(end)];
    if (before !== undefined && isBlank(before.text) && (after === undefined || isBlank(after.text))) start -= 1;
    else if (before === undefined && after !== undefined && isBlank(after.text)) end = keptAt(end) + 1;
    removedFrom.set(start, end);
    firstKeptFrom.set(start, keptAt(end));
  }
  const kept: Line[] = [];
  for (let index = 0; index < lines.length;) {
    const skipTo = removedFrom.get(index);
    if (skipTo === undefined) kept.push(lines[index++] as Line);
    else index = skipTo;
  }
  return kept;
}

export function listSections(text: string): IniSection[] {
  return scanSections(text);
}

/** Profile names the SDK can load from this file, in order of first appearance. */
export function listProfileNames(text: string, file: AwsFile): string[] {
  const names = scanSections(text).flatMap((section) => {
    if (file === "credentials") return section.kind === "plain" && section.name !== "" ? [section.name] : [];
    if (section.kind === "profile" || (section.kind === "plain" && section.name === "default")) return [section.name];
    return [];
  });
  return [...new Set(names)];
}

/**
 * Whether the text can be an AWS config or credentials file: blank, nothing but comments (not
 * a script's `#!` line), or sections of which the first that tells is an AWS one: a
 * `[profile …]`/`[sso-session …]`/`[services …]` header in the config file, the aws CLI's
 * `[plugins]`/`[preview]`, or settings AWS knows. A file of other sections only (a ~/.gitconfig
 * behind a symlink), or with another tool's keys before any AWS section (s3cmd's
 * `[default]` with access_key), is not one, and keys must not be written into it.
 */
export function looksLikeAwsFile(text: string, file: AwsFile): boolean {
  if (text.trimStart().startsWith("#!")) return false;
  // Section by section, stopping at the first that tells: usually the file's first.
  let previous: { header: string; offset: number } | undefined;
  for (const found of eachHeader(text)) {
    if (previous !== undefined) {
      const section: IniSection = { header: previous.header, ...classifyHeader(previous.header), line: "", start: 0, end: 0 };
      const verdict = awsVerdict(section, file, splitLines(text.slice(previous.offset, found.offset)).slice(1));
      if (verdict !== undefined) return verdict;
    }
    if (found.header === undefined) return previous === undefined && splitLines(text).every((line) => isBlankOrComment(line.text));
    previous = { header: found.header, offset: found.offset };
  }
  return false;
}

/** Sections only the AWS CLI reads, whatever they hold. */
const CLI_SECTIONS = new Set(["plugins", "preview"]);
const AWS_KEY = /^(?:aws_|sso_|xacct_|region$|output$|role_arn$|source_profile$|credential_process$|credential_source$|mfa_serial$)/;
/** Keys other tools use in INI files of the same shape, which no AWS tool reads (s3cmd, boto2's [Boto]). */
const OTHER_TOOLS_KEY = /^(?:access_key|secret_key|access_token|host_base|host_bucket|gpg_command|proxy_host)$/;

/** true: an AWS section; false: clearly another tool's; undefined: cannot tell (go on to the next section). */
function awsVerdict(section: IniSection, file: AwsFile, settingLines: readonly Line[]): boolean | undefined {
  if (file === "config" && section.kind !== "plain" && section.kind !== "ignored") return true;
  if (section.kind === "plain" && CLI_SECTIONS.has(section.name)) return true;
  const keys = settingLines.map((line) => keyOf(line.text)).filter((key) => key !== undefined);
  if (keys.some((key) => OTHER_TOOLS_KEY.test(key))) return false;
  if (keys.some((key) => AWS_KEY.test(key))) return true;
  // An empty [default], as `aws configure` may leave it.
  return section.kind === "plain" && section.name === "default" && keys.length === 0 ? true : undefined;
}

// ---------------------------------------------------------------------------------------
// Sections: found with the SDK's own rules, and taken as the profile's when either the SDK
// or the aws CLI reads them so (section-names.ts), so we edit exactly what they read.

const SECTION_PREFIXES = ["profile", "sso-session", "services"] as const;

/** A section with where it lies in the text: from its header line to the next header line. */
export interface SectionSpan extends IniSection {
  startOffset: number;
  endOffset: number;
}

/**
 * Where the sections are, found without splitting the text into lines: only lines whose first
 * visible character is `[` are looked at closely. Kept compact, as arrays of plain values: a
 * 50 MB config has half a million sections.
 */
export interface SectionIndex {
  headers: string[];
  /** The offset of each header line, then the text's length. */
  offsets: number[];
  /** The line number of each header line, then the number of lines. */
  lines: number[];
  /** Lines only the aws CLI reads as a section header, such as `[profile Work]x`. */
  cliOnlyHeaders: { offset: number; line: number; text: string }[];
}

export function indexSections(text: string): SectionIndex {
  // The view, the SDK's narrowed copy and the edit index the same texts (shared strings).
  const known = recentlyIndexed.find((entry) => entry.text === text);
  if (known) return known.index;
  const index: SectionIndex = { headers: [], offsets: [], lines: [], cliOnlyHeaders: [] };
  let line = 0;
  for (let at = 0; at < text.length; line += 1) {
    const newline = text.indexOf("\n", at);
    const next = newline === -1 ? text.length : newline + 1;
    const raw = mayBeHeader(text, at, next) ? lineText(text, at, next) : undefined;
    const header = raw === undefined ? undefined : headerOf(raw);
    if (header !== undefined) {
      index.headers.push(header);
      index.offsets.push(at);
      index.lines.push(line);
    } else if (raw !== undefined && /^\[.+\]/.test(raw.trim())) {
      index.cliOnlyHeaders.push({ offset: at, line, text: raw });
    }
    at = next;
  }
  index.offsets.push(text.length);
  index.lines.push(line);
  recentlyIndexed.unshift({ text, index });
  recentlyIndexed.length = Math.min(recentlyIndexed.length, 2); // the config and the credentials file
  return index;
}

const recentlyIndexed: { text: string; index: SectionIndex }[] = [];

/** Each header line in order, then one last item without a header that carries the line count. */
function* eachHeader(text: string): Generator<{ header: string | undefined; offset: number; line: number }> {
  let line = 0;
  for (let at = 0; at < text.length; line += 1) {
    const newline = text.indexOf("\n", at);
    const next = newline === -1 ? text.length : newline + 1;
    const header = mayBeHeader(text, at, next) ? headerOf(lineText(text, at, next)) : undefined;
    if (header !== undefined) yield { header, offset: at, line };
    at = next;
  }
  yield { header: undefined, offset: text.length, line };
}

/** Section `i` of the index, classified. */
export function spanAt(text: string, index: SectionIndex, i: number): SectionSpan {
  const header = index.headers[i] as string;
  const startOffset = index.offsets[i] as number;
  return {
    header,
    ...classifyHeader(header),
    line: lineText(text, startOffset, lineEndAfter(text, startOffset)),
    start: index.lines[i] as number,
    end: index.lines[i + 1] as number,
    startOffset,
    endOffset: index.offsets[i + 1] as number,
  };
}

export function scanSections(text: string): SectionSpan[] {
  const index = indexSections(text);
  return index.headers.map((_, i) => spanAt(text, index, i));
}

/** The target's sections; only headers that contain its name are classified. */
function targetSpans(text: string, target: ProfileTarget): SectionSpan[] {
  const index = indexSections(text);
  const spans: SectionSpan[] = [];
  index.headers.forEach((header, i) => {
    if (!header.includes(target.profile)) return;
    const span = spanAt(text, index, i);
    if (isSectionOf(span, target)) spans.push(span);
  });
  return spans;
}

/** Cheap test first: spaces and tabs, then `[`; other whitespace goes to the exact test. */
function mayBeHeader(text: string, from: number, to: number): boolean {
  let at = from;
  while (at < to && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) at += 1;
  const code = text.charCodeAt(at);
  // `[`, vertical tab, form feed, carriage return, or beyond ASCII (unicode spaces, BOM).
  return code === 91 || code === 11 || code === 12 || code === 13 || code >= 128;
}

/** The line's text without its line break ("\n" or "\r\n"), as splitLines gives it. */
function lineText(text: string, from: number, next: number): string {
  let end = next;
  if (end > from && text.charCodeAt(end - 1) === 10) end -= 1;
  if (end > from && text.charCodeAt(end - 1) === 13 && next !== end) end -= 1;
  return text.slice(from, end);
}

/** Where the text's last line starts (its length when it ends with a line break or is empty). */
function lastLineStart(text: string): number {
  const beforeLast = text.endsWith("\n") ? text.length - 1 : text.length;
  return beforeLast === 0 ? 0 : text.lastIndexOf("\n", beforeLast - 1) + 1;
}

/** The start of the line before the one starting at `offset`, or `offset` itself at the start. */
function lineStartBefore(text: string, offset: number): number {
  if (offset === 0) return 0;
  return offset - 1 === 0 ? 0 : text.lastIndexOf("\n", offset - 2) + 1;
}

/** The end (after its line break) of the line starting at `offset`, or the text's end. */
function lineEndAfter(text: string, offset: number): number {
  if (offset >= text.length) return text.length;
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
}

function listSectionsOfLines(lines: readonly Line[]): IniSection[] {
  const sections: IniSection[] = [];
  lines.forEach((line, index) => {
    const header = headerOf(line.text);
    if (header === undefined) return;
    const previous = sections.at(-1);
    if (previous) previous.end = index;
    sections.push({ header, ...classifyHeader(header), line: line.text, start: index, end: lines.length });
  });
  return sections;
}

function classifyHeader(header: string): Pick<IniSection, "kind" | "name"> {
  const match = PREFIXED_HEADER.exec(header);
  if (!match) return { kind: "plain", name: header };
  const prefix = SECTION_PREFIXES.find((known) => known === match[1]);
  return { kind: prefix ?? "ignored", name: match[3] ?? "" };
}

/** A section either reader takes as the profile is the profile's (section-names.ts). */
function isSectionOf(section: IniSection, target: ProfileTarget): boolean {
  return readBy(section, target).sdk || readBy(section, target).cli;
}

function readBy(section: IniSection, target: ProfileTarget): { sdk: boolean; cli: boolean } {
  return {
    sdk: sdkProfileName(section.header, target.file) === target.profile,
    cli: cliProfileName(section.line, target.file) === target.profile,
  };
}

/** A header line the SDKs do not see at all (`[profile Work]x`) cannot be respelled safely: what follows it is another section's to them. */
function refuseCliOnlyHeaders(text: string, target: ProfileTarget): void {
  const stray = indexSections(text).cliOnlyHeaders.find((header) => cliProfileName(header.text, target.file) === target.profile);
  if (stray === undefined) return;
  throw invalidInput(
    `Line ${stray.line + 1} of the AWS ${target.file} file is a section of profile ${target.profile} to the aws CLI but not to the AWS SDKs; xacct will not guess which to change.`,
    `Write that header as ${headerFor(target)}, with nothing after the ], then run xacct again.`,
  );
}

/**
 * A section only one reader takes as the profile gets the header both read the same way, so
 * the edit cannot leave a section that shadows, or is shadowed by, another for one reader.
 * With more than one section of the profile, which one a reader uses depends on which it
 * sees: xacct does not guess.
 */
function withHeadersBothRead(text: string, spans: SectionSpan[], target: ProfileTarget): string {
  const odd = spans.filter((span) => {
    const by = readBy(span, target);
    return !(by.sdk && by.cli);
  });
  if (odd.length === 0) return text;
  if (spans.length > 1) {
    const lines = spans.map((span) => span.start + 1).join(", ");
    throw invalidInput(
      `Profile ${target.profile} is written in ${spans.length} sections of the AWS ${target.file} file (lines ${lines}), which the aws CLI and the AWS SDKs resolve differently; xacct will not guess which to change.`,
      `Merge them into one ${headerFor(target)} section, then run xacct again.`,
    );
  }
  const span = odd[0] as SectionSpan;
  return text.slice(0, span.startOffset) + headerFor(target) + text.slice(span.startOffset + span.line.length);
}

/**
 * The sections whose keys the SDK actually uses for the target profile. `[profile default]`
 * shadows `[default]` only once it holds a setting: parseIni records no empty section.
 */
function effectiveSections(lines: readonly Line[], target: ProfileTarget): IniSection[] {
  const sections = listSectionsOfLines(lines).filter((section) => isSectionOf(section, target));
  const profileDefault = sections.filter((section) => section.kind === "profile");
  const defaultIsShadowed = target.file === "config" && target.profile === "default" && profileDefault.some((section) => holdsSettings(lines, section));
  if (defaultIsShadowed) return profileDefault;
  const plainDefault = sections.filter((section) => section.kind === "plain");
  return plainDefault.length > 0 ? plainDefault : sections;
}

function holdsSettings(lines: readonly Line[], section: IniSection): boolean {
  return lines.slice(section.start + 1, section.end).some((line) => {
    const part = settingPart(line.text);
    const equals = part.indexOf("=");
    return equals > 0 && part.slice(equals + 1).trim() !== "";
  });
}

function headerFor(target: ProfileTarget): string {
  if (target.file === "credentials" || target.profile === "default") return `[${target.profile}]`;
  return `[profile ${target.profile}]`;
}

// ---------------------------------------------------------------------------------------
// Editing one section.

function rewriteSection(
  lines: readonly Line[],
  section: IniSection,
  values: Readonly<Record<string, string>>,
  dropKeys: ReadonlySet<string>,
  eol: string,
): Line[] {
  const entries = keyEntries(lines, section);
  const lastEntryOfKey = new Map(entries.filter((entry) => entry.key in values).map((entry) => [entry.key, entry]));
  const entryAt = new Map(entries.map((entry) => [entry.start, entry]));
  const out: Line[] = [];
  for (let index = section.start; index < section.end;) {
    const entry = entryAt.get(index);
    const line = lines[index] as Line;
    if (entry === undefined || !(entry.key in values || dropKeys.has(entry.key))) {
      out.push(line);
      index += 1;
      continue;
    }
    // Earlier duplicates of a key we own are dead weight the SDK overrides; drop them.
    const value = values[entry.key];
    if (value !== undefined && lastEntryOfKey.get(entry.key) === entry) out.push(...withValue(line, entry.key, value, eol));
    index = entry.end;
  }
  const newKeys = Object.entries(values).filter(([key]) => !lastEntryOfKey.has(key));
  return insertAfterLastSetting(
    out,
    newKeys.map(([key, value]) => ({ text: `${key} = ${value}`, eol })),
    eol,
  );
}

/** New keys go after the section's last setting, before trailing comments and blank lines. */
function insertAfterLastSetting(section: Line[], newLines: Line[], eol: string): Line[] {
  if (newLines.length === 0) return section;
  let at = section.length - 1;
  while (at > 0 && isBlankOrComment((section[at] as Line).text)) at -= 1;
  const anchor = section[at] as Line;
  if (anchor.eol === "") section[at] = { ...anchor, eol };
  section.splice(at + 1, 0, ...newLines);
  return section;
}

function keyEntries(lines: readonly Line[], section: IniSection): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (let index = section.start + 1; index < section.end;) {
    const key = keyOf((lines[index] as Line).text);
    const end = key === undefined ? index + 1 : entryEnd(lines, index, section.end);
    if (key !== undefined) entries.push({ key, start: index, end });
    index = end;
  }
  return entries;
}

/**
 * One past the last line continuing the key at `keyLine`: deeper-indented lines, also across
 * blank and comment lines, as both botocore and the JS SDK read nested settings.
 */
function entryEnd(lines: readonly Line[], keyLine: number, sectionEnd: number): number {
  const keyIndent = indentOf((lines[keyLine] as Line).text);
  let end = keyLine + 1;
  for (let next = end; next < sectionEnd; next += 1) {
    const text = (lines[next] as Line).text;
    if (isBlankOrComment(text)) continue;
    if (indentOf(text) <= keyIndent) break;
    end = next + 1;
  }
  return end;
}

function lastSettingLine(lines: readonly Line[], section: IniSection): number {
  let at = section.end - 1;
  while (at > section.start && isBlankOrComment((lines[at] as Line).text)) at -= 1;
  return at;
}

/**
 * The key line with a new value, keeping its indent and `=` spacing. A comment after the old
 * value moves to a line of its own just above: botocore (the AWS CLI) reads ` # note` after a
 * value as part of the value while the JS SDK drops it, so only a bare value means the same
 * to both.
 */
function withValue(line: Line, key: string, value: string, eol: string): Line[] {
  const commentAt = line.text.search(/\s[;#]/);
  const body = commentAt === -1 ? line.text : line.text.slice(0, commentAt);
  const comment = commentAt === -1 ? "" : line.text.slice(commentAt).trimStart();
  const parts = /^(\s*)([^=]*=[ \t]*)(.*?)\s*$/s.exec(body);
  const indent = parts?.[1] ?? "";
  const text = parts && parts[3] !== "" ? `${indent}${parts[2]}${value}` : `${indent}${key} = ${value}`;
  const movedComment = comment === "" ? [] : [{ text: `${indent}${comment}`, eol: line.eol || eol }];
  return [...movedComment, { text, eol: line.eol }];
}

function appendSection(lines: readonly Line[], target: ProfileTarget, values: Readonly<Record<string, string>>, eol: string): Line[] {
  const out = [...lines];
  const last = out.at(-1);
  if (last !== undefined && last.eol === "") out[out.length - 1] = { ...last, eol };
  if (last !== undefined && !isBlank(last.text)) out.push({ text: "", eol });
  out.push({ text: headerFor(target), eol });
  for (const [key, value] of Object.entries(values)) out.push({ text: `${key} = ${value}`, eol });
  return out;
}

// ---------------------------------------------------------------------------------------
// Lines, read the way parseIni reads them.

function splitLines(text: string): Line[] {
  if (text === "") return [];
  return text.split(/(?<=\n)/).map((chunk) => {
    const eol = chunk.endsWith("\r\n") ? "\r\n" : chunk.endsWith("\n") ? "\n" : "";
    return { text: chunk.slice(0, chunk.length - eol.length), eol };
  });
}

function joinLines(lines: readonly Line[]): string {
  return lines.map((line) => line.text + line.eol).join("");
}

/** CRLF when most line breaks are CRLF; LF otherwise (and for an empty file). */
function dominantLineEnding(text: string): string {
  let crlf = 0;
  let lf = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
    if (at > 0 && text.charCodeAt(at - 1) === 13) crlf += 1;
    else lf += 1;
  }
  return crlf > lf ? "\r\n" : "\n";
}

/** What parseIni looks at: the line without its comment (`#`/`;` at the start or after a space), trimmed. */
function settingPart(text: string): string {
  return (text.split(/(?:^|\s)[;#]/)[0] ?? "").trim();
}

function headerOf(text: string): string | undefined {
  // Most headers hold no comment: skip the comment split for them (config files can be huge).
  const part = text.includes("#") || text.includes(";") ? settingPart(text) : text.trim();
  return part.startsWith("[") && part.endsWith("]") && part.length >= 2 ? part.slice(1, -1) : undefined;
}

function keyOf(text: string): string | undefined {
  const part = settingPart(text);
  const equals = part.indexOf("=");
  return equals > 0 ? part.slice(0, equals).trim() : undefined;
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

function isBlank(text: string): boolean {
  return text.trim() === "";
}

function isBlankOrComment(text: string): boolean {
  return settingPart(text) === "";
}

// ---------------------------------------------------------------------------------------
// Input checks: anything the SDK would read back differently is refused, not escaped.

const KEY_NAME = /^\w[\w.-]*$/;

function checkProfileName(target: ProfileTarget): void {
  checkWritableProfileName(target.profile);
}

function checkKey(key: string): void {
  if (!KEY_NAME.test(key)) {
    throw invalidInput(`The setting name ${JSON.stringify(key)} cannot be written to an AWS profile.`, "Use only letters, digits, _ . and - in setting names.");
  }
}

/** Values are often secrets, so messages name the key, never the value. */
function checkValues(values: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(values)) {
    checkKey(key);
    const problem =
      value.trim() === ""
        ? "is empty"
        : /[\x00-\x1f\x7f\u2028\u2029]/.test(value)
          ? "contains a line break or control character"
          : value !== value.trim()
            ? "starts or ends with whitespace"
            : /(?:^|\s)[;#]/.test(value)
              ? "contains ' #' or ' ;', which the AWS SDKs read as a comment"
              : undefined;
    if (problem !== undefined) {
      throw invalidInput(`The value for ${key} ${problem}, so it cannot be written to an AWS profile.`);
    }
  }
}
