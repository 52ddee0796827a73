/**
 * `mfa_process` in a profile (aws-vault's setting): a command that prints the current MFA code,
 * e.g. `ykman oath accounts code --single AWS`. Split as the aws CLI splits credential_process
 * (POSIX shlex) and run without a shell; its stderr is passed on to the user (a hardware key may ask for a
 * touch there), its stdout is the code: trimmed, exactly 6 digits, never printed.
 */
import { spawn } from "node:child_process";
import { invalidInput, XacctError } from "../errors.js";
import { ShellSplitError, splitShellWords } from "../shell-split.js";

/** A person touching a key takes seconds; a hung command must not hang the AWS tool that runs us. */
export const PROCESS_TIMEOUT_MS = 60_000;
const OUTPUT_LIMIT = 4096;

export async function codeFromProcess(line: string, profile: string, env: NodeJS.ProcessEnv, timeoutMs = PROCESS_TIMEOUT_MS): Promise<string> {
  const words = wordsOf(line, profile);
  const output = await run(words, profile, env, timeoutMs);
  const code = output.trim();
  if (!/^\d{6}$/.test(code)) {
    throw new XacctError(`The mfa_process of profile ${profile} printed something other than 6 digits, so xacct sent no code to AWS.`, {
      hint: "Run that command yourself: it must print only the current 6-digit code.",
    });
  }
  return code;
}

function wordsOf(line: string, profile: string): string[] {
  try {
    const words = splitShellWords(line);
    if (words.length > 0) return words;
  } catch (error) {
    if (!(error instanceof ShellSplitError)) throw error;
    throw invalidInput(
      `The mfa_process of profile ${profile} cannot be read as a command: ${error.message}.`,
      "Quote it as for credential_process (POSIX shell quoting).",
    );
  }
  throw invalidInput(`The mfa_process of profile ${profile} is empty.`, "Give the command that prints the code, or remove the setting.");
}

/** After the command exits, how long its output may still arrive (a grandchild may hold the pipe open). */
const DRAIN_MS = 200;

/** Signals that end xacct: the command goes with it (a hardware key would otherwise wait for a touch no one gives). */
const ENDING_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs the command in xacct's own session and process group, so it keeps the terminal (a PIN
 * prompt on /dev/tty works) and a Ctrl-C reaches it. Settled when the command itself exits,
 * not when every holder of its pipes closes them: its stderr comes through a pipe copied to
 * xacct's, closed then, so a background child it leaves (its own business) cannot hold the
 * stderr the AWS tool reads to the end. On timeout, or when xacct is ended by SIGINT, SIGTERM
 * or SIGHUP, the command is killed.
 */
function run(words: string[], profile: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const failed = (why: string) =>
      new XacctError(`The mfa_process of profile ${profile} ${why}, so there is no MFA code.`, {
        hint: "Run that command yourself to see why, or give --token-code.",
      });
    const child = spawn(words[0]!, words.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const kill = () => {
      try {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const onSignal = (signal: NodeJS.Signals) => {
      kill();
      stopListening();
      // What xacct would have done without this listener: end by the signal (or whatever other listeners do).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    const stopListening = () => {
      for (const signal of ENDING_SIGNALS) process.removeListener(signal, onSignal);
    };
    for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      stopListening();
      for (const timer of timers) clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      outcome();
    };
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= OUTPUT_LIMIT) chunks.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => settle(() => reject(failed(`could not be started (${error.code ?? error.message})`))));
    const timer = setTimeout(() => {
      // A command that prints a code has nothing to save.
      kill();
      settle(() => reject(failed(`did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`)));
    }, timeoutMs);
    timers.push(timer);
    const finish = (code: number | null, signal: NodeJS.Signals | null) =>
      settle(() => {
        if (signal) reject(failed(`was stopped (${signal})`));
        else if (code !== 0) reject(failed(`failed (exit code ${code})`));
        else resolve(Buffer.concat(chunks).toString("utf8"));
      });
    child.on("close", finish);
    // The command exited: what it printed is read for a moment more, then whatever still holds the pipes is not waited for.
    child.on("exit", (code, signal) => {
      timers.push(setTimeout(() => finish(code, signal), DRAIN_MS));
    });
  });
}
