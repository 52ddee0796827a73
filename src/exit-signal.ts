/**
 * A run that must end by a signal (xacct exec, when its command was killed by one): the
 * command records the signal, and the entry point raises it on xacct itself after the CLI
 * has returned, so a shell or script sees the same death. In-process runs (tests) keep the
 * exit code, 128 + the signal's number.
 */
let pending: NodeJS.Signals | undefined;

export function endBySignal(signal: NodeJS.Signals): void {
  pending = signal;
}

export function takeEndSignal(): NodeJS.Signals | undefined {
  const signal = pending;
  pending = undefined;
  return signal;
}
