/**
 * The one error type xacct shows to users: a sentence naming the problem, a hint naming the
 * fix, and the exit code. Thrown deep, printed once by the CLI.
 */
import type { PolicyEvalError } from "./policy-eval/errors.js";

/** 1 failed, 2 bad input, 126 a command that cannot be run, 127 a command not found (as shells), 130 stopped by Ctrl-C. */
export type ExitCode = 1 | 2 | 126 | 127 | 130;

export class XacctError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  /** The AWS error code behind this error, when there is one. */
  readonly awsCode: string | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: ExitCode; awsCode?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "XacctError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.awsCode = options.awsCode;
  }
}

/**
 * stdout failed while xacct wrote what it was asked for there (`xacct test-get KEY -`): its
 * reader went away (`| head -c1`: nobody to tell, exit 141 as SIGPIPE would), or another write
 * failure (a full disk: src/main.ts says so in one line, exit 1).
 */
export class OutputWriteError extends Error {
  constructor(readonly closed: boolean) {
    super(closed ? "stdout was closed by its reader" : "stdout could not be written");
    this.name = "OutputWriteError";
  }
}

/** Bad input from the user: exit code 2, checked before any AWS call. */
export function invalidInput(message: string, hint?: string): XacctError {
  return new XacctError(message, { exitCode: 2, ...(hint === undefined ? {} : { hint }) });
}

/**
 * The evaluator's error as the user sees it: its sentence (naming the statement) and hint.
 * Any other error is returned as it is. Recognised by name, so that loading the CLI (`--help`)
 * does not load the evaluator.
 */
export function asXacctError(error: unknown): unknown {
  if (!isPolicyEvalError(error)) return error;
  return new XacctError(error.message, { hint: error.hint ?? "Remove or rewrite that statement, or check it by hand.", cause: error });
}

function isPolicyEvalError(error: unknown): error is PolicyEvalError {
  return error instanceof Error && error.name === "PolicyEvalError";
}
