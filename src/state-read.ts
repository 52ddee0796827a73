/**
 * What setup remembers so that later commands need no flags: for each setup, its profiles,
 * region, bucket and role. Never a secret. Lives in the user's config directory. Reading
 * lives here (every command does it, and so does the cache-hit path of `xacct credentials`,
 * which must load nothing of the writing side); the writers are in state.ts, and writing
 * under a lock in state-write.ts.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
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
  /** The Staging side is this existing role (its inline policy), not the user; absent in older files and for a user. */
  stagingRole?: string | undefined;
  /** The profile setup wrote the temporary credentials to. */
  tempProfile: string;
  /** Setup created the bucket (recorded before it does), so teardown may delete it. */
  createdBucket?: boolean;
  /** The trust's conditions, so assume and the profiles send what the role requires. */
  externalId?: string | undefined;
  requireMfa?: boolean;
  orgId?: string | undefined;
  trustPrincipals?: string[] | undefined;
  /** IAM Identity Center permission sets the trust admits; then nothing of Staging is xacct's. */
  trustSsoPermissionSets?: string[] | undefined;
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
  /** When verify last ran on this setup (pass or fail). */
  lastVerifiedAt?: string | undefined;
  /** What that run found: every check held, one failed, or none failed but one could not be told. */
  lastVerifyOutcome?: VerifyOutcome | undefined;
}

export type VerifyOutcome = "passed" | "failed" | "undecided";

/** The file: every setup this user made, by its id (`bucket/roleName`, the id its tags carry). */
export interface StateFile {
  version: 2;
  setups: Record<string, SetupState>;
}

/** The id a setup is remembered under: plan.ts's setupId, the same one its resources are tagged with. */
export function setupIdOf(setup: { bucket: string; roleName: string }): string {
  return `${setup.bucket}/${setup.roleName}`;
}

export function stateFilePath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env["XACCT_STATE_FILE"]) return env["XACCT_STATE_FILE"];
  // A relative XDG_CONFIG_HOME is invalid (XDG Base Directory spec) and ignored.
  const xdg = env["XDG_CONFIG_HOME"];
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(home, ".config");
  return join(configHome, "xacct", "state.json");
}

/** Every remembered setup, each checked like a flag, in the order of their ids; none without a file. */
export async function loadSetups(path = stateFilePath()): Promise<SetupState[]> {
  const file = await readStateFile(path);
  return Object.keys(file.setups)
    .sort()
    .map((id) => file.setups[id]!);
}

/** The file as it is now (a version 1 file read as its one setup); an empty one when there is none. */
export async function readStateFile(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = readTrusted(path);
  } catch (error) {
    if (error instanceof XacctError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 2, setups: {} };
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
  const setups: Record<string, SetupState> = {};
  for (const [id, setup] of setupsOf(parsed, path)) setups[id] = checkSetupState(setup, path);
  return { version: 2, setups };
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

/**
 * The setups in a parsed state file (version 1: its one setup), or one sentence saying what
 * about its shape is wrong. Only the two shapes xacct writes are read: a file with any other
 * key, or with setups under the wrong version, is damaged, never read as holding none.
 */
function setupsOf(parsed: unknown, path: string): [string, SetupState][] {
  if (!isObject(parsed)) throw badState(path, `holds ${describeJson(parsed)}, not xacct's settings`);
  const version = parsed["version"];
  if (version !== undefined && version !== 1 && version !== 2)
    throw badState(path, `has version ${JSON.stringify(version)}, which this xacct does not know (a newer xacct wrote it?)`);
  const v2 = version === 2;
  if (!v2 && "setups" in parsed) throw badState(path, "is damaged: it has setups but no version 2");
  if (v2 && "setup" in parsed) throw badState(path, 'is damaged: it has version 2 but a single "setup" (version 1\'s shape)');
  const allowed = v2 ? ["version", "setups"] : ["version", "setup"];
  const unknown = Object.keys(parsed).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw badState(path, `is damaged: it holds ${unknown.map((key) => JSON.stringify(key)).join(", ")}, which xacct never writes`);
  if (!v2) {
    // A version 1 file without its setup holds nothing to lose: no setup, as before.
    if (!("setup" in parsed)) return [];
    const checked = setupShape(parsed["setup"], path, "its setup");
    return [[setupIdOf(checked), checked]];
  }
  const setups = parsed["setups"];
  if (!isObject(setups)) throw badState(path, `is damaged: its setups are ${describeJson(setups)}, not xacct's settings`);
  return Object.entries(setups).map(([id, setup]) => {
    const checked = setupShape(setup, path, `setup ${JSON.stringify(id)}`);
    if (setupIdOf(checked) !== id) throw badState(path, `is damaged: the entry ${JSON.stringify(id)} holds setup ${setupIdOf(checked)}`);
    return [id, checked];
  });
}

function setupShape(setup: unknown, path: string, what: string): SetupState {
  if (!isObject(setup)) throw badState(path, `is damaged: ${what} is ${describeJson(setup)}, not xacct's settings`);
  const missing = REQUIRED_FIELDS.filter((field) => typeof setup[field] !== "string");
  if (missing.length > 0) throw badState(path, `is damaged: ${what} lacks ${missing.join(", ")}`);
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
 * Synchronous: a small file, read by every command and by the cache-hit path of `xacct
 * credentials`, which starts no thread pool.
 */
export function readTrusted(path: string): string {
  // Non-blocking: a FIFO under the name would otherwise hang the open until someone writes.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
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
    return readCapped(fd, path);
  } finally {
    closeSync(fd);
  }
}

/** A state file is a few hundred bytes; one that grows while read never makes xacct read on. */
const STATE_FILE_LIMIT = 1 << 20;

function readCapped(fd: number, path: string): string {
  const buffer = Buffer.allocUnsafe(STATE_FILE_LIMIT + 1);
  let length = 0;
  for (;;) {
    const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > STATE_FILE_LIMIT) throw badState(path, `is larger than ${STATE_FILE_LIMIT} bytes, so it is not xacct's settings`);
  }
  return buffer.toString("utf8", 0, length);
}
