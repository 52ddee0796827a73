/**
 * What setup remembers so that `assume` and `test-get` need no flags: profiles, region,
 * bucket and role. Never a secret. Lives in the user's config directory.
 */
import { constants } from "node:fs";
import { open, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { XacctError } from "./errors.js";
import { displayShellWord } from "./shell-words.js";
import { checkSetupState } from "./state-check.js";

export interface SetupState {
  /** role (the recipe) or resource-policy; absent in state written before modes existed. */
  mode?: "role" | "resource-policy";
  productionProfile: string;
  stagingProfile: string;
  region: string;
  bucket: string;
  roleName: string;
  policyName: string;
  roleArn: string;
  policyArn: string;
  stagingUser: string;
  /** The profile setup wrote the temporary credentials to. */
  tempProfile: string;
  /** Setup created the bucket (recorded before it does), so teardown may delete it. */
  createdBucket?: boolean;
  /** The trust's conditions, so assume and the profiles send what the role requires. */
  externalId?: string | undefined;
  requireMfa?: boolean;
  orgId?: string | undefined;
  trustPrincipals?: string[] | undefined;
  allowSourceIdentity?: boolean;
  maxSessionDuration?: number;
  /** KMS keys whose key policy setup put its statement in (a --test-key object's key may not be the bucket's): teardown looks there too. */
  kmsKeyArns?: string[] | undefined;
  productionAccountId: string;
  /** Further Staging accounts, with the profile used for each where there was one. */
  moreStaging?: { accountId: string; profile?: string | undefined }[] | undefined;
  stagingAccountId: string;
  endpoint?: string | undefined;
  updatedAt: string;
}

interface StateFile {
  version: 1;
  setup?: SetupState;
}

export function stateFilePath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env["XACCT_STATE_FILE"]) return env["XACCT_STATE_FILE"];
  const configHome = env["XDG_CONFIG_HOME"] || join(home, ".config");
  return join(configHome, "xacct", "state.json");
}

export async function loadState(path = stateFilePath()): Promise<SetupState | undefined> {
  let text: string;
  try {
    text = await readTrusted(path);
  } catch (error) {
    if (error instanceof XacctError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new XacctError(`Cannot read xacct's state file ${path}: ${(error as Error).message}.`, {
      hint: "Fix its permissions or delete it; setup will write it again.",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badState(path, "is not valid JSON");
  }
  const setup = setupOf(parsed, path);
  return setup === undefined ? undefined : checkSetupState(setup, path);
}

/** Fields every recorded setup has; the commands read them without further checks. */
const REQUIRED_FIELDS = [
  "productionProfile",
  "stagingProfile",
  "region",
  "bucket",
  "roleName",
  "policyName",
  "roleArn",
  "policyArn",
  "stagingUser",
  "tempProfile",
  "productionAccountId",
  "stagingAccountId",
  "updatedAt",
] as const;

/** The setup in a parsed state file, or one sentence saying what about its shape is wrong. */
function setupOf(parsed: unknown, path: string): SetupState | undefined {
  if (!isObject(parsed)) throw badState(path, `holds ${describeJson(parsed)}, not xacct's settings`);
  const setup = parsed["setup"];
  if (setup === undefined) return undefined;
  if (!isObject(setup)) throw badState(path, `is damaged: its setup is ${describeJson(setup)}, not xacct's settings`);
  const missing = REQUIRED_FIELDS.filter((field) => typeof setup[field] !== "string");
  if (missing.length > 0) throw badState(path, `is damaged: its setup lacks ${missing.join(", ")}`);
  return setup as unknown as SetupState;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** Exit code 2, like a remembered value that fails its check: what xacct was given is wrong. */
function badState(path: string, problem: string): XacctError {
  return new XacctError(`xacct's state file ${path} ${problem}.`, {
    hint: `Delete it (rm ${displayShellWord(path)}) and run \`xacct setup\` again, or pass the values as flags.`,
    exitCode: 2,
  });
}

/**
 * The state decides which role is assumed and what teardown removes, so a file another user
 * owns or may write is refused rather than acted on. Checked on the open file, not the name.
 */
async function readTrusted(path: string): Promise<string> {
  // Non-blocking: a FIFO under the name would otherwise hang the open until someone writes.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new XacctError(`xacct's state file ${path} is not a regular file (a pipe, a device or a folder), so xacct will not read it.`, {
        hint: "Point XACCT_STATE_FILE at a file, or remove it; setup writes it again.",
        exitCode: 2,
      });
    }
    const ours = process.getuid?.();
    if (ours !== undefined && info.uid !== ours) {
      throw new XacctError(`xacct's state file ${path} belongs to another user, so xacct will not act on it.`, {
        hint: "Delete it (setup writes it again), or pass the values as flags.",
      });
    }
    if ((info.mode & 0o022) !== 0) {
      throw new XacctError(`xacct's state file ${path} can be changed by other users (mode ${(info.mode & 0o777).toString(8)}), so xacct will not act on it.`, {
        hint: `Check its content, then run: chmod 600 ${path}`,
      });
    }
    return await readCapped(handle, path);
  } finally {
    await handle.close();
  }
}

/** A state file is a few hundred bytes; one that grows while read never makes xacct read on. */
const STATE_FILE_LIMIT = 1 << 20;

async function readCapped(handle: FileHandle, path: string): Promise<string> {
  const buffer = Buffer.allocUnsafe(STATE_FILE_LIMIT + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > STATE_FILE_LIMIT) throw badState(path, `is larger than ${STATE_FILE_LIMIT} bytes, so it is not xacct's settings`);
  }
  return buffer.toString("utf8", 0, length);
}

export async function saveState(setup: SetupState, path = stateFilePath()): Promise<void> {
  // Loaded here, not at the top: cli.ts imports this module on every start (--help).
  const { makeDirectory } = await import("./make-directory.js");
  await makeDirectory(dirname(path), 0o700);
  const body: StateFile = { version: 1, setup };
  // Unique enough for one user's state file; avoids loading node:crypto on every start.
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  // "wx": a link planted under the temp name fails the write instead of redirecting it.
  await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  await rename(temp, path);
}

/** Forgets the setup (teardown's last step). */
export async function clearState(path = stateFilePath()): Promise<void> {
  await rm(path, { force: true });
}
