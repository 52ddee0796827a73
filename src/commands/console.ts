/** `xacct console`: the AWS console's switch-role link for the role, for people who want the console. */
import { invalidInput } from "../errors.js";
import { parseRoleArn } from "../policy/arn.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { checkRoleArn } from "../validate/index.js";
import type { CommandContext } from "./context.js";

const SIGNIN_HOST = { aws: "signin.aws.amazon.com", "aws-cn": "signin.amazonaws.cn", "aws-us-gov": "signin.amazonaws-us-gov.com" } as const;

export function switchRoleUrl(roleArn: string, displayName: string): string {
  const role = parseRoleArn(roleArn)!;
  const params = new URLSearchParams({ roleName: role.roleName.split("/").at(-1)!, account: role.accountId, displayName });
  return `https://${SIGNIN_HOST[role.partition]}/switchrole?${params.toString()}`;
}

export async function consoleCommand(options: { setup?: string; roleArn?: string; displayName?: string }, ctx: CommandContext): Promise<void> {
  const state = await resolveSetup(ctx, { command: "console", setup: options.setup, roleArn: options.roleArn });
  refuseWithoutRole("console", state);
  const roleArn = options.roleArn ?? state?.roleArn;
  if (!roleArn) throw invalidInput("No role: give --role-arn, or run `xacct setup` first so xacct remembers it.");
  checkRoleArn(roleArn);
  const role = parseRoleArn(roleArn)!;
  const displayName = (options.displayName ?? `${role.roleName.split("/").at(-1)} @ ${role.accountId}`).slice(0, 64);
  const url = switchRoleUrl(roleArn, displayName);
  ctx.result["url"] = url;
  ctx.out.line(url);
  ctx.out.line(ctx.out.color.dim(`Sign in to the Staging account first; the link switches to ${roleArn}.`));
}
