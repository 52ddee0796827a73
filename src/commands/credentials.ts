/**
 * `xacct credentials`: the credential_process side of a process-style profile. Prints the
 * JSON the AWS tools expect (Version 1, keys, token, Expiration) and nothing else; refuses to
 * print to a terminal, since it is for tools, not eyes, and refuses --json, whose document
 * never holds a secret.
 */
import { roleSession, type RoleSessionOptions } from "../workflows/role-session.js";
import { credentialProcessJson, exposedStream } from "../credential-process-output.js";
import { invalidInput } from "../errors.js";
import type { CommandContext } from "./context.js";

export type CredentialsOptions = RoleSessionOptions;

export async function credentialsCommand(options: CredentialsOptions, ctx: CommandContext): Promise<void> {
  // Its output is credential_process's document, keys and all: xacct's --json document would be a second one, and must never carry a secret.
  if (ctx.json) {
    throw invalidInput(
      "--json promises one JSON document without secrets, and xacct credentials prints credential_process's JSON, secret keys included.",
      "Leave --json out; for who you would be as JSON, use xacct assume --json.",
    );
  }
  if ((ctx.stdout as { isTTY?: boolean }).isTTY) {
    throw invalidInput(
      "xacct credentials prints secret keys for the AWS tools (credential_process) and will not print them to a terminal.",
      "Use a profile with credential_process (xacct assume --write-profile --profile-style process), or xacct assume to see who you would be.",
    );
  }
  if (exposedStream(ctx.stdout)) {
    throw invalidInput(
      "xacct credentials prints secret keys, and its output is a file other users may read (or another user's), so it prints nothing.",
      "Make the file private first (chmod 600 FILE), or send the output to a pipe.",
    );
  }
  const { creds } = await roleSession("credentials", options, ctx);
  ctx.stdout.write(credentialProcessJson(creds));
}
