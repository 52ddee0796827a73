/** How xacct's role session names begin: a role profile whose session is named so is taken for xacct's (awsconfig/ownership.ts). */
export const SESSION_NAME_PREFIX = "xacct-";

/**
 * The role session name xacct's assumes send unless told otherwise (--session-name):
 * `xacct assume`, setup's test stage, the profiles setup writes, `xacct credentials`, and
 * `verify --live`. verify judges requests carrying it (sts:RoleSessionName, aws:userid, the
 * session's ARN). Pure.
 */
export function defaultSessionName(stagingProfile: string): string {
  return `${SESSION_NAME_PREFIX}${stagingProfile}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}
