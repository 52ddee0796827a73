/**
 * A run that threw: commander's usage errors become xacct's own (exit 2), anything else is
 * reported once; either way, `xacct env` read by a shell gets a statement that fails there.
 * Loaded only when a run fails: help and a command that succeeds never load what this prints with.
 */
import type { Command, CommanderError } from "commander";
import type { CliIo } from "./cli.js";
import { errorSummary, reportError, writeJson } from "./cli-report.js";
import { envFailureText } from "./env-format/failure.js";
import type { OptionArity } from "./exec/command-start.js";
import { isTerminal, Output, wantsColor } from "./ui/output.js";
import { usageError } from "./usage-errors.js";
import { OutputWriteError } from "./errors.js";

/** As shells report a process SIGPIPE stopped (128 + 13). */
const PIPE_CLOSED_EXIT = 141;

/** What failed, with what the CLI parsed it from. */
export interface FailedRun {
  error: unknown;
  /** Set when the error is commander's: a usage error, or the help `xacct` alone printed. */
  usage: CommanderError | undefined;
  program: Command;
  /** Whether a global option takes the next word as its value. */
  globalArity: OptionArity;
  /** xacct's own words (not exec's command). */
  argv: string[];
}

/** Prints what went wrong; returns the exit code. */
export function failedRunExitCode({ error, usage, program, globalArity, argv }: FailedRun, io: CliIo): number {
  // Said by src/main.ts, which saw the stream fail: a closed pipe quietly, a full disk in one line.
  if (error instanceof OutputWriteError) return error.closed ? PIPE_CLOSED_EXIT : 1;
  failEnvEvaluation(globalArity, argv, io);
  if (usage) return usageExitCode(usage, program, argv, io);
  const debug = argv.includes("--debug");
  const code = reportError(error, new Output(io, { color: wantsColor(io.stderr, io.env), debug }));
  // --detailed-exitcode keeps 2 for "changes pending"; every failure is then 1.
  return argv.includes("--detailed-exitcode") && code === 2 ? 1 : code;
}

function usageExitCode(error: CommanderError, program: Command, argv: string[], io: CliIo): number {
  // `xacct` alone has printed the help; the rest are bad input.
  if (error.code === "commander.help") return 2;
  const sub = program.commands.find((c) => argv.includes(c.name()));
  const command = sub?.name();
  const mistake = usageError({ code: error.code, message: error.message, extra: sub?.args.slice(sub.registeredArguments.length) }, command);
  if (argv.includes("--json")) writeJson(io.stdout, { command: command ?? null, ok: false, error: errorSummary(mistake) });
  return reportError(mistake, new Output(io, { color: wantsColor(io.stderr, io.env) && !argv.includes("--no-color") }));
}

/** A failed `xacct env` whose output a shell evaluates: a statement that fails there too (env-format/failure.ts). */
function failEnvEvaluation(globalArity: OptionArity, argv: string[], io: CliIo): void {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("-")) i += !argv[i]!.includes("=") && globalArity(argv[i]!) === "value" ? 2 : 1;
  if (argv[i] !== "env" || isTerminal(io.stdout)) return;
  const text = envFailureText(argv);
  if (text !== undefined) io.stdout.write(text);
}
