/**
 * Profiles the AWS tools refresh themselves, so no expiring keys sit on disk:
 * - role style: `role_arn` + `source_profile`; the CLI and every SDK assume the role on use;
 * - process style: `credential_process` runs `xacct credentials`, which caches the session (and,
 *   for a role that requires MFA, assumes it with the cached MFA session: one code a day).
 * Either replaces any keys or other-style settings the profile had in both files.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { upsertProfile } from "./ini.js";
import { configFilePath, credentialsFilePath } from "./paths.js";
import { writeProfile } from "./store.js";
import { afterFirstFile, dropCredentialsFileKeys, OWNER_KEY, PROFILE_STYLE_KEYS, shadowingWarnings } from "./temporary-profile.js";
import { loadProfileView } from "./sdk-view.js";
import { shellLine } from "../shell-words.js";
import { xacctLauncher } from "./xacct-launcher.js";
import { refuseProcessStyleOn } from "../validate/index.js";

export interface RoleProfile {
  name: string;
  roleArn: string;
  sourceProfile: string;
  sessionName: string;
  region: string;
  externalId?: string | undefined;
  mfaSerial?: string | undefined;
  durationSeconds?: number | undefined;
}

export type ProcessProfile = RoleProfile & { endpoint?: string | undefined };

export interface WrittenProfile {
  path: string;
  changed: boolean;
  warnings: string[];
}

export function roleProfileValues(profile: RoleProfile): Record<string, string> {
  return {
    role_arn: profile.roleArn,
    source_profile: profile.sourceProfile,
    role_session_name: profile.sessionName,
    ...(profile.externalId ? { external_id: profile.externalId } : {}),
    ...(profile.mfaSerial ? { mfa_serial: profile.mfaSerial } : {}),
    ...(profile.durationSeconds ? { duration_seconds: String(profile.durationSeconds) } : {}),
    region: profile.region,
    [OWNER_KEY]: "role",
  };
}

export async function writeRoleProfile(profile: RoleProfile, env: NodeJS.ProcessEnv): Promise<WrittenProfile> {
  return writeStyleProfile(profile.name, roleProfileValues(profile), env);
}

/**
 * The command line a credential_process profile runs: every option written `--name=value`, so
 * a value that starts with '-' (a profile named --version) is still the value and never an
 * option of its own, and quoted for both sh and shlex. How xacct is started (`launcher`):
 * xacct-launcher.ts; those words and `credentials` are bare when nothing in them means
 * anything to either reader.
 */
export function credentialProcessCommand(profile: ProcessProfile, launcher: readonly string[] = xacctLauncher(xacctBin())): string {
  const options: [string, string | undefined][] = [
    ["--role-arn", profile.roleArn],
    ["--profile", profile.sourceProfile],
    ["--session-name", profile.sessionName],
    ["--region", profile.region],
    ["--external-id", profile.externalId],
    ["--duration-seconds", profile.durationSeconds ? String(profile.durationSeconds) : undefined],
    // The device: xacct credentials assumes the role with that device's cached MFA session.
    ["--mfa-serial", profile.mfaSerial],
  ];
  return [
    ...launcher.map(plainWord),
    ...(profile.endpoint ? [shellLine([`--endpoint-url=${profile.endpoint}`])] : []),
    "credentials",
    shellLine(options.flatMap(([name, value]) => (value ? [`${name}=${value}`] : []))),
  ]
    .filter((words) => words !== "")
    .join(" ");
}

/** A word both sh and shlex read back unchanged without quotes, bare; else quoted. */
function plainWord(word: string): string {
  return /^[\w/.@%+,:-]+$/.test(word) ? word : shellLine([word]);
}

export function processProfileValues(profile: ProcessProfile, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { credential_process: credentialProcessCommand(profile, xacctLauncher(xacctBin(), env)), region: profile.region, [OWNER_KEY]: "process" };
}

export async function writeProcessProfile(profile: ProcessProfile, env: NodeJS.ProcessEnv): Promise<WrittenProfile> {
  return writeStyleProfile(profile.name, processProfileValues(profile, env), env);
}

/**
 * Refuses, before any AWS call, a profile the writer would refuse only after it: the same
 * editor, on an empty file, with the same values.
 */
export function checkRefreshingProfile(style: "role" | "process", profile: ProcessProfile, platform: NodeJS.Platform = process.platform): void {
  if (style === "process") refuseProcessStyleOn(platform);
  const values = style === "role" ? roleProfileValues(profile) : processProfileValues(profile);
  upsertProfile("", { file: "config", profile: profile.name }, values);
}

async function writeStyleProfile(name: string, values: Record<string, string>, env: NodeJS.ProcessEnv): Promise<WrittenProfile> {
  const removeKeys = PROFILE_STYLE_KEYS.filter((key) => !(key in values));
  // Keys for the same profile in the credentials file would win over role_arn or
  // credential_process: they go first, so no reader sees the new profile beside them.
  const dropped = await dropCredentialsFileKeys(await loadProfileView(env), name, env);
  const write = () => writeProfile({ path: configFilePath(env), file: "config", profile: name, values, removeKeys });
  const written = dropped
    ? await afterFirstFile({ done: "cleared of its older keys in", path: credentialsFilePath(env), profile: name }, write)
    : await write();
  return { path: written.path, changed: written.changed, warnings: [...written.warnings, ...shadowingWarnings(name, env)] };
}

/** bin/xacct.js of this installation: found upwards from this module, bundled or not. */
export function xacctBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "bin", "xacct.js");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return process.argv[1] ?? "xacct";
}
