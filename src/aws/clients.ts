/**
 * The only place that builds AWS SDK clients: all three services for the commands that work on
 * both accounts. Commands that need one service use sts.ts or s3.ts, which load only theirs.
 */
import { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CallLog } from "./call-log.js";
import { callerOf, commonConfig, countCalls, type AwsTarget } from "./client-config.js";
import { makeS3Client } from "./s3.js";
import { makeStsClient } from "./sts.js";

export { callerOf, countCalls, credentialsFor, s3EndpointFromEnv, type AwsTarget } from "./client-config.js";

export interface AwsClients {
  iam: IAMClient;
  s3: S3Client;
  sts: STSClient;
}

export function makeClients(target: AwsTarget, env: NodeJS.ProcessEnv = process.env, log?: CallLog): AwsClients {
  const iam = new IAMClient(commonConfig(target));
  if (log) countCalls(iam, "IAM", callerOf(target), log);
  return { iam, sts: makeStsClient(target, log), s3: makeS3Client(target, env, log) };
}
