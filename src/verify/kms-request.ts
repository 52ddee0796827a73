/**
 * The kms:Decrypt request S3 sends KMS when someone reads an SSE-KMS object, as the evaluator
 * takes it: for verify's KMS hops and for setup's question whether the key policy already
 * admits the reader. Pure.
 */
import { bucketArn, parseKeyArn, partitionForRegion, s3ViaService, userArn, type KmsKey } from "../policy/index.js";
import type { EvaluationRequest } from "../policy-eval/index.js";
import { sessionRequestContext, userRequestContext, type IntendedContext } from "./request-context.js";

/** The key a read needs, and the bucket settings that shape the request S3 sends KMS. */
export interface KmsRead {
  key: KmsKey;
  bucket: string;
  /** The object read; the encryption context names it, or the bucket when S3 Bucket Keys are on. */
  objectKey: string;
  bucketKeyEnabled: boolean;
}

/**
 * The kms:Decrypt request S3 makes for a reader: signed as the reader (a forward access
 * session, so aws:ViaAWSService is true), through S3's endpoint, with S3's encryption context.
 * `intended` is the reader's context (sessionRequestContext or userRequestContext).
 */
export function kmsDecryptRequest(principal: { arn: string; accountId: string }, intended: IntendedContext, read: KmsRead): EvaluationRequest {
  const partition = parseKeyArn(read.key.arn)?.partition ?? "aws";
  const encrypted = read.bucketKeyEnabled ? bucketArn(partition, read.bucket) : `${bucketArn(partition, read.bucket)}/${read.objectKey}`;
  return {
    principal,
    action: "kms:Decrypt",
    resource: read.key.arn,
    resourceAccountId: read.key.accountId,
    context: {
      ...intended.context,
      "aws:ResourceAccount": read.key.accountId,
      "aws:ViaAWSService": true,
      "kms:ViaService": s3ViaService(read.key.region),
      "kms:CallerAccount": principal.accountId,
      "kms:EncryptionContext:aws:s3:arn": encrypted,
      "kms:EncryptionContextKeys": ["aws:s3:arn"],
    },
    open: intended.open,
  };
}

/** Who reads: a session of the Production role (role mode), or the Staging user itself (resource-policy mode). */
export interface KmsReader {
  mode: "role" | "resource-policy";
  /** The bucket's region, where the reader sends its request. */
  region: string;
  productionAccountId: string;
  roleArn: string;
  stagingAccountId: string;
  stagingUser: string;
  /** The role session name the assume sends (see VerifyTarget.sessionName). */
  sessionName: string;
  /** Whether the role session was assumed with MFA. */
  mfa?: boolean | undefined;
}

export function readerDecryptRequest(reader: KmsReader, read: KmsRead): EvaluationRequest {
  const partition = partitionForRegion(reader.region);
  if (reader.mode === "resource-policy") {
    const user = { arn: userArn(partition, reader.stagingAccountId, reader.stagingUser), accountId: reader.stagingAccountId };
    return kmsDecryptRequest(user, userRequestContext(user, reader.region, read.key.accountId), read);
  }
  // A session's ARN names the role without its path.
  const roleName = reader.roleArn.split("/").pop() ?? reader.roleArn;
  const session = {
    arn: `arn:${partition}:sts::${reader.productionAccountId}:assumed-role/${roleName}/${reader.sessionName}`,
    accountId: reader.productionAccountId,
  };
  return kmsDecryptRequest(session, sessionRequestContext(session, reader.roleArn, reader.region, reader.mfa ?? false), read);
}
