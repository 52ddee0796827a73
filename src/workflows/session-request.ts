/**
 * Which role session a `credentials`, `exec` or `env` request means, and the cache file that
 * holds it: the setup and flags bound, checked, defaulted, and keyed. No SDK and no command
 * framework, so the cache-hit path of `xacct credentials` (credential-process.ts) and the full
 * CLI (role-session.ts) run this same code and cannot name different files or accept
 * different flags.
 */
import { readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { configFilePath, credentialsFilePath } from "../awsconfig/paths.js";
import { cacheDirectory, cacheFile } from "../credentials-cache-read.js";
import { DEFAULT_REGION } from "../default-region.js";
import { invalidInput } from "../errors.js";
import { defaultSessionName } from "../session-name.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import type { SetupState } from "../state-read.js";
import {
  checkDurationSeconds,
  checkExternalId,
  checkMfaSerial,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkSessionName,
  checkTokenCode,
} from "../validate/index.js";
import { checkMfaDuration, refuseLongRoleSession } from "../validate/mfa.js";
import type { CommandContext } from "../commands/context.js";

export interface RoleSessionOptions {
  setup?: string | undefined;
  roleArn?: string | undefined;
  profile?: string | undefined;
  sessionName?: string | undefined;
  region?: string | undefined;
  externalId?: string | undefined;
  durationSeconds?: string | undefined;
  /** The MFA device (default: the profile's mfa_serial), when the role requires MFA. */
  mfaSerial?: string | undefined;
  /** Today's code, when the MFA session is gone (else mfa_process, else a question at a terminal). */
  tokenCode?: string | undefined;
  /** How long a new MFA session lasts, in seconds (default 12 hours). */
  mfaDuration?: string | undefined;
}

/** A request, bound and checked: what STS is asked for, and by whom. */
export interface SessionRequest {
  roleArn: string;
  /** The Staging profile whose credentials assume the role. */
  profile: string;
  region: string;
  sessionName: string;
  externalId: string | undefined;
  durationSeconds: number | undefined;
  setup: SetupState | undefined;
  /** --mfa-serial: part of the cache key (a device named only in the profile is covered by the file's version). */
  mfaSerial: string | undefined;
  tokenCode: string | undefined;
  mfaDuration: number | undefined;
  /** The remembered setup of this role says its trust requires MFA. */
  requireMfa: boolean;
}

export type RequestContext = Pick<CommandContext, "statePath" | "interactive" | "prompter">;

/** `command` names the command in messages ("credentials", "exec", "env"). Throws on bad input, before any AWS call. */
export async function resolveSessionRequest(command: string, options: RoleSessionOptions, ctx: RequestContext): Promise<SessionRequest> {
  const state = await resolveSetup(ctx, { command, setup: options.setup, roleArn: options.roleArn, needsRole: true });
  refuseWithoutRole(command, state);
  const roleArn = checkRoleArn(options.roleArn ?? state?.roleArn ?? missing(command, "--role-arn"));
  const profile = checkProfileName(options.profile ?? state?.stagingProfile ?? missing(command, "--profile"));
  const region = checkRegion(options.region ?? state?.region ?? DEFAULT_REGION);
  const sessionName = checkSessionName(options.sessionName ?? defaultSessionName(profile));
  const externalId = options.externalId !== undefined ? checkExternalId(options.externalId) : state?.roleArn === roleArn ? state.externalId : undefined;
  const durationSeconds = options.durationSeconds !== undefined ? checkDurationSeconds(options.durationSeconds) : undefined;
  const mfaSerial = options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined;
  const tokenCode = options.tokenCode !== undefined ? checkTokenCode(options.tokenCode) : undefined;
  const mfaDuration = options.mfaDuration !== undefined ? checkMfaDuration(options.mfaDuration) : undefined;
  const requireMfa = state?.roleArn === roleArn && state.requireMfa === true;
  // A device known now is refused now; one named only in the profile, once the profile is read.
  if (mfaSerial !== undefined || requireMfa) refuseLongRoleSession(durationSeconds, roleArn);
  return { roleArn, profile, region, sessionName, externalId, durationSeconds, setup: state, mfaSerial, tokenCode, mfaDuration, requireMfa };
}

/** Where the cached session of `request` is (or will be), as the files and environment are now. */
export function sessionCacheFile(request: SessionRequest, ctx: Pick<CommandContext, "env" | "endpoint">): string {
  const { roleArn, profile, sessionName, externalId, durationSeconds, region, mfaSerial, requireMfa } = request;
  return cacheFile(cacheDirectory(ctx.env), {
    roleArn,
    profile,
    sessionName,
    externalId,
    durationSeconds,
    region,
    endpoint: endpointSources(ctx),
    configFile: fileVersion(configFilePath(ctx.env)),
    credentialsFile: fileVersion(credentialsFilePath(ctx.env)),
    caller: callerSources(ctx.env),
    ssoTokens: ssoTokenCacheVersion(ctx.env),
    mfaSerial,
    requireMfa,
  });
}

/**
 * Where STS calls will go, named without parsing the config file (the SDK takes 30 s over a
 * 50 MB one): --endpoint-url, the SDK's variables, and which profile's endpoint_url applies.
 * An endpoint_url inside the config file is covered by keying on the file's version.
 */
function endpointSources(ctx: Pick<CommandContext, "env" | "endpoint">): string {
  const env = ctx.env;
  const pick = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_PROFILE", "AWS_ENDPOINT_URL_SSO"].map(
    (name) => env[name] ?? "",
  );
  return JSON.stringify([ctx.endpoint ?? "", ...pick]);
}

