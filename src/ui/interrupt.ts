/**
 * Ctrl-C as something a long run can listen for, instead of the process simply dying: setup
 * can then say what it did, what it did not, and how to finish or undo. A seam, so tests send
 * an interrupt without signalling their own process.
 */

export interface Interrupts {
  /** Calls `onInterrupt` at each Ctrl-C until the returned function is called. */
  listen(onInterrupt: () => void): () => void;
}

/** SIGINT of this process. While someone listens, Node's default (exit at once) is off. */
export const processInterrupts: Interrupts = {
  listen(onInterrupt) {
    const handler = () => onInterrupt();
    process.on("SIGINT", handler);
    return () => process.off("SIGINT", handler);
  },
};

/** `work`, unless Ctrl-C comes first: then the error `stopped()` makes. Listens only meanwhile. */
export async function unlessInterrupted<T>(work: Promise<T>, interrupts: Interrupts, stopped: () => Error): Promise<T> {
  let stop = () => {};
  const interrupted = new Promise<never>((_resolve, reject) => {
    stop = interrupts.listen(() => reject(stopped()));
  });
  try {
    return await Promise.race([work, interrupted]);
  } finally {
    stop();
  }
}
