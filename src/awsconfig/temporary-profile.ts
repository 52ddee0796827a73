/**
 * Saving temporary credentials as a named profile that other tools can use: in the config
 * file (the recipe's way) or the credentials file (for tools that read only that one), never
 * leaving stale keys for the same profile in the other file, and warning when something in
 * the environment would make other tools ignore the profile.
 */
import { configFilePath, credentialsFilePath } from "./paths.js";
import { writeProfile } from "./store.js";
import type { ProfileView } from "./sdk-view.js";

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
}

export interface TemporaryProfileResult {
  path: string;
  changed: boolean;
  warnings: string[];
}

export async function writeTemporaryProfile(request: TemporaryProfileWrite, env: NodeJS.ProcessEnv): Promise<TemporaryProfileResult> {
  const config = configFilePath(env);
  const keys = credentialValues(request.credentials);
  if (request.target === "config") {
    const { xacct_expiration: expiration, ...secrets } = keys;
    const values = { ...secrets, region: request.region, xacct_expiration: expiration! };
    const removeKeys = PROFILE_STYLE_KEYS.filter((key) => !(key in values));
    const written = await writeProfile({ path: config, file: "config", profile: request.name, values, removeKeys });
    const warnings = [...written.warnings, ...otherFileWarnings(request, env), ...shadowingWarnings(request.name, env)];
    return { path: written.path, changed: written.changed, warnings };
  }
  const written = await writeProfile({ path: credentialsFilePath(env), file: "credentials", profile: request.name, values: keys });
  // The config file keeps the region and loses any older keys: both files must not disagree.
  const cleaned = await writeProfile({ path: config, file: "config", profile: request.name, values: { region: request.region }, removeKeys: PROFILE_STYLE_KEYS });
  return { path: written.path, changed: written.changed, warnings: [...written.warnings, ...cleaned.warnings, ...shadowingWarnings(request.name, env)] };
}

/** Writing the config file while the credentials file has keys for the same profile. */
function otherFileWarnings(request: TemporaryProfileWrite, env: NodeJS.ProcessEnv): string[] {
  const inCredentials = request.before.credentialsFileKeys(request.name);
  if (!inCredentials.some((key) => key === "aws_access_key_id")) return [];
  return [
    `Profile ${request.name} also has keys in ${credentialsFilePath(env)}; the AWS CLI and the SDKs take the credentials file's keys over the config file's, ` +
      `so they will use those older keys. Remove [${request.name}] there, or write it there instead with --credentials-file.`,
  ];
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
    warnings.push(`AWS_PROFILE is ${active} in this shell: tools run without --profile use that profile. Pass --profile ${profile}, or run: export AWS_PROFILE=${profile}`);
  }
  return warnings;
}
