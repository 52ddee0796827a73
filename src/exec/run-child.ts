/**
 * Runs one program with no shell between (PATH looked up as execvp does), stdio shared, and
 * waits for its end. While it runs, SIGINT, SIGQUIT, SIGTERM and SIGHUP sent to xacct go to
 * the program and xacct stays until the program has ended; a Ctrl-C the terminal already
 * sent to the whole foreground group is not sent twice.
 */
import { spawn } from "node:child_process";
import { XacctError } from "../errors.js";
import { inForegroundGroup } from "./foreground.js";

export type ChildEnd = { code: number } | { signal: NodeJS.Signals };

const FORWARDED = ["SIGINT", "SIGQUIT", "SIGTERM", "SIGHUP"] as const;
/** Sent by a terminal's keys to its whole foreground process group. */
const KEYBOARD = new Set<NodeJS.Signals>(["SIGINT", "SIGQUIT"]);

/** Whether a signal xacct received should be passed on; `foreground` as inForegroundGroup says. */
export function shouldForward(signal: NodeJS.Signals, foreground: boolean | undefined): boolean {
  return !(KEYBOARD.has(signal) && foreground === true);
}

export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildEnd> {
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
