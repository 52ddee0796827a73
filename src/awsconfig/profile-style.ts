/**
 * How xacct writes a temporary profile: the temporary keys themselves (static), a role profile
 * the AWS tools refresh themselves (role_arn + source_profile), or credential_process. Pure.
 */
export type ProfileStyle = "static" | "role" | "process";

export const PROFILE_STYLES: readonly ProfileStyle[] = ["static", "role", "process"];

export function isProfileStyle(value: string): value is ProfileStyle {
  return (PROFILE_STYLES as readonly string[]).includes(value);
}
