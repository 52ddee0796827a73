/**
 * `xacct env [--format sh|fish|powershell|dotenv|json]`: prints the role's session as text a
 * shell evaluates (`eval "$(xacct env)"`), with the competing variables removed, or as a .env
 * file or JSON for programs. The same variables xacct exec gives its command, without the
 * nesting marker: a shell that evaluated it is not a command run by xacct exec. Secret keys:
 * refused to a terminal unless --force, and refused with --json, like `xacct credentials`.
 */
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
  refuseNested("env", ctx.env, options.allowNested);
  const format = options.format ?? "sh";
  const session = await roleSession("env", options, ctx, true);
  // Rendered whole before anything is written: a value a format cannot carry prints nothing.
  ctx.stdout.write(renderEnv(format, sessionEnvChanges(session, { endpoint: ctx.endpoint, env: ctx.env })));
}
