/**
 * The SDK parses the whole config and credentials files again for each setting of each client
 * it builds (region, endpoint, retries, checksums, credentials, …): with a 50 MB config that
 * is seconds and hundreds of MB every time. So for a big file xacct hands the SDK, in memory,
 * only the sections it can use for the profiles xacct's clients name: those profiles, the
 * profiles they take credentials from (source_profile, in either file), [default], and every
 * section that is no profile (sso-session, services, …), in their order. The SDK reads the
 * same settings for those profiles as from the whole file. Small files it reads as they are.
 */
import { readFileSync, statSync } from "node:fs";
import { externalDataInterceptor } from "@smithy/shared-ini-file-loader";
import type { AwsFile } from "./ini.js";
import { configFilePath, credentialsFilePath } from "./paths.js";
import { readSdkProfiles, type SdkProfiles } from "./sdk-ini.js";
import { sdkProfileName } from "./section-names.js";
import { cachedText, fileVersion } from "./store.js";

/** Below this the SDK's own parse takes milliseconds; nothing is narrowed. */
export const BIG_FILE_BYTES = 1024 * 1024;

/** Profiles clients in this process were built for; a file read later keeps all of them. */
const wanted = new Set<string>(["default"]);
/** What each narrowed file was narrowed from (its version and the wanted profiles), to notice a change. */
const narrowed = new Map<string, string>();

/** Call before building a client for `profile` (undefined: the SDK's default chain). */
export function narrowSdkFilesFor(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  wanted.add(profile ?? env["AWS_PROFILE"] ?? "default");
  const files = [
    { path: configFilePath(env), file: "config" as const },
    { path: credentialsFilePath(env), file: "credentials" as const },
  ].map((entry) => ({ ...entry, version: versionOf(entry.path) }));
  const needed = files.filter(({ path, version }) => version !== undefined && (version.size >= BIG_FILE_BYTES || narrowed.has(path)));
  const stamp = (key: string | undefined) => `${key}|${[...wanted].join("\n")}`;
  if (needed.every(({ path, version }) => narrowed.get(path) === stamp(version?.key))) return;
  const texts = files.map(({ path, version }) => (version && cachedText(version.key)) ?? readText(path));
  const read = files.map(({ file }, index) => readSdkProfiles(texts[index] ?? "", file));
  const profiles = closure(read);
  for (const [index, { path, file, version }] of files.entries()) {
    if (!needed.some((entry) => entry.path === path)) continue;
    externalDataInterceptor.interceptFile(path, narrowText(texts[index] ?? "", read[index] as SdkProfiles, file, profiles));
    narrowed.set(path, stamp(version?.key));
  }
}

/** The wanted profiles and every profile they take credentials from, in either file. */
function closure(files: readonly SdkProfiles[]): Set<string> {
  const profiles = new Set(wanted);
  for (const profile of profiles) {
    for (const file of files) {
      const source = file.settings(profile)?.["source_profile"];
      if (source !== undefined) profiles.add(source);
    }
  }
  return profiles;
}

/** The sections the SDK can use for these profiles, in file order, each ending in a line break. */
export function narrowText(text: string, read: SdkProfiles, file: AwsFile, profiles: ReadonlySet<string>): string {
  if (read.poisoned) return text; // The SDK reads nothing from it anyway.
  const { headers, offsets } = read.index;
  const needles = [...profiles];
  const kept: string[] = [];
  headers.forEach((header, i) => {
    // Quick skip of the bulk: a profile header naming none of the profiles (in the credentials file every section is one).
    const isProfileHeader = file === "credentials" || header.startsWith("profile");
    if (isProfileHeader && !needles.some((needle) => header.includes(needle))) return;
    const name = sdkProfileName(header, file);
    if (name !== undefined && !profiles.has(name)) return;
    const section = text.slice(offsets[i], offsets[i + 1]);
    kept.push(section.endsWith("\n") ? section : `${section}\n`);
  });
  return kept.join("");
}

function versionOf(path: string): { key: string; size: number } | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? { key: fileVersion(info), size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // The SDK reads a file it cannot read as empty, too.
  }
}
