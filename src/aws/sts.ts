/** An STS client alone, for the commands that only assume roles (assume, credentials). */
import { STSClient } from "@aws-sdk/client-sts";
import type { CallLog } from "./call-log.js";
import { callerOf, commonConfig, countCalls, type AwsSession, type AwsTarget } from "./client-config.js";

export function makeStsClient(target: AwsTarget, log?: CallLog): STSClient {
  const client = new STSClient(commonConfig(target));
  if (log) countCalls(client, "STS", callerOf(target), log);
  return client;
}

/** The STS client of one profile in one region, as the command's session says. */
export function stsClientFor(session: AwsSession, profile: string, region: string): STSClient {
  return makeStsClient({ profile, region, endpoint: session.endpoint }, session.calls);
}
