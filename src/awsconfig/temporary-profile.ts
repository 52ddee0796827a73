/**
 * Saving temporary credentials as a named profile that other tools can use: in the config
 * file (the recipe's way) or the credentials file (for tools that read only that one), never
 * leaving stale keys for the same profile in the other file, and warning when something in
 * the environment would make other tools ignore the profile.
 */
import { stat } from "node:fs/promises";
import { invalidInput, XacctError } from "../errors.js";
import { configFilePath, credentialsFilePath } from "./paths.js";
import { checkWritable, removeProfileFromFile, writeProfile } from "./store.js";
import type { ProfileView } from "./sdk-view.js";
import { holdsLongTermKeys, holdsOnlyTemporaryKeys, isXacctProfile, longTermKeysRefusal, OWNER_KEY } from "./ownership.js";

export { isXacctProfile, OWNER_KEY } from "./ownership.js";

/**
 * Refuses, before teardown deletes anything in AWS, files that removing the profile would
 * fail on or must not touch (a missing file is left missing, so it is not checked).
 */
export async function checkProfileFilesRemovable(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (const [path, file] of [
    [configFilePath(env), "config"],
    [credentialsFilePath(env), "credentials"],
  ] as const) {
    if (await exists(path)) await checkWritable(path, file, name);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Whether xacct may remove the profile: it exists, and every section either the SDK or the
 * aws CLI reads as it is xacct's (a user's `[profile  TempCred]` beside xacct's is not), and
 * none holds long-term keys (pasted into xacct's section, they are still the user's).
 */
export function isXacctProfileIn(view: ProfileView, name: string): boolean {
  const sections = view.sectionSettings(name);
  return isXacctProfile(view.settings(name)) && sections.every((settings) => isXacctProfile(settings) && !holdsLongTermKeys(settings));
}

/** Why teardown leaves a profile of that name where it is, or undefined when it may remove it. */
export function whyProfileIsKept(view: ProfileView, name: string): string | undefined {
  const settings = view.settings(name);
  if (!settings) return undefined;
  for (const file of ["credentials", "config"] as const) {
    if (view.sectionSettingsIn(name, file).some(holdsLongTermKeys)) return `the ${file} file holds long-term keys for it that xacct did not write`;
  }
  if (!isXacctProfile(settings)) return "not written by xacct";
  if (!isXacctProfileIn(view, name)) return "the aws CLI reads a section of it that xacct did not write";
  return undefined;
}

/** A user's own keys under the name would be replaced, or removed so the new profile is not shadowed. */
function refuseLongTermKeys(view: ProfileView, name: string): void {
  for (const file of ["credentials", "config"] as const) {
    if (view.sectionSettingsIn(name, file).some(holdsLongTermKeys)) throw longTermKeysRefusal(view.paths[file], file, name);
  }
}

/**
 * Refuses, before anything is written or asked of AWS, to write a profile that is not
 * xacct's (the user's own settings would be replaced) or that xacct reads credentials from.
 */
export function refuseForeignProfile(view: ProfileView, name: string, sources: readonly string[], style: "static" | "role" | "process" = "static"): void {
  if (sources.includes(name)) {
    throw invalidInput(
      `xacct will not write profile ${name}: it is a profile whose own credentials this run uses, and they would be replaced.`,
      "Give the temporary profile another name, e.g. --write-profile TempCred (setup: --temp-profile TempCred).",
    );
  }
  refuseLongTermKeys(view, name);
  // Every section either reader takes as the profile counts: `[profile  Work]` is Work to the aws CLI alone.
  const settings = view.settings(name);
  const sections = view.sectionSettings(name);
  const foreign = (s: Record<string, string | undefined>) => !isXacctProfile(s) && !holdsOnlyTemporaryKeys(s);
  if ((settings && foreign(settings)) || sections.some(foreign)) {
    throw invalidInput(
      `Profile ${name} already exists and was not written by xacct; writing it would replace your settings.`,
      "Choose another name (--write-profile NAME, or --temp-profile for setup), or remove that profile first.",
    );
  }
  if (style !== "static" && isHandMadeSession(view, name)) {
    throw invalidInput(
      `Profile ${name} holds session keys you saved yourself; xacct only refreshes their keys, and will not turn it into a ${style}-style profile.`,
      `Drop --profile-style to refresh its keys, or choose another name (--write-profile NAME).`,
    );
  }
}

/**
 * A profile like the recipe's hand-made TempCred: a session's keys the user saved, not
 * written by xacct. xacct may refresh its keys (only the key lines), never marks it as its
 * own, and so never removes it.
 */
export function isHandMadeSession(view: ProfileView, name: string): boolean {
  const settings = view.settings(name);
  return settings !== undefined && !isXacctProfile(settings) && view.sectionSettings(name).every((section) => !isXacctProfile(section));
}

/**
 * Refuses, before anything is asked of AWS, the files writing profile `name` would fail on or
 * must not touch: the config file always, the credentials file when the keys go there or it
 * holds the profile already (its older keys are then removed). `keys` is the file the
 * session's keys go to ("none" for a style that writes no secret): it must be private.
 */
export async function checkProfileFilesWritable(
  view: ProfileView,
  name: string,
  keys: "config" | "credentials" | "none",
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await checkWritable(configFilePath(env), "config", name, { secrets: keys === "config" });
  if (keys === "credentials" || view.credentialsFileKeys(name).length > 0) {
    await checkWritable(credentialsFilePath(env), "credentials", name, { secrets: keys === "credentials" });
  }
}

/**
 * Drops credential keys for `name` from the credentials file, where they would win over the
 * profile just written to the config file. The section goes when nothing else is left in it.
 */
export async function dropCredentialsFileKeys(view: ProfileView, name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const keys = view.credentialsFileKeys(name);
  const isCredential = (key: string) => (CREDENTIAL_KEYS as readonly string[]).includes(key) || key === OWNER_KEY;
  if (!keys.some(isCredential)) return false;
  const path = credentialsFilePath(env);
  if (keys.every(isCredential)) await removeProfileFromFile({ path, file: "credentials", profile: name });
  else await writeProfile({ path, file: "credentials", profile: name, values: {}, removeKeys: [...CREDENTIAL_KEYS, OWNER_KEY] });
  return true;
}

export interface TemporaryCredentialsForProfile {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Keys that carry credentials; only one of the two files may hold them for a profile. */
export const CREDENTIAL_KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "xacct_expiration"] as const;

/** Every key some profile style writes: switching styles drops the keys of the old one. */
export const PROFILE_STYLE_KEYS: readonly string[] = [
  ...CREDENTIAL_KEYS,
  "role_arn",
  "source_profile",
  "role_session_name",
  "external_id",
  "mfa_serial",
  "duration_seconds",
  "credential_process",
  "xacct_role",
];

/** The credential keys, plus `aws_security_token` (the same token) for older tools. */
export function credentialValues(creds: TemporaryCredentialsForProfile): Record<string, string> {
  return {
    aws_access_key_id: creds.accessKeyId,
    aws_secret_access_key: creds.secretAccessKey,
    aws_session_token: creds.sessionToken,
    aws_security_token: creds.sessionToken,
    // Unknown keys are ignored by the SDKs and the CLI; xacct reads it to warn of expiry.
    xacct_expiration: creds.expiration.toISOString(),
  };
}

export interface TemporaryProfileWrite {
  name: string;
  /** Which file holds the keys; `region` always goes to the config file. */
  target: "config" | "credentials";
  credentials: TemporaryCredentialsForProfile;
  region: string;
  /** The profiles as they were before the write, to spot the same profile in the other file. */
  before: ProfileView;
  /** The role the keys are a session of: recorded (xacct_role) so list can tell whose profile it is. */
  roleArn?: string | undefined;
}

export interface TemporaryProfileResult {
  path: string;
  changed: boolean;
  warnings: string[];
}

export async function writeTemporaryProfile(request: TemporaryProfileWrite, env: NodeJS.ProcessEnv): Promise<TemporaryProfileResult> {
  if (isHandMadeSession(request.before, request.name)) return refreshHandMadeSession(request, env);
  const config = configFilePath(env);
  const keys = credentialValues(request.credentials);
  if (request.target === "config") {
    const { xacct_expiration: expiration, ...secrets } = keys;
    const values = { ...secrets, region: request.region, xacct_expiration: expiration!, [OWNER_KEY]: "static", ...roleOf(request) };
    const removeKeys = PROFILE_STYLE_KEYS.filter((key) => !(key in values));
    // Older keys for the same profile in the credentials file would win over these: they go
    // first, so the tools never read new keys in one file beside older ones in the other.
    const dropped = await dropCredentialsFileKeys(request.before, request.name, env);
    const write = () => writeProfile({ path: config, file: "config", profile: request.name, values, removeKeys });
    const written = dropped
      ? await afterFirstFile({ done: "cleared of its older keys in", path: credentialsFilePath(env), profile: request.name }, write)
      : await write();
    const note = dropped ? [`Removed older keys of profile ${request.name} from ${credentialsFilePath(env)}: the AWS tools would have used them instead.`] : [];
    return { path: written.path, changed: written.changed, warnings: [...written.warnings, ...note, ...shadowingWarnings(request.name, env)] };
  }
  const written = await writeProfile({ path: credentialsFilePath(env), file: "credentials", profile: request.name, values: keys });
  // The config file keeps the region (and xacct's mark) and loses any older keys: both files must not disagree.
  const cleaned = await afterFirstFile({ done: "written to", path: written.path, profile: request.name }, () =>
    writeProfile({
      path: config,
      file: "config",
      profile: request.name,
      values: { region: request.region, [OWNER_KEY]: "static", ...roleOf(request) },
      removeKeys: PROFILE_STYLE_KEYS.filter((key) => !(request.roleArn && key === ROLE_KEY)),
    }),
  );
  return { path: written.path, changed: written.changed, warnings: [...written.warnings, ...cleaned.warnings, ...shadowingWarnings(request.name, env)] };
}

/** xacct's record of the role a static profile holds a session of (the SDKs ignore unknown keys). */
export const ROLE_KEY = "xacct_role";

function roleOf(request: TemporaryProfileWrite): Record<string, string> {
  return request.roleArn ? { [ROLE_KEY]: request.roleArn } : {};
}

/** Environment settings that make other tools ignore the profile just written. */
export function shadowingWarnings(profile: string, env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  const envKeys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].filter((name) => env[name]);
  if (envKeys.length > 0) {
    warnings.push(
      `${envKeys.join(", ")} ${envKeys.length === 1 ? "is" : "are"} set in this shell: tools run without --profile use ${envKeys.length === 1 ? "it" : "them"} instead of profile ${profile}. ` +
        `Pass --profile ${profile}, or run: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN`,
    );
  }
  const active = env["AWS_PROFILE"] ?? env["AWS_DEFAULT_PROFILE"];
  if (active && active !== profile) {
    warnings.push(
      `AWS_PROFILE is ${active} in this shell: tools run without --profile use that profile. Pass --profile ${profile}, or run: export AWS_PROFILE=${profile}`,
    );
  }
  return warnings;
}

/**
 * Refreshes a hand-made session profile where its keys are: only the key lines change; its
 * region, other settings and comments stay, and no xacct mark is added (teardown keeps it).
 */
async function refreshHandMadeSession(request: TemporaryProfileWrite, env: NodeJS.ProcessEnv): Promise<TemporaryProfileResult> {
  const paths = { config: configFilePath(env), credentials: credentialsFilePath(env) };
  const files = (["credentials", "config"] as const).filter((file) => request.before.sectionSettingsIn(request.name, file).length > 0);
  const written = [];
  for (const file of files) {
    const hadSecurityToken = request.before.sectionSettingsIn(request.name, file).some((section) => section["aws_security_token"] !== undefined);
    const values: Record<string, string> = {
      aws_access_key_id: request.credentials.accessKeyId,
      aws_secret_access_key: request.credentials.secretAccessKey,
      aws_session_token: request.credentials.sessionToken,
      ...(hadSecurityToken ? { aws_security_token: request.credentials.sessionToken } : {}),
    };
    written.push(await writeProfile({ path: paths[file], file, profile: request.name, values }));
  }
  const first = written[0] as TemporaryProfileResult;
  const note = `Profile ${request.name} holds session keys you saved yourself: xacct replaced only its keys and left it yours (teardown keeps it).`;
  return {
    path: first.path,
    changed: written.some((result) => result.changed),
    warnings: [...written.flatMap((result) => result.warnings), note, ...shadowingWarnings(request.name, env)],
  };
}

/**
 * A profile lives in two files, changed one after the other: when the second change fails,
 * the error says the first one is done, so no one takes the profile for unchanged (or done).
 */
export async function afterFirstFile<T>(first: { done: string; path: string; profile: string }, second: () => Promise<T>): Promise<T> {
  try {
    return await second();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new XacctError(`Profile ${first.profile} was ${first.done} ${first.path}, but its other file could not be changed: ${reason}`, {
      hint: `${error instanceof XacctError && error.hint ? `${error.hint} ` : ""}Then run the same xacct command again to finish; until then the AWS tools may still read the profile's older settings from the other file.`,
      exitCode: error instanceof XacctError ? error.exitCode : 1,
      cause: error,
    });
  }
}
