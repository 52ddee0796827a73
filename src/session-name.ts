/**
 * The role session name xacct's assumes send unless told otherwise (--session-name):
 * `xacct assume`, setup's test stage, the profiles setup writes, `xacct credentials`, and
 * `verify --live`. verify judges requests carrying it (sts:RoleSessionName, aws:userid, the
 * session's ARN). Pure.
 */
export function defaultSessionName(stagingProfile: string): string {
  return `xacct-${stagingProfile}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}
