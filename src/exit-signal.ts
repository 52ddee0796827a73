/**
 * A run that must end by a signal (xacct exec, when its command was killed by one): the
 * command records the signal, and the entry point raises it on xacct itself after the CLI
 * has returned, so a shell or script sees the same death. In-process runs (tests) keep the
 * exit code, 128 + the signal's number.
 *
 * The entry point (dist/main.cjs) and the commands (ES modules) are bundled apart, each with
 * its own copy of this module: the signal is kept on the process, where both copies see it.
 */
const PENDING = Symbol.for("xacct.endSignal");

interface Holder {
  [PENDING]?: NodeJS.Signals | undefined;
}

export function endBySignal(signal: NodeJS.Signals): void {
  (globalThis as Holder)[PENDING] = signal;
}

export function takeEndSignal(): NodeJS.Signals | undefined {
  const signal = (globalThis as Holder)[PENDING];
  (globalThis as Holder)[PENDING] = undefined;
  return signal;
}
