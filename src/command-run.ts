/**
 * One command's run: its context (output, prompter, state file, call log) from the global
 * flags, the --endpoint-url check before anything else, the exit code, and --json's document.
 * Loaded when a command runs, so --help and usage errors never load it.
 */
import type { Command } from "commander";
import { CallLog } from "./aws/call-log.js";
import type { CliIo } from "./cli.js";
import { errorSummary, writeJson } from "./cli-report.js";
import type { CommandContext } from "./commands/context.js";
import { stateFilePath } from "./state.js";
import { isTerminal, Output, wantsColor } from "./ui/output.js";
import { checkEndpointUrl } from "./validate/index.js";
import { terminalPrompter, unattendedPrompter } from "./wizard/prompter.js";

interface GlobalOptions {
  endpointUrl?: string;
  debug?: boolean;
  color?: boolean;
  json?: boolean;
}

/** Where a command's exit code goes: runCli returns it once commander is done. */
export interface RunResult {
  exitCode: number;
}

/** Runs one command with a fresh context; its returned number, if any, is the exit code. */
export async function runCommand(io: CliIo, command: Command, result: RunResult, body: (ctx: CommandContext) => Promise<number | void>): Promise<void> {
  const ctx = commandContext(io, command);
  try {
    // Before anything else: the endpoint is sent every request and written into profiles.
    if (ctx.endpoint !== undefined) checkEndpointUrl(ctx.endpoint);
    result.exitCode = (await body(ctx)) ?? 0;
    if (ctx.json) writeJson(io.stdout, { command: command.name(), ok: true, exitCode: result.exitCode, ...ctx.result });
  } catch (error) {
    if (ctx.json) writeJson(io.stdout, { command: command.name(), ok: false, ...ctx.result, error: errorSummary(error) });
    throw error;
  } finally {
    ctx.out.debug(`${ctx.calls.calls.length} AWS calls: ${ctx.calls.summary() || "none"}`);
  }
}

function commandContext(io: CliIo, command: Command): CommandContext {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const interactive = io.interactive ?? (isTerminal(io.stdin) && isTerminal(io.stdout));
  const json = globals.json ?? false;
  const colorStream = json ? io.stderr : io.stdout;
  return {
    out: new Output(io, { color: globals.color !== false && wantsColor(colorStream, io.env), debug: globals.debug ?? false, json }),
    prompter: interactive ? terminalPrompter({ input: io.stdin, output: io.stdout }) : unattendedPrompter(),
    interactive,
    env: io.env,
    stdout: io.stdout,
    endpoint: globals.endpointUrl,
    statePath: stateFilePath(io.env),
    calls: io.calls ?? new CallLog(),
    json,
    result: {},
  };
}
