/**
 * Whether the Staging profile's caller (its GetCallerIdentity ARN) is the Staging side a setup is
 * for, so stage 3 tests that side and not an administrator's way in. Pure. An STS assumed-role
 * ARN carries no path: the role's name alone is matched.
 */
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A session of one of these permission sets' roles, `AWSReservedSSO_<set>_<16 characters>`, in that account. */
export function isPermissionSetSession(callerArn: string, accountId: string, sets: readonly string[]): boolean {
  return sets.some((set) => new RegExp(`^arn:[^:]+:sts::${accountId}:assumed-role/AWSReservedSSO_${escaped(set)}_[^/]{16}/[^/]+$`).test(callerArn));
}

/** A session of that role in that account (IAM role names are unique regardless of case). */
export function isSessionOfRole(callerArn: string, accountId: string, roleName: string): boolean {
  return new RegExp(`^arn:[^:]+:sts::${accountId}:assumed-role/${escaped(roleName)}/[^/]+$`, "i").test(callerArn);
}
