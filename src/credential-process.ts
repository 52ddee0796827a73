/**
 * `xacct credentials` on a cache hit, as a credential_process line runs it before every AWS
 * command: read, check, print, with nothing but Node's built-ins loaded (bin/xacct.js imports
 * this one bundled file; no SDK, no commander). It runs the full CLI's own code to bind the
 * request and name the cache file (workflows/session-request.ts) and to read it
 * (credentials-cache-read.ts); at any doubt (a flag it does not know, bad input, a miss, a
 * session near expiry, a file it would not serve, a terminal) it answers false and the full
 * CLI decides, exactly as without this path.
 */
import { fstatSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { credentialProcessJson, exposedFile } from "./credential-process-output.js";
import { cacheFolderReady, readCachedSession } from "./credentials-cache-read.js";
import { stateFilePath } from "./state-read.js";
import { checkEndpointUrl } from "./validate/index.js";
import { resolveSessionRequest, sessionCacheFile, type RoleSessionOptions } from "./workflows/session-request.js";
import type { Prompter } from "./wizard/prompter.js";

export interface CredentialProcessIo {
  env: NodeJS.ProcessEnv;
  stdoutIsTerminal: boolean;
  /** stdout is a file other users may read, or another user's: the full CLI refuses it. */
  stdoutExposed?: boolean;
  write: (text: string) => void;
  now?: () => number;
}

/** True when the cached session was printed; false to hand the run to the full CLI. */
export async function serveCachedCredentials(argv: readonly string[], io: CredentialProcessIo = processIo()): Promise<boolean> {
  const parsed = parseCredentialsArgs(argv);
  // A terminal, or a file others may read, gets the full CLI's refusal.
  if (!parsed || io.stdoutIsTerminal || io.stdoutExposed) return false;
  let json: string;
  try {
    if (parsed.endpoint !== undefined) checkEndpointUrl(parsed.endpoint);
    const request = await resolveSessionRequest("credentials", parsed.options, { statePath: stateFilePath(io.env), interactive: false, prompter: neverAsk });
    const file = sessionCacheFile(request, { env: io.env, endpoint: parsed.endpoint });
    const creds = cacheFolderReady(dirname(file)) ? readCachedSession(file, io.now ? { now: io.now } : {}) : undefined;
    if (!creds) return false;
    json = credentialProcessJson(creds);
  } catch {
    return false; // bad input or a setup to choose: the full CLI says why
  }
  io.write(json);
  return true;
}

/** The flags a written credential_process line carries (awsconfig/refreshing-profile.ts), to the options commander would bind. */
const OPTION_NAMES: Record<string, keyof RoleSessionOptions> = {
  "--role-arn": "roleArn",
  "--profile": "profile",
  "--session-name": "sessionName",
  "--region": "region",
  "--external-id": "externalId",
  "--duration-seconds": "durationSeconds",
  "--mfa-serial": "mfaSerial",
};

/**
 * `[--endpoint-url=URL] credentials [--NAME=VALUE…]` with each flag known and given once,
 * as credentialProcessCommand writes it; anything else is undefined (the full CLI parses it).
 */
export function parseCredentialsArgs(argv: readonly string[]): { endpoint: string | undefined; options: RoleSessionOptions } | undefined {
  let rest = [...argv];
  let endpoint: string | undefined;
  if (rest[0]?.startsWith("--endpoint-url=")) {
    endpoint = rest[0].slice("--endpoint-url=".length);
    rest = rest.slice(1);
  }
  if (rest[0] !== "credentials") return undefined;
  const options: RoleSessionOptions = {};
  for (const arg of rest.slice(1)) {
    // As commander reads `--name=value`: the value is everything after the first '='.
    const equals = arg.indexOf("=");
    const flag = equals > 0 ? arg.slice(0, equals) : "";
    const name = Object.hasOwn(OPTION_NAMES, flag) ? OPTION_NAMES[flag] : undefined;
    if (name === undefined || options[name] !== undefined) return undefined;
    options[name] = arg.slice(equals + 1);
  }
  return { endpoint, options };
}

/** Never asked: the request is resolved unattended, and a setup to choose falls through to the full CLI. */
const refuse = (): never => {
  throw new Error("no questions on the cache-hit path");
};
const neverAsk: Prompter = { select: refuse, input: refuse, confirm: refuse };

function processIo(): CredentialProcessIo {
  return { env: process.env, stdoutIsTerminal: mayBeTerminal(1), stdoutExposed: exposedFile(1), write: writeStdout };
}

/** Exit codes as the full CLI's (main.ts): a closed pipe ends as SIGPIPE would, quietly. */
const PIPE_CLOSED_EXIT = 141;

/** Under 4 KiB, so one write to a pipe is all or nothing. */
function writeStdout(text: string): void {
  try {
    writeSync(1, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPIPE") process.exit(PIPE_CLOSED_EXIT);
    process.stderr.write(`✘ Could not print the credentials: ${code ?? (error as Error).message}.\n`);
    process.exit(1);
  }
}

/**
 * Whether `fd` may be a terminal: any character device (a terminal, /dev/null) or a
 * descriptor that cannot be examined. Not node:tty's isatty, whose module costs more to load
 * than this whole path; a /dev/null only goes the slower way.
 */
function mayBeTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return true;
  }
}
