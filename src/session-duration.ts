/**
 * One hour, in seconds: AWS's default for a role's MaxSessionDuration and the least it may be
 * set to, and the longest session of a role assumed from another role's session (role
 * chaining). Pure.
 */
export const ONE_HOUR_SECONDS = 3600;
