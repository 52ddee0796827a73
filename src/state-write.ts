/**
 * The write side of xacct's state file: one setup's entry changed at a time, under a lock
 * (so two xacct runs never drop each other's setups), from the file as it is under the lock,
 * replaced atomically (temp file + fsync + rename) with mode 0600; a symbolic link's target is
 * replaced, so the link stays. Loaded only by writers.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { XacctError } from "./errors.js";
import { resolveSymlinks } from "./awsconfig/store.js";
import { makeDirectory } from "./make-directory.js";
import { readStateFile, type SetupState, type StateFile } from "./state-read.js";
import { withTurnLock } from "./turn-lock.js";

/** Long enough for a slow disk, short enough that a dead holder is not waited for long. */
const STATE_LOCK = { staleMs: 10_000, waitMs: 15_000, retryMs: 50 };

/** Applies `change` to the remembered setups, by id; the file is removed when none is left. */
export async function changeStateFile(requestedPath: string, change: (setups: Record<string, SetupState>) => void): Promise<void> {
  // A link (a dotfile manager's) stays a link: its target is what is replaced, as for the AWS files.
  const path = await resolveSymlinks(requestedPath);
  const directory = dirname(path);
  await makeDirectory(directory, 0o700).catch((error: unknown) => {
    throw fileProblem("create the directory of", path, error);
  });
  await withTurnLock(path, { ...STATE_LOCK, busy: () => busy(path), failed: (error) => fileProblem("lock", path, error) }, async () => {
    const file = await readStateFile(path);
    change(file.setups);
    if (Object.keys(file.setups).length === 0) await rm(path, { force: true });
    else await replaceAtomically(path, file);
  });
}

async function replaceAtomically(path: string, file: StateFile): Promise<void> {
  const body: StateFile = { version: 2, setups: sortedById(file.setups) };
  // "wx": a link planted under the temp name fails the write instead of redirecting it.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileProblem("write", path, error);
  }
}

function sortedById(setups: Record<string, SetupState>): Record<string, SetupState> {
  return Object.fromEntries(
    Object.keys(setups)
      .sort()
      .map((id) => [id, setups[id]!]),
  );
}

function busy(path: string): XacctError {
  return new XacctError(`Another xacct kept ${path} locked for over ${STATE_LOCK.waitMs / 1000} s.`, {
    hint: `Let the other xacct finish and try again; if none is running, delete ${path}.lock.`,
  });
}

function fileProblem(action: string, path: string, error: unknown): XacctError {
  if (error instanceof XacctError) return error;
  return new XacctError(`Could not ${action} xacct's state file ${path}: ${(error as Error).message}.`, {
    hint: "Check the folder's permissions and owner (ls -l), or point XACCT_STATE_FILE elsewhere.",
    cause: error,
  });
}
