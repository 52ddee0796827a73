/**
 * Runs one program with no shell between (PATH looked up as execvp does), stdio shared, and
 * waits for its end. While it runs, every signal a program may expect (FORWARDED) sent to
 * xacct goes to the program, and xacct stays until the program has ended: none kills xacct
 * and leaves the program running with the keys. A Ctrl-C or Ctrl-\ the terminal already sent
 * to the whole foreground group is not sent twice; so a SIGINT or SIGQUIT sent to xacct's
 * PID alone while it is in the foreground is not passed on (Node cannot tell who sent it).
 * Not handled: SIGTSTP, SIGTTIN, SIGTTOU (a handler would keep xacct from stopping with its
 * program, and the shell would wait for it), and the ones no process can catch.
 */
import { spawn } from "node:child_process";
import { XacctError } from "../errors.js";
import { inForegroundGroup } from "./foreground.js";

export type ChildEnd = { code: number } | { signal: NodeJS.Signals };

export const FORWARDED = ["SIGINT", "SIGQUIT", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGWINCH", "SIGCONT"] as const;

/**
 * Node opens its inspector (a debugger anyone on the host can reach at 127.0.0.1:9229) on
 * SIGUSR1 unless a listener is installed; xacct holds the role's keys, so one always is from
 * here on, even after the program has ended.
 */
function neverInspect(): void {
  if (process.listenerCount("SIGUSR1") === 0) process.on("SIGUSR1", () => undefined);
}
/** Sent by a terminal's keys to its whole foreground process group. */
const KEYBOARD = new Set<NodeJS.Signals>(["SIGINT", "SIGQUIT"]);

/** Whether a signal xacct received should be passed on; `foreground` as inForegroundGroup says. */
export function shouldForward(signal: NodeJS.Signals, foreground: boolean | undefined): boolean {
  return !(KEYBOARD.has(signal) && foreground === true);
}

export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildEnd> {
  neverInspect();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: "inherit", shell: false });
    const forward = (signal: NodeJS.Signals) => {
      if (shouldForward(signal, inForegroundGroup())) child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const stopForwarding = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      stopForwarding();
      reject(startFailure(command, error));
    });
    child.once("exit", (code, signal) => {
      stopForwarding();
      resolve(signal !== null ? { signal } : { code: code ?? 1 });
    });
  });
}

/** As shells say it: 127 when there is no such program, 126 when it cannot be run. */
function startFailure(command: string, error: NodeJS.ErrnoException): XacctError {
  const shown = JSON.stringify(command);
  if (error.code === "ENOENT") {
    const where = command.includes("/") ? "there is no such file" : "no program of that name is on PATH";
    return new XacctError(`xacct exec cannot run ${shown}: ${where}.`, { exitCode: 127, hint: "Check the name, or give the program's path." });
  }
  return new XacctError(`xacct exec cannot run ${shown}: ${error.code === "EACCES" ? "it is not an executable file" : (error.code ?? error.message)}.`, {
    exitCode: 126,
    hint: "Give a program's path, or make the file executable (chmod +x).",
    cause: error,
  });
}
