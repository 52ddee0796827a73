/**
 * The region xacct uses when neither a flag nor a setup names one. Its own module, free of
 * the plan's policy code, because `xacct credentials`' cache-hit path (credential-process.ts)
 * needs it to name the same cache file as the full CLI. Pure.
 */
export const DEFAULT_REGION = "us-east-1";
