/**
 * What setup remembers (state-read.ts: the shape, where it lives, reading it), and the three
 * ways commands change it. The writing itself, under a lock, is in state-write.ts, loaded
 * only when a command writes: cli.ts imports this module on every start (--help).
 */
import { setupIdOf, stateFilePath, type SetupState, type VerifyOutcome } from "./state-read.js";

export * from "./state-read.js";

/**
 * Remembers one setup, replacing only the entry of its id, under the lock and from the file
 * as it is then: a setup another xacct wrote meanwhile is kept. Atomic, mode 0600.
 */
export async function saveSetup(
  setup: SetupState,
  path = stateFilePath(),
  /** Throws to refuse the entry, judged against the other setups as they are under the lock. */
  guard?: (setups: readonly SetupState[]) => void,
): Promise<void> {
  const { changeStateFile } = await import("./state-write.js");
  await changeStateFile(path, (setups) => {
    guard?.(Object.values(setups));
    setups[setupIdOf(setup)] = setup;
  });
}

/** Records when verify judged a setup and what it found, on the entry as it is now (a setup rerun meanwhile keeps its changes). */
export async function markVerified(id: string, at: Date, outcome: VerifyOutcome, path = stateFilePath()): Promise<void> {
  const { changeStateFile } = await import("./state-write.js");
  await changeStateFile(path, (setups) => {
    const setup = setups[id];
    if (setup) setups[id] = { ...setup, lastVerifiedAt: at.toISOString(), lastVerifyOutcome: outcome };
  });
}

/** Forgets one setup (teardown's last step); the file goes with the last one. */
export async function forgetSetup(id: string, path = stateFilePath()): Promise<void> {
  const { changeStateFile } = await import("./state-write.js");
  await changeStateFile(path, (setups) => {
    delete setups[id];
  });
}