/**
 * The file's path as it is now: an edit (a new endpoint_url, other keys) means a new session.
 * The inode too, so a file replaced by rename with the same size and time is another version;
 * and the ctime, which an edit that puts the old mtime back (touch -r) still moves.
 */
function fileVersion(path: string): string {
  let info;
  try {
    info = statSync(path);
  } catch {
    info = undefined; // missing or unreadable: named by its path alone
  }
  return info ? `${path}@${info.dev}:${info.ino}:${info.mtimeMs}:${info.ctimeMs}:${info.size}` : path;
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

/**
 * The Identity Center logins on this machine as they are now: the version of the SDK's token
 * cache folder and the name and version of each file in it (~/.aws/sso/cache, under the home the SDK reads). A login,
 * a logout or another user's login changes it, so a session assumed with an Identity Center
 * caller is not served after that caller is gone or replaced. A readdir and a stat per file,
 * no JSON read. (A credential_process source that answers as someone else is not seen: only
 * running it would tell.)
 */
function ssoTokenCacheVersion(env: NodeJS.ProcessEnv): string {
  const dir = join(sdkHome(env), ".aws", "sso", "cache");
  const version = (path: string): string => {
    const info = statSync(path);
    return `${info.ino}:${info.mtimeMs}:${info.ctimeMs}:${info.size}`;
  };
  let names: string[];
  let folder: string;
  try {
    // The folder's own version too: a token removed (a logout) never brings back an earlier key.
    folder = version(dir);
    names = readdirSync(dir).sort();
  } catch {
    return ""; // no Identity Center login here
  }
  const files = names.map((name) => {
    try {
      return `${name}@${version(join(dir, name))}`;
    } catch {
      return name;
    }
  });
  return [folder, ...files].join("/");
}

/** The home folder as the SDK finds it (@smithy/shared-ini-file-loader getHomeDir). */
function sdkHome(env: NodeJS.ProcessEnv): string {
  if (env["HOME"]) return env["HOME"];
  if (env["USERPROFILE"]) return env["USERPROFILE"];
  if (env["HOMEPATH"]) return `${env["HOMEDRIVE"] ?? "C:\\"}${env["HOMEPATH"]}`;
  return homedir();
}

function missing(command: string, flag: string): never {
  throw invalidInput(`xacct ${command} does not know which role to assume: give ${flag}, or run \`xacct setup\` first.`);
}
