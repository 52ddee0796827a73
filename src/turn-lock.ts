/**
 * One xacct at a time on a resource of this machine (a cached session, a bucket's policy): a
 * lock folder beside `file`, waited for in even steps. Losing a held lock is not fatal to the
 * callers, whose writes stay whole anyway, so it is ignored.
 */
import lockfile from "proper-lockfile";

export interface TurnLock {
  staleMs: number;
  waitMs: number;
  retryMs: number;
  /** The error when another xacct kept the lock longer than `waitMs`. */
  busy: () => Error;
  /** The error for any other failure to lock. */
  failed: (error: unknown) => unknown;
}

export async function withTurnLock<T>(file: string, lock: TurnLock, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      lockfilePath: `${file}.lock`,
      stale: lock.staleMs,
      retries: { retries: Math.ceil(lock.waitMs / lock.retryMs), factor: 1, minTimeout: lock.retryMs, maxTimeout: lock.retryMs },
      onCompromised: () => undefined,
    });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "ELOCKED" ? lock.busy() : lock.failed(error);
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
