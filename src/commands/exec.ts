/**
 * `xacct exec [options] [--] COMMAND [ARGS…]`: runs COMMAND with the role's session in its
 * environment (session-env.ts says which variables, and which go), no shell between. Its exit
 * code is xacct's; killed by a signal, xacct ends by the same signal. Refuses to run inside
 * another xacct exec unless --allow-nested, and refuses --json: stdout is the command's.
 */
import { constants } from "node:os";
import { invalidInput } from "../errors.js";
import { runChild } from "../exec/run-child.js";
import { endBySignal } from "../exit-signal.js";
import { childEnvironment, refuseNested, sessionEnvChanges } from "../session-env.js";
import { roleSession, type RoleSessionOptions } from "../workflows/role-session.js";
import type { CommandContext } from "./context.js";

export interface ExecOptions extends RoleSessionOptions {
  allowNested?: boolean | undefined;
}

export async function execCommand(command: string, args: string[], options: ExecOptions, ctx: CommandContext): Promise<number> {
  if (ctx.json) {
    throw invalidInput("--json promises one JSON document on stdout, and xacct exec gives stdout to the command it runs.", "Leave --json out.");
  }
  refuseNested("exec", ctx.env, options.allowNested);
  // ps shows every user xacct's command line for as long as the command runs: not the MFA code.
  if (options.tokenCode !== undefined) process.title = `xacct exec ${command}`;
  const session = await roleSession("exec", options, ctx, true);
  ctx.out.lineToStderr(`xacct exec: the role's keys last until ${session.creds.expiration.toISOString()}.`);
  const changes = sessionEnvChanges(session, { endpoint: ctx.endpoint, env: ctx.env });
  const end = await runChild(command, args, childEnvironment(ctx.env, changes, session.roleArn));
  if ("code" in end) return end.code;
  endBySignal(end.signal);
  return 128 + (constants.signals[end.signal] ?? 0);
}
