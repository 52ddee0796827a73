/**
 * The shared files as the JS SDK reads them (@smithy/core's parseIni and getConfigData),
 * without the SDK's cost: it turns the whole file into objects, which for a 50 MB config is
 * seconds and hundreds of MB each time. Here the sections are found once (indexSections) and a
 * profile's settings are parsed only when asked for, with the SDK's own rules.
 */
import { indexSections, spanAt, type AwsFile, type SectionIndex, type SectionSpan } from "./ini.js";
import { cliProfileName, sdkProfileName } from "./section-names.js";

export interface SdkProfiles {
  /** Every profile the SDK would load from the file (a section with at least one setting). */
  names(): string[];
  /** The profile's settings merged over its sections, later wins; undefined when the SDK has none. */
  settings(profile: string): Record<string, string> | undefined;
  /** The sections the SDK reads as the profile, in file order. */
  sectionsOf(profile: string): SectionSpan[];
  /**
   * The settings of each section either the SDK or the aws CLI reads as the profile
   * (`[profile  Work]` too), one record per section: for telling whose a profile is.
   */
  sectionSettings(profile: string): Record<string, string>[];
  index: SectionIndex;
  /** The SDK reads the whole file as empty (a `[__proto__]` section). */
  poisoned: boolean;
}

/** parseIni throws on these, and loadSharedConfigFiles then reads the whole file as empty. */
const BLOCKED_HEADERS = ["__proto__", "profile __proto__"];

export function readSdkProfiles(text: string, file: AwsFile): SdkProfiles {
  const index = indexSections(text);
  const poisoned = index.headers.some((header) => BLOCKED_HEADERS.includes(header));
  const sectionsOf = (profile: string): SectionSpan[] => {
    if (poisoned) return [];
    const spans: SectionSpan[] = [];
    // Only headers holding the name are classified ("profile.x" in a credentials file is `[profile x]`).
    const needle = profile.replace(/^(?:profile|sso-session|services)\./, "");
    index.headers.forEach((header, i) => {
      if (header.includes(needle) && sdkProfileName(header, file) === profile) spans.push(spanAt(text, index, i));
    });
    return spans;
  };
  const names = (): string[] => {
    if (poisoned) return [];
    const found = index.headers.flatMap((header, i) => {
      const name = sdkProfileName(header, file);
      return name !== undefined && settingsOf(text, [spanAt(text, index, i)]) !== undefined ? [name] : [];
    });
    return [...new Set(found)];
  };
  const sectionSettings = (profile: string) => {
    const needle = profile.replace(/^(?:profile|sso-session|services)\./, "");
    const sections = index.headers.flatMap((header, i) => {
      if (!header.includes(needle)) return [];
      const span = spanAt(text, index, i);
      const either = (!poisoned && sdkProfileName(header, file) === profile) || cliProfileName(span.line, file) === profile;
      return either ? [span] : [];
    });
    // A header only the CLI sees runs to the next header line.
    const strays = index.cliOnlyHeaders
      .filter((header) => cliProfileName(header.text, file) === profile)
      .map((header) => ({ startOffset: header.offset, endOffset: index.offsets.find((offset) => offset > header.offset) ?? text.length }));
    return [...sections, ...strays].flatMap((span): Record<string, string>[] => {
      const settings = settingsOf(text, [span]);
      return settings ? [settings] : [];
    });
  };
  return { names, settings: (profile) => settingsOf(text, sectionsOf(profile)), sectionsOf, sectionSettings, index, poisoned };
}

/** parseIni's reading of the sections' settings, including `key =` sub-sections as `key.sub`. */
function settingsOf(text: string, spans: readonly Pick<SectionSpan, "startOffset" | "endOffset">[]): Record<string, string> | undefined {
  let settings: Record<string, string> | undefined;
  for (const span of spans) {
    let subSection: string | undefined;
    const lines = text.slice(span.startOffset, span.endOffset).split(/\r?\n/).slice(1);
    for (const line of lines) {
      const trimmed = (line.split(/(?:^|\s)[;#]/)[0] ?? "").trim();
      const equals = trimmed.indexOf("=");
      if (equals <= 0) continue;
      const name = trimmed.slice(0, equals).trim();
      const value = trimmed.slice(equals + 1).trim();
      if (value === "") {
        subSection = name;
        continue;
      }
      if (subSection !== undefined && line.trimStart() === line) subSection = undefined;
      settings ??= {};
      settings[subSection === undefined ? name : `${subSection}.${name}`] = value;
    }
  }
  return settings;
}
