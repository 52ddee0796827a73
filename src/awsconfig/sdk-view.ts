/**
 * The profiles as the AWS SDK itself sees them (config and credentials files merged by the
 * SDK's own loader, honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE). Read-only:
 * for offering profiles, finding a profile's region and checking a profile exists.
 */
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import { invalidInput } from "../errors.js";
import { configFilePath, credentialsFilePath } from "./paths.js";
import { checkAwsFile } from "./store.js";
import { displayShellWord } from "../shell-words.js";

export interface ProfileView {
  names: string[];
  /** The profile's settings as the SDK merges them (the credentials file wins per key). */
  settings(profile: string): Record<string, string | undefined> | undefined;
  /** The keys the credentials file alone holds for the profile. */
  credentialsFileKeys(profile: string): string[];
}

export async function loadProfileView(env: NodeJS.ProcessEnv = process.env): Promise<ProfileView> {
  await Promise.all([checkAwsFile(configFilePath(env), "config"), checkAwsFile(credentialsFilePath(env), "credentials")]);
  const files = await loadSharedConfigFiles({
    ignoreCache: true,
    ...(env["AWS_CONFIG_FILE"] ? { configFilepath: env["AWS_CONFIG_FILE"] } : {}),
    ...(env["AWS_SHARED_CREDENTIALS_FILE"] ? { filepath: env["AWS_SHARED_CREDENTIALS_FILE"] } : {}),
  });
  const names = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
  return {
    names,
    settings(profile) {
      const config = files.configFile[profile];
      const credentials = files.credentialsFile[profile];
      if (!config && !credentials) return undefined;
      return { ...config, ...credentials };
    },
    credentialsFileKeys: (profile) => Object.keys(files.credentialsFile[profile] ?? {}),
  };
}

/** A named profile must exist before we hand it to the SDK; say so plainly if it does not. */
export function requireProfile(view: ProfileView, profile: string): Record<string, string | undefined> {
  const settings = view.settings(profile);
  if (!settings) {
    throw invalidInput(
      `Profile "${profile}" is not in your AWS config or credentials file.`,
      view.names.length > 0
        ? `Known profiles: ${view.names.join(", ")}. Create it with \`aws configure --profile ${displayShellWord(profile)}\` or pick one of those.`
        : `Create it with \`aws configure --profile ${displayShellWord(profile)}\`.`,
    );
  }
  return settings;
}
