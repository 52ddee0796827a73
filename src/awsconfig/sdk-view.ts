/**
 * The profiles as the AWS SDK itself sees them (config and credentials files merged by the
 * SDK's own rules, honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE). Read-only:
 * for offering profiles, finding a profile's region and checking a profile exists.
 */
import { invalidInput } from "../errors.js";
import type { AwsFile } from "./ini.js";
import { configFilePath, credentialsFilePath } from "./paths.js";
import { readSdkProfiles } from "./sdk-ini.js";
import { readAwsFile } from "./store.js";
import { displayShellWord } from "../shell-words.js";

export interface ProfileView {
  names: string[];
  /** The profile's settings as the SDK merges them (the credentials file wins per key). */
  settings(profile: string): Record<string, string | undefined> | undefined;
  /** The keys the credentials file alone holds for the profile. */
  credentialsFileKeys(profile: string): string[];
  /** The settings of each section either the SDK or the aws CLI reads as the profile (also `[profile  Work]`). */
  sectionSettings(profile: string): Record<string, string>[];
  /** The same, for the sections in one of the two files. */
  sectionSettingsIn(profile: string, file: AwsFile): Record<string, string>[];
  /** The files read, as found through AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
  paths: Record<AwsFile, string>;
}

/** Read with the SDK's rules (sdk-ini.ts), not its loader, which parses the whole file into objects on every call. */
export async function loadProfileView(env: NodeJS.ProcessEnv = process.env): Promise<ProfileView> {
  const paths = { config: configFilePath(env), credentials: credentialsFilePath(env) };
  const [configText, credentialsText] = await Promise.all([readAwsFile(paths.config, "config"), readAwsFile(paths.credentials, "credentials")]);
  const config = readSdkProfiles(configText ?? "", "config");
  const credentials = readSdkProfiles(credentialsText ?? "", "credentials");
  let names: string[] | undefined;
  return {
    // Only prompts and hints list the names: found when asked, since that reads every section.
    get names() {
      names ??= [...new Set([...config.names(), ...credentials.names()])].sort();
      return names;
    },
    settings(profile) {
      const fromConfig = config.settings(profile);
      const fromCredentials = credentials.settings(profile);
      if (!fromConfig && !fromCredentials) return undefined;
      return { ...fromConfig, ...fromCredentials };
    },
    credentialsFileKeys: (profile) => Object.keys(credentials.settings(profile) ?? {}),
    sectionSettings: (profile) => [...config.sectionSettings(profile), ...credentials.sectionSettings(profile)],
    sectionSettingsIn: (profile, file) => (file === "config" ? config : credentials).sectionSettings(profile),
    paths,
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
