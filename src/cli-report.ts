/**
 * How a run's outcome reaches the user: a failure as one message and its hint on stderr (with
 * its exit code), and --json's document on stdout.
 */
import type { Writable } from "node:stream";
import { asXacctError, XacctError } from "./errors.js";
import type { Output } from "./ui/output.js";

export function reportError(thrown: unknown, out: Output): number {
  const error = asXacctError(thrown);
  // Ctrl-C or Ctrl-D at a prompt: the user's choice, not a failure to explain.
  if (error instanceof Error && error.name === "ExitPromptError") {
    out.error("Cancelled at a prompt; nothing more was changed.");
    return 130;
  }
  if (error instanceof XacctError) {
    out.error(error.message);
    if (error.hint) out.hint(error.hint);
    if (out.debugEnabled && error.cause instanceof Error) out.debug(error.cause.stack ?? String(error.cause));
    return error.exitCode;
  }
  out.error(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  out.hint("This is a bug in xacct; run again with --debug and report the output.");
  if (out.debugEnabled && error instanceof Error) out.debug(error.stack ?? "");
  return 1;
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function errorSummary(thrown: unknown): Record<string, unknown> {
  const error = asXacctError(thrown);
  if (error instanceof XacctError) {
    return { message: error.message, hint: error.hint ?? null, awsCode: error.awsCode ?? null, exitCode: error.exitCode };
  }
  if (error instanceof Error && error.name === "ExitPromptError") return { message: "Cancelled at a prompt.", exitCode: 130 };
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}
