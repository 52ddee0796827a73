/**
 * STS GetSessionToken with an MFA device and code: the Staging user's MFA session, whose keys
 * carry aws:MultiFactorAuthPresent into every AssumeRole made with them. A refused code is told
 * apart from other failures, so a person at a terminal can be asked again.
 */
import { GetSessionTokenCommand, type STSClient } from "@aws-sdk/client-sts";
import { isAwsError, toXacctError } from "./errors.js";
import { XacctError } from "../errors.js";
import type { CachedCredentials } from "../credentials-cache.js";
import { MFA_CODE_REFUSED } from "../stages/assume-role.js";

export interface SessionTokenInput {
  serial: string;
  tokenCode: string;
  durationSeconds: number;
  /** The profile whose long-term keys call STS, for messages. */
  profile: string;
}

export async function getSessionToken(sts: STSClient, input: SessionTokenInput): Promise<CachedCredentials> {
  try {
    const result = await sts.send(
      new GetSessionTokenCommand({ SerialNumber: input.serial, TokenCode: input.tokenCode, DurationSeconds: input.durationSeconds }),
    );
    const c = result.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new XacctError("STS answered GetSessionToken without complete credentials.", { hint: "Try again." });
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (error) {
    if (error instanceof XacctError) throw error;
    if (isAwsError(error, "AccessDenied") && /multifactorauthentication|mfa/i.test(error instanceof Error ? error.message : "")) {
      throw new XacctError(`AWS refused the MFA code for ${input.serial} (${(error as Error).message}).`, {
        hint: "Give the code the device shows now (each code works once).",
        awsCode: MFA_CODE_REFUSED,
        cause: error,
      });
    }
    if (isAwsError(error, "AccessDenied") && /session credentials|temporary credentials/i.test((error as Error).message)) {
      throw new XacctError(`Profile ${input.profile} holds temporary credentials, and an MFA session (GetSessionToken) needs an IAM user's long-term keys.`, {
        hint: "Use an IAM user's profile as the Staging profile for a role that requires MFA.",
        awsCode: "AccessDenied",
        cause: error,
      });
    }
    throw toXacctError(error, { action: `starting an MFA session for profile ${input.profile} with ${input.serial}`, profile: input.profile });
  }
}
