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
const PROCESS_TIMEOUT_MS = 60_000;
const OUTPUT_LIMIT = 4096;

export async function codeFromProcess(line: string, profile: string, env: NodeJS.ProcessEnv): Promise<string> {
  const words = wordsOf(line, profile);
  const output = await run(words, profile, env);
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

function run(words: string[], profile: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const failed = (why: string) =>
      new XacctError(`The mfa_process of profile ${profile} ${why}, so there is no MFA code.`, {
        hint: "Run that command yourself to see why, or give --token-code.",
      });
    const child = spawn(words[0]!, words.slice(1), { env, stdio: ["ignore", "pipe", "inherit"], timeout: PROCESS_TIMEOUT_MS });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= OUTPUT_LIMIT) chunks.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => reject(failed(`could not be started (${error.code ?? error.message})`)));
    child.on("close", (code, signal) => {
      if (signal) reject(failed(`was stopped (${signal})`));
      else if (code !== 0) reject(failed(`failed (exit code ${code})`));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}
