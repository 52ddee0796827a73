/**
 * Where the shared AWS files live. Finding a path is kept apart from reading it, so tests
 * (and callers) hand the store any file they like.
 */
import os from "node:os";
import path from "node:path";

type Env = Readonly<Record<string, string | undefined>>;

/** $AWS_CONFIG_FILE when set, else ~/.aws/config, as the SDKs and the AWS CLI resolve it. */
export function configFilePath(env: Env = process.env, home: string = os.homedir()): string {
  return fromEnvOrDefault(env.AWS_CONFIG_FILE, home, "config");
}

/** $AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/credentials. */
export function credentialsFilePath(env: Env = process.env, home: string = os.homedir()): string {
  return fromEnvOrDefault(env.AWS_SHARED_CREDENTIALS_FILE, home, "credentials");
}

function fromEnvOrDefault(fromEnv: string | undefined, home: string, fileName: string): string {
  if (fromEnv === undefined || fromEnv === "") return path.join(home, ".aws", fileName);
  return expandHome(fromEnv, home);
}

/** A leading `~` means the home directory, as in a shell; `~user` is left alone. */
function expandHome(filePath: string, home: string): string {
  if (filePath === "~") return home;
  if (filePath.startsWith("~/") || filePath.startsWith(`~${path.sep}`)) return path.join(home, filePath.slice(2));
  return filePath;
}
