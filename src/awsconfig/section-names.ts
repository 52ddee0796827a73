/**
 * Which profile a section header is, to each of the two readers of the shared files. They
 * disagree on odd spellings: `[profile  Work]` (two spaces) or `[profile Work ]` is profile
 * Work to the aws CLI and nothing to the SDKs; `[profile.Work]` is profile Work to the JS SDK
 * and nothing to the CLI. xacct treats a section either reads as the profile as that profile.
 */
import type { AwsFile } from "./ini.js";

const KNOWN_PREFIXES = ["profile", "sso-session", "services"];
/** @smithy/core's parseIni: "prefix name" or "prefix 'name'" with the SDK's name characters. */
export const PREFIXED_HEADER = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;

/** The profile a header (the text between the brackets, comment stripped) is to the JS SDK. */
export function sdkProfileName(header: string, file: AwsFile): string | undefined {
  const key = sdkSectionKey(header);
  if (key === undefined || file === "credentials") return key;
  if (key === "default") return key;
  // getConfigData assigns acc[name]: "__proto__" sets the object's prototype, no profile.
  const name = key.startsWith("profile.") ? key.slice("profile.".length) : undefined;
  return name === "__proto__" ? undefined : name;
}

/** parseIni's key: "prefix.name" for known prefixes, nothing for unknown ones, the header itself otherwise. */
function sdkSectionKey(header: string): string | undefined {
  const match = PREFIXED_HEADER.exec(header);
  if (!match) return header === "" ? undefined : header; // parseIni keeps no settings under []
  return KNOWN_PREFIXES.includes(match[1] ?? "") ? `${match[1]}.${match[3]}` : undefined;
}

/**
 * The profile a header LINE is to the aws CLI: Python's configparser takes what lies between
 * the first `[` and the last `]` of the stripped line (no inline comments), then botocore
 * reads "profile NAME" in the config file with shlex (quotes, any run of spaces) and needs
 * exactly two words; in the credentials file the section name is the profile.
 */
export function cliProfileName(line: string, file: AwsFile): string | undefined {
  const header = /^\[(.+)\]/.exec(line.trim())?.[1];
  if (header === undefined) return undefined;
  if (file === "credentials") return header;
  if (header === "default") return header;
  if (!header.startsWith("profile")) return undefined;
  const words = shlexSplit(header);
  return words?.length === 2 ? words[1] : undefined;
}

/** Python's shlex.split (POSIX mode, no comments); undefined where it raises (an open quote). */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | undefined;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && (text[at + 1] === '"' || text[at + 1] === "\\")) word += text[++at];
      else word += char;
    } else if (" \t\r\n".includes(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      inWord = true;
      if (char === "'" || char === '"') quote = char;
      else if (char === "\\") {
        if (at + 1 >= text.length) return undefined; // "No escaped character"
        word += text[++at];
      } else word += char;
    }
  }
  if (quote !== undefined) return undefined; // "No closing quotation"
  if (inWord) words.push(word);
  return words;
}
