/**
 * One xacct process at a time per shared policy document on this machine (a bucket's policy,
 * a key's policy): a lock file named after a digest of the document's owner. The read-back
 * after each write is what proves the result; the lock only makes turns likelier.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { XacctError } from "../errors.js";
import { makeDirectory } from "../make-directory.js";
import { withTurnLock } from "../turn-lock.js";

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 60_000;
const LOCK_RETRY_MS = 100;

/** `kind` names the document in the lock file and the message, e.g. "bucket policy"; `owner` is its bucket or key. */
export async function withPolicyLock<T>(directory: string, kind: "bucket policy" | "key policy", owner: string, work: () => Promise<T>): Promise<T> {
  await makeDirectory(directory, 0o700);
  const file = join(directory, `${kind.replace(" ", "-")}-${createHash("sha256").update(owner).digest("hex").slice(0, 16)}`);
  return withTurnLock(
    file,
    {
      staleMs: LOCK_STALE_MS,
      waitMs: LOCK_WAIT_MS,
      retryMs: LOCK_RETRY_MS,
      busy: () =>
        new XacctError(`Another xacct kept the ${kind} of ${owner} locked for over ${LOCK_WAIT_MS / 1000} s.`, {
          hint: `Let it finish and run setup again; if no xacct is running, delete ${file}.lock.`,
        }),
      failed: (error) => error,
    },
    work,
  );
}
