/**
 * `xacct env [--format sh|fish|powershell|dotenv|json]`: prints the role's session as text a
 * shell evaluates (`eval "$(xacct env)"`), with the competing variables removed, or as a .env
 * file or JSON for programs. The same variables xacct exec gives its command, without the
 * nesting marker: a shell that evaluated it is not a command run by xacct exec. Secret keys:
 * refused to a terminal unless --force, and refused with --json, like `xacct credentials`.
 */
import { writeSync } from "node:fs";
import { constants } from "node:os";
import { exposedStream } from "../credential-process-output.js";
import { failingStatement } from "../env-format/failure.js";
import { renderEnv, type EnvFormat } from "../env-format/index.js";
import { invalidInput } from "../errors.js";
import { refuseNested, sessionEnvChanges } from "../session-env.js";
import { roleSession, type RoleSessionOptions } from "../workflows/role-session.js";
import type { CommandContext } from "./context.js";

export interface EnvOptions extends RoleSessionOptions {
  format?: EnvFormat | undefined;
  force?: boolean | undefined;
  allowNested?: boolean | undefined;
}

export async function envCommand(options: EnvOptions, ctx: CommandContext): Promise<void> {
  if (ctx.json) {
    throw invalidInput(
      "--json promises one JSON document without secrets, and xacct env prints the role's secret keys.",
      "Leave --json out; for the variables as JSON, use xacct env --format json.",
    );
  }
  if ((ctx.stdout as { isTTY?: boolean }).isTTY && !options.force) {
    throw invalidInput(
      "xacct env prints secret keys for a shell to evaluate, and will not print them to a terminal.",
      'Evaluate it: eval "$(xacct env)" (fish: xacct env --format fish | source), or pass --force to see them.',
    );
  }
  if (exposedStream(ctx.stdout)) {
    throw invalidInput(
      "xacct env prints secret keys, and its output is a file other users may read (or another user's), so it prints nothing.",
      "Make the file private first: (umask 077; xacct env --format dotenv > .env), or chmod 600 it, or send the output to a pipe.",
    );
  }
  refuseNested("env", ctx.env, options.allowNested);
  const format = options.format ?? "sh";
  const fd = (ctx.stdout as { fd?: unknown }).fd;
  const stopFailingOnSignal = typeof fd === "number" && !(ctx.stdout as { isTTY?: boolean }).isTTY ? failOnSignal(fd, format) : () => undefined;
  try {
    const session = await roleSession("env", options, ctx, true);
    // Rendered whole before anything is written: a value a format cannot carry prints nothing.
    const text = renderEnv(format, sessionEnvChanges(session, { endpoint: ctx.endpoint, env: ctx.env }));
    stopFailingOnSignal();
    ctx.stdout.write(text);
  } finally {
    stopFailingOnSignal();
  }
}

const ENDING = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

/**
 * Killed by a signal (`timeout`, a cancelled job, a closed terminal), xacct env would print
 * nothing, and `eval ""` succeeds: until the script is written, these signals print the
 * failing statement the error path prints (env-format/failure.ts) and exit 128+n. Only for a
 * real file descriptor that is not a terminal (the caller refused a terminal already).
 */
function failOnSignal(fd: number, format: string): () => void {
  const text = failingStatement(format);
  const handler = (signal: NodeJS.Signals) => {
    try {
      if (text !== undefined) writeSync(fd, text);
    } finally {
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
  };
  for (const signal of ENDING) process.on(signal, handler);
  return () => {
    for (const signal of ENDING) process.off(signal, handler);
  };
}
