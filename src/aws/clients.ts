/**
 * Builds the AWS SDK clients of every service, for the commands that work on both accounts
 * (KMS for SSE-KMS buckets). Commands that need one service use sts.ts or s3.ts, which load
 * only theirs (organizations.ts builds its own). `clientsFor` is how a command gets them: its
 * endpoint and call log applied.
 */
import { IAMClient } from "@aws-sdk/client-iam";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CallLog } from "./call-log.js";
import { callerOf, commonConfig, countCalls, type AwsSession, type AwsTarget } from "./client-config.js";
import { makeS3Client } from "./s3.js";
import { makeStsClient } from "./sts.js";

export { callerOf, countCalls, credentialsFor, s3EndpointFromEnv, type AwsSession, type AwsTarget } from "./client-config.js";

export interface AwsClients {
  iam: IAMClient;
  /** Keys of SSE-KMS buckets: resolved, and their key policies read and merged. Built at its first call. */
  kms: Pick<KMSClient, "send">;
  s3: S3Client;
  sts: STSClient;
}

export function makeClients(target: AwsTarget, env: NodeJS.ProcessEnv = process.env, log?: CallLog): AwsClients {
  const iam = new IAMClient(commonConfig(target));
  if (log) countCalls(iam, "IAM", callerOf(target), log);
  return { iam, kms: kmsOnFirstCall(target, log), sts: makeStsClient(target, log), s3: makeS3Client(target, env, log) };
}

/**
 * Only a bucket encrypted with SSE-KMS needs KMS: the SDK's KMS code loads, and the client is
 * built, when the first KMS call is sent (most setups, teardowns and verifies send none).
 */
function kmsOnFirstCall(target: AwsTarget, log: CallLog | undefined): Pick<KMSClient, "send"> {
  let client: Promise<KMSClient> | undefined;
  const built = () =>
    (client ??= import("@aws-sdk/client-kms").then(({ KMSClient }) => {
      const kms = new KMSClient(commonConfig(target));
      if (log) countCalls(kms, "KMS", callerOf(target), log);
      return kms;
    }));
  const send = (command: Parameters<KMSClient["send"]>[0]) => built().then((kms) => kms.send(command));
  return { send: send as KMSClient["send"] };
}

/** Every client for one profile (or fixed credentials) in one region, as the command's session says. */
export function clientsFor(session: AwsSession, who: { profile: string } | { credentials: NonNullable<AwsTarget["credentials"]> }, region: string): AwsClients {
  return makeClients({ ...who, region, endpoint: session.endpoint }, session.env, session.calls);
}
