/**
 * Stage 3's first half: assume the role as the Staging identity, sending what its trust
 * requires, and waiting out IAM's propagation delay for a role created moments ago.
 */
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { isAwsError, toXacctError } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { processInterrupts, unlessInterrupted, type Interrupts } from "../ui/interrupt.js";
import type { Output } from "../ui/output.js";

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
}

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds?: number | undefined;
  /** The profile whose credentials call STS, for messages. */
  profile?: string | undefined;
  /**
   * True right after setup created the role: IAM takes a few seconds to let a new role be
   * assumed, so AccessDenied is retried for about a minute.
   */
  roleIsNew?: boolean;
  /** What the role's trust may require: an external ID, MFA, a source identity. */
  externalId?: string | undefined;
  mfa?: { serial: string; tokenCode: string } | undefined;
  sourceIdentity?: string | undefined;
}

export interface RetryTiming {
  sleep: (ms: number) => Promise<void>;
  /** Delays between attempts; their sum bounds the wait. */
  delaysMs: number[];
}

const NEW_ROLE_RETRY: RetryTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  delaysMs: [1000, 2000, 3000, 5000, 8000, 10_000, 10_000, 10_000, 10_000],
};

export async function assumeRole(
  sts: STSClient,
  input: AssumeRoleInput,
  out: Output,
  timing: RetryTiming = NEW_ROLE_RETRY,
  interrupts: Interrupts = processInterrupts,
): Promise<TemporaryCredentials> {
  const command = new AssumeRoleCommand({
    RoleArn: input.roleArn,
    RoleSessionName: input.sessionName,
    ...(input.durationSeconds ? { DurationSeconds: input.durationSeconds } : {}),
    ...(input.externalId ? { ExternalId: input.externalId } : {}),
    ...(input.mfa ? { SerialNumber: input.mfa.serial, TokenCode: input.mfa.tokenCode } : {}),
    ...(input.sourceIdentity ? { SourceIdentity: input.sourceIdentity } : {}),
  });
  const delays = input.roleIsNew ? [...timing.delaysMs] : [];
  let waitedMs = 0;
  for (;;) {
    try {
      const result = await sts.send(command);
      const c = result.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new XacctError("STS answered AssumeRole without complete credentials.", { hint: "Try again." });
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
        assumedRoleArn: result.AssumedRoleUser?.Arn ?? input.roleArn,
      };
    } catch (error) {
      // A refused MFA code is not IAM propagating the role: waiting would not help, a new code would.
      if (input.mfa && mfaCodeRefused(error)) throw refusedMfaCode(error, input);
      const delay = delays.shift();
      if (delay !== undefined && isAwsError(error, "AccessDenied")) {
        out.skipped(`The new role is not assumable yet, as IAM is still propagating it; waiting ${delay / 1000} s…`);
        const waiting = `Waiting for IAM to make the new role assumable: ${waitedMs / 1000} s so far, next try in ${delay / 1000} s`;
        await out.progress(waiting, () => unlessInterrupted(timing.sleep(delay), interrupts, () => stoppedWaiting(input)));
        waitedMs += delay;
        continue;
      }
      throw assumeFailure(error, input);
    }
  }
}

/** What XacctError.awsCode says when STS refused the MFA code (AccessDenied naming MultiFactorAuthentication). */
export const MFA_CODE_REFUSED = "AccessDenied (MFA code)";

function mfaCodeRefused(error: unknown): boolean {
  return isAwsError(error, "AccessDenied") && /multifactorauthentication|mfa/i.test(error instanceof Error ? error.message : "");
}

function refusedMfaCode(error: unknown, input: AssumeRoleInput): XacctError {
  return new XacctError(`AWS refused the MFA code for ${input.mfa?.serial} (${error instanceof Error ? error.message : String(error)}).`, {
    hint: "Give the code the device shows now (each code works once).",
    awsCode: MFA_CODE_REFUSED,
    cause: error,
  });
}

/** Ctrl-C while IAM propagates a role setup has just made: everything is written; only the test is left. */
function stoppedWaiting(input: AssumeRoleInput): XacctError {
  return new XacctError(`Stopped by Ctrl-C while waiting for IAM to make ${input.roleArn} assumable.`, {
    hint: `What setup writes is in place; only the test was not run. In a minute, \`xacct assume --role-arn ${input.roleArn} --write-profile\` saves the temporary credentials, or run the same setup command again.`,
    exitCode: 130,
  });
}

function assumeFailure(error: unknown, input: AssumeRoleInput): XacctError {
  if (isAwsError(error, "AccessDenied")) {
    return new XacctError(`${input.profile ? `Profile ${input.profile}` : "The caller"} may not assume ${input.roleArn} (AccessDenied).`, {
      hint: "Both sides must allow it: the role's trust policy must name the Staging account and the Staging user needs sts:AssumeRole on the role. Run `xacct setup` to grant both.",
      awsCode: "AccessDenied",
      cause: error,
    });
  }
  return toXacctError(error, { action: `assuming ${input.roleArn}`, profile: input.profile });
}
