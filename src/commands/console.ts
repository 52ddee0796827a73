/** `xacct console`: the AWS console's switch-role link for the role, for people who want the console. */
import { invalidInput, XacctError } from "../errors.js";
import { parseRoleArn } from "../policy/arn.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { checkRoleArn } from "../validate/index.js";
import type { CommandContext } from "./context.js";
import { displayShellWord } from "../shell-words.js";
import { setupIdOf, type SetupState } from "../state.js";

const SIGNIN_HOST = { aws: "signin.aws.amazon.com", "aws-cn": "signin.amazonaws.cn", "aws-us-gov": "signin.amazonaws-us-gov.com" } as const;

export function switchRoleUrl(roleArn: string, displayName: string): string {
  const role = parseRoleArn(roleArn)!;
  const params = new URLSearchParams({ roleName: role.roleName.split("/").at(-1)!, account: role.accountId, displayName });
  return `https://${SIGNIN_HOST[role.partition]}/switchrole?${params.toString()}`;
}

export async function consoleCommand(options: { setup?: string; roleArn?: string; displayName?: string }, ctx: CommandContext): Promise<void> {
  const state = await resolveSetup(ctx, { command: "console", setup: options.setup, roleArn: options.roleArn, needsRole: true });
  refuseWithoutRole("console", state);
  const roleArn = options.roleArn ?? state?.roleArn;
  if (!roleArn) throw invalidInput("No role: give --role-arn, or run `xacct setup` first so xacct remembers it.");
  checkRoleArn(roleArn);
  if (state?.externalId && state.roleArn === roleArn) throw consoleCannotSendExternalId(roleArn, state);
  const role = parseRoleArn(roleArn)!;
  const displayName = (options.displayName ?? `${role.roleName.split("/").at(-1)} @ ${role.accountId}`).slice(0, 64);
  const url = switchRoleUrl(roleArn, displayName);
  ctx.result["url"] = url;
  ctx.out.line(url);
  ctx.out.line(ctx.out.color.dim(`Sign in to the Staging account first; the link switches to ${roleArn}.`));
}

/**
 * The console's switch-role page sends no sts:ExternalId, so a trust that requires one refuses
 * it: a link would only fail after sign-in. Exit 2: this role is not one the console can use.
 */
function consoleCannotSendExternalId(roleArn: string, setup: SetupState): XacctError {
  const assume = `xacct assume --setup ${displayShellWord(setupIdOf(setup))} --write-profile${setup.requireMfa ? " --mfa-serial ARN --token-code CODE" : ""}`;
  return new XacctError(
    `The trust of ${roleArn} requires an external ID, and the console's switch-role page cannot send one, so switching to it there would fail.`,
    {
      hint:
        `Use the role from the AWS CLI or SDKs instead: \`${assume}\` writes a profile that sends the external ID. ` +
        `For the console, setup would have to drop the external ID: setup again with --plain-trust, which drops every trust condition${setup.requireMfa ? " (add --require-mfa to keep MFA)" : ""}.`,
      exitCode: 2,
    },
  );
}
