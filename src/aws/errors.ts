/**
 * Turns SDK failures into XacctErrors: the AWS error code, a plain explanation and the next
 * step. SDK messages never carry secrets, but we still build our own sentences rather than
 * echoing arbitrary text.
 */
import { XacctError } from "../errors.js";
import { displayShellWord } from "../shell-words.js";

export interface AwsFailureContext {
  /** What xacct was doing, e.g. "creating role StageRole in account 111111111111". */
  action: string;
  /** The profile whose credentials were used, for hints. */
  profile?: string | undefined;
  /** For the hint when a profile needs an MFA code: the setup it belongs to, and the profile's mfa_serial. */
  setupId?: string | undefined;
  mfaSerial?: string | undefined;
}

const STATUS_CODES: Record<number, string> = { 403: "AccessDenied", 404: "NotFound" };

/** The AWS error code of an SDK exception (its `name`), or undefined for non-AWS errors. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number }; code?: unknown };
  if (typeof e.Code === "string") return e.Code;
  if (e.$metadata !== undefined && typeof e.name === "string") {
    // Answers without a body (S3's HEAD requests, some proxies) carry only their status.
    if (e.name === "Unknown" || e.name === "UnknownError") return STATUS_CODES[e.$metadata.httpStatusCode ?? 0] ?? e.name;
    return e.name;
  }
  if (typeof e.name === "string" && e.name === "CredentialsProviderError") return e.name;
  return undefined;
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"]);

export function toXacctError(error: unknown, context: AwsFailureContext): XacctError {
  if (error instanceof XacctError) return error;
  const code = awsErrorCode(error);
  const profile = context.profile ? `profile ${context.profile}` : "your credentials";
  const fail = (sentence: string, hint: string, awsCode = code) =>
    new XacctError(`Failed ${context.action}: ${sentence}`, { hint, cause: error, ...(awsCode ? { awsCode } : {}) });

  const sysCode = (error as { code?: unknown } | null)?.code;
  if (typeof sysCode === "string" && CONNECTION_CODES.has(sysCode)) {
    return fail(`could not reach the AWS endpoint (${sysCode}).`, "Check your network, --endpoint-url and AWS_ENDPOINT_URL.");
  }
  switch (code) {
    case "CredentialsProviderError":
      // A role profile naming mfa_serial: the SDK needs the device's current code, and nobody gave it.
      if (/multi-factor|mfa code/i.test(error instanceof Error ? error.message : ""))
        return fail(
          `${profile} needs an MFA code (it names an mfa_serial), and none was given.`,
          `Get a session with the code once: xacct assume${context.setupId ? ` --setup ${displayShellWord(context.setupId)}` : ""} --write-profile --mfa-serial ${displayShellWord(context.mfaSerial ?? "ARN")} --token-code CODE (or use the profile with the aws CLI, which asks for it).`,
        );
      // An Identity Center (SSO) profile whose session expired or never began: the SDK names `aws sso login`.
      if (/aws sso login/i.test(error instanceof Error ? error.message : ""))
        return fail(
          `the IAM Identity Center session of ${profile} has expired or was never started.`,
          `Run \`aws sso login${context.profile ? ` --profile ${displayShellWord(context.profile)}` : ""}\`, then try again.`,
        );
      return fail(
        `no usable credentials were found for ${profile}.`,
        context.profile
          ? `Check that [profile ${context.profile}] exists in your AWS config or credentials file (aws configure --profile ${displayShellWord(context.profile)}).`
          : "Give --profile or configure credentials (aws configure).",
      );
    case "ExpiredToken":
    case "ExpiredTokenException":
    case "RequestExpired":
      return fail(`the session token of ${profile} has expired (${code}).`, "Get fresh credentials: run `xacct assume --write-profile` again.");
    case "InvalidClientTokenId":
    case "UnrecognizedClientException":
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
      return fail(`AWS does not accept the access key of ${profile} (${code}).`, "Check the key pair in your credentials file, or create a new access key.");
    case "AccessDenied":
    case "AccessDeniedException":
    case "Forbidden":
      return fail(
        `access was denied (${code}) for ${profile}.`,
        "Check that this identity's policies allow the action; `xacct setup` grants what the recipe needs.",
      );
    case "NoSuchBucket":
      return fail("the bucket does not exist (NoSuchBucket).", "Check the bucket name, or run `xacct setup` to create it.");
    case "NoSuchKey":
      return fail("there is no object with that key (NoSuchKey).", "List the bucket's keys with `aws s3 ls s3://BUCKET/` and check the spelling.");
    case "Throttling":
    case "ThrottlingException":
    case "SlowDown":
    case "ServiceUnavailable":
    case "InternalError":
      return fail(`AWS stayed unavailable after several retries (${code}).`, "Wait a minute and run the same command again.");
  }
  if (code !== undefined) {
    return fail(`AWS answered ${code}.`, "Run again with --debug for details.");
  }
  const message = error instanceof Error ? error.message : String(error);
  return new XacctError(`Failed ${context.action}: ${message}`, { hint: "Run again with --debug for details.", cause: error });
}

/** Runs one AWS call and rethrows its failure as an XacctError with context. */
export async function withAwsContext<T>(context: AwsFailureContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toXacctError(error, context);
  }
}

/** Runs a read where some error codes mean "it does not exist": those give undefined. */
export async function unlessMissing<T>(codes: string[], read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isAwsError(error, ...codes)) return undefined;
    throw error;
  }
}
