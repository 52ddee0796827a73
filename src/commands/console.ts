/**
 * `xacct console`: the AWS console's switch-role link for the role (the default), or with
 * --signin a sign-in link made from a role session (src/workflows/console-signin.ts).
 */
import { invalidInput, XacctError } from "../errors.js";
import { parseRoleArn } from "../policy/arn.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { checkRoleArn } from "../validate/index.js";
import type { CommandContext } from "./context.js";
import type { SigninOptions } from "../workflows/console-signin.js";
import { displayShellWord } from "../shell-words.js";
import { setupIdOf, type SetupState } from "../state.js";

const SIGNIN_HOST = { aws: "signin.aws.amazon.com", "aws-cn": "signin.amazonaws.cn", "aws-us-gov": "signin.amazonaws-us-gov.com" } as const;

export function switchRoleUrl(roleArn: string, displayName: string): string {
  const role = parseRoleArn(roleArn)!;
  const params = new URLSearchParams({ roleName: role.roleName.split("/").at(-1)!, account: role.accountId, displayName });
  return `https://${SIGNIN_HOST[role.partition]}/switchrole?${params.toString()}`;
}

export interface ConsoleOptions extends SigninOptions {
  signin?: boolean;
}

export async function consoleCommand(options: ConsoleOptions, ctx: CommandContext): Promise<void> {
  if (options.signin) return (await import("../workflows/console-signin.js")).consoleSignin(options, ctx);
  refuseSigninFlags(options);
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
  ctx.out.line(
    ctx.out.color.dim(`Sign in to the Staging account first; the link switches to ${roleArn}. (xacct console --signin --open signs in without it.)`),
  );
}

/** Flags that only a sign-in link uses: refused rather than ignored. */
function refuseSigninFlags(options: ConsoleOptions): void {
  const flags = {
    open: "--open",
    duration: "--duration",
    force: "--force",
    profile: "--profile",
    region: "--region",
    externalId: "--external-id",
    mfaSerial: "--mfa-serial",
    tokenCode: "--token-code",
  } as const;
  const given = (Object.keys(flags) as (keyof typeof flags)[]).filter((key) => options[key] !== undefined && options[key] !== false).map((key) => flags[key]);
  if (given.length > 0) {
    throw invalidInput(
      `${given.join(", ")} ${given.length > 1 ? "are" : "is"} for a sign-in link, and the switch-role link needs none.`,
      `Add --signin, or leave ${given.join(", ")} out.`,
    );
  }
}

/**
 * The console's switch-role page sends no sts:ExternalId, so a trust that requires one refuses
 * it: a link would only fail after sign-in. Exit 2: this role is not one the console can use.
 */
function consoleCannotSendExternalId(roleArn: string, setup: SetupState): XacctError {
  const id = displayShellWord(setupIdOf(setup));
  const assume = `xacct assume --setup ${id} --write-profile${setup.requireMfa ? " --mfa-serial ARN --token-code CODE" : ""}`;
  return new XacctError(
    `The trust of ${roleArn} requires an external ID, and the console's switch-role page cannot send one, so switching to it there would fail.`,
    {
      hint:
        `Sign in with a link that sends it: \`xacct console --signin --setup ${id}${setup.requireMfa ? " --mfa-serial ARN" : ""}\`. ` +
        `For the AWS CLI and SDKs, \`${assume}\` writes a profile that sends it.`,
      exitCode: 2,
    },
  );
}
