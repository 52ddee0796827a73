/**
 * `xacct credentials`: the credential_process side of a process-style profile. Prints the
 * JSON the AWS tools expect (Version 1, keys, token, Expiration) and nothing else; refuses to
 * print to a terminal, since it is for tools, not eyes, and refuses --json, whose document
 * never holds a secret.
 */
import { defaultSessionName } from "../session-name.js";
import { stat } from "node:fs/promises";
import { stsClientFor } from "../aws/sts.js";
import { configFilePath, credentialsFilePath } from "../awsconfig/paths.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { cachedSession, cacheDirectory, cacheFile } from "../credentials-cache.js";
import { invalidInput } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { assumeRole } from "../stages/assume-role.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { checkDurationSeconds, checkExternalId, checkProfileName, checkRegion, checkRoleArn, checkSessionName } from "../validate/index.js";
import type { CommandContext } from "./context.js";

export interface CredentialsOptions {
  setup?: string;
  roleArn?: string;
  profile?: string;
  sessionName?: string;
  region?: string;
  externalId?: string;
  durationSeconds?: string;
}

export async function credentialsCommand(options: CredentialsOptions, ctx: CommandContext): Promise<void> {
  // Its output is credential_process's document, keys and all: xacct's --json document would be a second one, and must never carry a secret.
  if (ctx.json) {
    throw invalidInput(
      "--json promises one JSON document without secrets, and xacct credentials prints credential_process's JSON, secret keys included.",
      "Leave --json out; for who you would be as JSON, use xacct assume --json.",
    );
  }
  if ((ctx.stdout as { isTTY?: boolean }).isTTY) {
    throw invalidInput(
      "xacct credentials prints secret keys for the AWS tools (credential_process) and will not print them to a terminal.",
      "Use a profile with credential_process (xacct assume --write-profile --profile-style process), or xacct assume to see who you would be.",
    );
  }
  const state = await resolveSetup(ctx, { command: "credentials", setup: options.setup, roleArn: options.roleArn, needsRole: true });
  refuseWithoutRole("credentials", state);
  const roleArn = checkRoleArn(options.roleArn ?? state?.roleArn ?? missing("--role-arn"));
  const profile = checkProfileName(options.profile ?? state?.stagingProfile ?? missing("--profile"));
  const region = checkRegion(options.region ?? state?.region ?? DEFAULTS.region);
  const sessionName = checkSessionName(options.sessionName ?? defaultSessionName(profile));
  const externalId = options.externalId !== undefined ? checkExternalId(options.externalId) : state?.roleArn === roleArn ? state.externalId : undefined;
  const durationSeconds = options.durationSeconds !== undefined ? checkDurationSeconds(options.durationSeconds) : undefined;

  const file = cacheFile(cacheDirectory(ctx.env), {
    roleArn,
    profile,
    sessionName,
    externalId,
    durationSeconds,
    region,
    endpoint: endpointSources(ctx),
    configFile: await fileVersion(configFilePath(ctx.env)),
    credentialsFile: await fileVersion(credentialsFilePath(ctx.env)),
    caller: callerSources(ctx.env),
  });
  const creds = await cachedSession(
    file,
    async () => {
      requireProfile(await loadProfileView(ctx.env), profile);
      // Built only on a miss: constructing an SDK client starts reading the config file.
      const sts = stsClientFor(ctx, profile, region);
      return assumeRole(sts, { roleArn, sessionName, durationSeconds, profile, externalId }, ctx.out);
    },
    { onIgnored: (reason) => ctx.out.warn(reason) },
  );
  ctx.stdout.write(
    `${JSON.stringify({
      Version: 1,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: creds.expiration.toISOString(),
    })}\n`,
  );
}

/**
 * Where STS calls will go, named without parsing the config file (the SDK takes 30 s over a
 * 50 MB one): --endpoint-url, the SDK's variables, and which profile's endpoint_url applies.
 * An endpoint_url inside the config file is covered by keying on the file's version.
 */
function endpointSources(ctx: CommandContext): string {
  const env = ctx.env;
  const pick = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_PROFILE"].map((name) => env[name] ?? "");
  return JSON.stringify([ctx.endpoint ?? "", ...pick]);
}

/**
 * The file's path as it is now: an edit (a new endpoint_url, other keys) means a new session.
 * The inode too, so a file replaced by rename with the same size and time is another version.
 */
async function fileVersion(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  return info ? `${path}@${info.dev}:${info.ino}:${info.mtimeMs}:${info.size}` : path;
}

/**
 * Credentials that may come from outside the files and so decide who asks: keys in the
 * environment, a web identity, a container's credentials. Only names and key IDs, hashed
 * into the cache file's name with the rest; never a secret.
 */
function callerSources(env: NodeJS.ProcessEnv): string {
  const names = [
    "AWS_ACCESS_KEY_ID",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  ];
  return JSON.stringify(names.map((name) => env[name] ?? ""));
}

function missing(flag: string): never {
  throw invalidInput(`xacct credentials does not know which role to assume: give ${flag}, or run \`xacct setup\` first.`);
}
