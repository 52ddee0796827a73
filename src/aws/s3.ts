/** An S3 client alone, for the commands that only read objects (test-get). */
import { S3Client } from "@aws-sdk/client-s3";
import type { CallLog } from "./call-log.js";
import { callerOf, commonConfig, countCalls, s3EndpointFromEnv, type AwsSession, type AwsTarget } from "./client-config.js";

export function makeS3Client(target: AwsTarget, env: NodeJS.ProcessEnv = process.env, log?: CallLog): S3Client {
  // Emulators and private endpoints do not serve virtual-hosted bucket names.
  const customEndpoint = target.endpoint ?? s3EndpointFromEnv(env);
  const client = new S3Client({ ...commonConfig(target), forcePathStyle: customEndpoint !== undefined });
  if (log) countCalls(client, "S3", callerOf(target), log);
  return client;
}

/** The S3 client of one profile in one region, as the command's session says; `mfaCodeProvider` for a profile that needs an MFA code. */
export function s3ClientFor(session: AwsSession, profile: string, region: string, mfaCodeProvider?: AwsTarget["mfaCodeProvider"]): S3Client {
  return makeS3Client({ profile, region, endpoint: session.endpoint, mfaCodeProvider }, session.env, session.calls);
}
