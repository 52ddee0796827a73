/**
 * What every SDK client xacct builds shares: credentials from the SDK's own providers (a named
 * profile through fromIni, else the default chain; never parsed here), region, endpoint,
 * bounded retries, and the call log. Imports no service client, so a command that needs only
 * STS or only S3 loads only that one (start-up time).
 */
import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { createHash } from "node:crypto";
import { refuseBorrowedEndpoint } from "../awsconfig/borrowed-endpoint.js";
import { narrowSdkFilesFor } from "../awsconfig/sdk-files.js";
import { canonicalInput, type ApiCall, type CallLog } from "./call-log.js";

export interface AwsTarget {
  /** Named profile; undefined means the SDK's default chain. */
  profile?: string | undefined;
  region: string;
  /** Explicit endpoint (--endpoint-url); else the SDK's AWS_ENDPOINT_URL* variables apply. */
  endpoint?: string | undefined;
  /** Fixed credentials, e.g. from AssumeRole, instead of a profile. */
  credentials?: AwsCredentialIdentity | undefined;
  /** Asks for the code of a profile's mfa_serial (a role profile that needs MFA); absent: such a profile fails. */
  mfaCodeProvider?: ((serial: string) => Promise<string>) | undefined;
}

export function credentialsFor(target: AwsTarget): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  if (target.credentials) return target.credentials;
  // ignoreCache: a profile written earlier in this process (TempCred) must be read afresh.
  if (target.profile)
    return fromIni({ profile: target.profile, ignoreCache: true, ...(target.mfaCodeProvider ? { mfaCodeProvider: target.mfaCodeProvider } : {}) });
  return fromNodeProviderChain({ ignoreCache: true });
}

export function commonConfig(target: AwsTarget) {
  // Profiles in a big config file: the SDK reads only what this client can use (sdk-files.ts).
  narrowSdkFilesFor(target.profile);
  if (target.profile && !target.endpoint) refuseBorrowedEndpoint(target.profile);
  return {
    region: target.region,
    credentials: credentialsFor(target),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    // Transient faults are retried by the SDK's standard strategy, bounded.
    maxAttempts: 4,
  };
}

/** The endpoint S3 will use: ours, or the one the SDK takes from the environment. */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"];
}

/** Names who makes the calls, for the log: never a secret (an access key ID is not one). */
export function callerOf(target: AwsTarget): string {
  if (target.credentials) return `key ${target.credentials.accessKeyId}`;
  return target.profile ? `profile ${target.profile}` : "default chain";
}

/** Any SDK v3 client: they share the middleware stack's shape, though its types name each service's inputs. */
type AnyClient = { middlewareStack: unknown };

/** One record per API call, however many times the SDK retries it. */
export function countCalls(client: AnyClient, service: string, caller: string, log: CallLog): void {
  (client as IAMClient).middlewareStack.add(
    (next, context) => async (args) => {
      const inputHash = createHash("sha256").update(canonicalInput(args.input)).digest("hex").slice(0, 16);
      const call: ApiCall = { service, operation: String(context.commandName ?? "").replace(/Command$/, ""), caller, inputHash };
      log.record(call);
      try {
        const answer = await next(args);
        call.outcome = "answered";
        return answer;
      } catch (error) {
        // An error AWS answered (4xx) at the first attempt means it did not act; a lost
        // connection, a 5xx, or a refusal after a retry (the first try may have acted) may have.
        const meta = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata;
        const status = meta?.httpStatusCode;
        if (status !== undefined && status >= 400 && status < 500 && (meta?.attempts ?? 1) <= 1) call.outcome = "refused";
        throw error;
      }
    },
    { step: "initialize", name: "xacctCallLog" },
  );
}

/** What a command's AWS calls share: the environment, --endpoint-url, and the log that counts them. */
export interface AwsSession {
  env: NodeJS.ProcessEnv;
  endpoint: string | undefined;
  calls: CallLog;
}
