/** What every command receives: where to print, how to ask, and the global flags. */
import type { Writable } from "node:stream";
import type { CallLog } from "../aws/call-log.js";
import type { Output } from "../ui/output.js";
import type { Prompter } from "../wizard/prompter.js";

export interface CommandContext {
  out: Output;
  /** Asks questions; the unattended prompter when there is no terminal. */
  prompter: Prompter;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  /** Raw stdout, for `test-get KEY -` which streams the object itself. */
  stdout: Writable;
  endpoint: string | undefined;
  statePath: string;
  /** Every AWS call the command makes, for --debug and call budgets. */
  calls: CallLog;
  /** --json: stdout carries one JSON document, built from `result`; the human report goes to stderr. */
  json: boolean;
  /** What the command did, for --json. Never a secret. */
  result: Record<string, unknown>;
}
