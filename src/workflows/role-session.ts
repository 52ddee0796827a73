/**
 * The role's session for the commands that hand credentials to other programs (credentials,
 * exec, env): the request bound and keyed (session-request.ts), then the cached session, or a
 * fresh one from STS, cached. Never prints a secret; callers decide where the keys go.
 */
import { stsClientFor } from "../aws/sts.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { cachedSession } from "../credentials-cache.js";
import type { SetupState } from "../state.js";
import { assumeRole, type TemporaryCredentials } from "../stages/assume-role.js";
import type { CommandContext } from "../commands/context.js";
import { resolveSessionRequest, sessionCacheFile, type RoleSessionOptions } from "./session-request.js";

export type { RoleSessionOptions } from "./session-request.js";

export interface RoleSession {
  creds: TemporaryCredentials;
  roleArn: string;
  /** The Staging profile whose credentials assumed the role. */
  profile: string;
  region: string;
  setup: SetupState | undefined;
}

/** `command` names the command in messages ("credentials", "exec", "env"). */
export async function roleSession(command: string, options: RoleSessionOptions, ctx: CommandContext): Promise<RoleSession> {
  const request = await resolveSessionRequest(command, options, ctx);
  const { roleArn, profile, region, sessionName, durationSeconds, externalId } = request;
  const creds = await cachedSession(
    sessionCacheFile(request, ctx),
    async () => {
      requireProfile(await loadProfileView(ctx.env), profile);
      // Built only on a miss: constructing an SDK client starts reading the config file.
      const sts = stsClientFor(ctx, profile, region);
      return assumeRole(sts, { roleArn, sessionName, durationSeconds, profile, externalId }, ctx.out);
    },
    { onIgnored: (reason) => ctx.out.warn(reason) },
  );
  return { creds, roleArn, profile, region, setup: request.setup };
}
