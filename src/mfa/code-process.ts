/**
 * `mfa_process` in a profile (aws-vault's setting): a command that prints the current MFA code,
 * e.g. `ykman oath accounts code --single AWS`. Split as the aws CLI splits credential_process
 * (POSIX shlex) and run without a shell; its stderr is the user's (a hardware key may ask for a
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

/**
 * Runs the command in its own process group: on timeout the whole group goes (a background
 * child left behind, or one that ignores SIGTERM, would otherwise hold our stdout pipe, and
 * with it xacct and the MFA lock). Settled when the command itself exits, not when every
 * holder of the pipe closes it; then what is left of its group is stopped (a daemon that
 * must outlive it starts its own session, as gpg-agent does).
 */
function run(words: string[], profile: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const failed = (why: string) =>
      new XacctError(`The mfa_process of profile ${profile} ${why}, so there is no MFA code.`, {
        hint: "Run that command yourself to see why, or give --token-code.",
      });
    const isWindows = process.platform === "win32";
    const child = spawn(words[0]!, words.slice(1), { env, stdio: ["ignore", "pipe", "inherit"], detached: !isWindows });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      child.stdout.destroy();
      // Whatever the command left behind in its group goes too: it would hold the stderr we
      // share with the AWS tool, which reads it to the end (botocore does) and would hang.
      killGroup("SIGKILL");
      outcome();
    };
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (!isWindows && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= OUTPUT_LIMIT) chunks.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => settle(() => reject(failed(`could not be started (${error.code ?? error.message})`))));
    const timer = setTimeout(() => {
      // A command that prints a code has nothing to save: the whole group goes at once.
      killGroup("SIGKILL");
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
    // The command exited: what it printed is read for a moment more, then whatever still holds the pipe is not waited for.
    child.on("exit", (code, signal) => {
      timers.push(setTimeout(() => finish(code, signal), DRAIN_MS));
    });
  });
}
