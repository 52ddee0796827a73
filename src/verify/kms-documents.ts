/**
 * What the KMS hops need, read with Production's credentials: how the bucket (or the test
 * object) is encrypted, its key, and the key policy. undefined when reading needs no KMS key
 * (no default encryption, or SSE-S3). A key policy that cannot be read is reported as such.
 */
import type { AwsClients } from "../aws/clients.js";
import { isAwsError } from "../aws/errors.js";
import { describeKey, encryptionKeyId, readBucketEncryption, readKeyPolicy, readObjectEncryption, usesKms, type Encryption } from "../aws/kms.js";
import { XacctError } from "../errors.js";
import type { KmsKey } from "../policy/index.js";
import type { LabeledPolicy } from "../policy-eval/index.js";

export interface KmsDocuments {
  encryption: Encryption;
  key: KmsKey;
  /** undefined: not readable with these credentials (the hop says "cannot tell"). */
  keyPolicy: LabeledPolicy | undefined;
}

const DENIED = ["AccessDenied", "AccessDeniedException"];

/** `objectKey`: the object `--test-key` names, whose own encryption counts over the bucket's default. */
export async function readKmsDocuments(clients: AwsClients, bucket: string, objectKey?: string, profile?: string): Promise<KmsDocuments | undefined> {
  const encryption = objectKey !== undefined ? await readObjectEncryption(clients, bucket, objectKey, profile) : await readBucketEncryption(clients, bucket, profile);
  if (!usesKms(encryption)) return undefined;
  const key = await describeKey(clients, encryptionKeyId(encryption), profile);
  return { encryption, key, keyPolicy: await readableKeyPolicy(clients, key, profile) };
}

async function readableKeyPolicy(clients: AwsClients, key: KmsKey, profile?: string): Promise<LabeledPolicy | undefined> {
  try {
    return { label: `key policy of ${key.arn}`, document: await readKeyPolicy(clients, key.arn, profile) };
  } catch (error) {
    if (error instanceof XacctError && error.awsCode !== undefined && DENIED.includes(error.awsCode)) return undefined;
    if (isAwsError(error, ...DENIED)) return undefined;
    throw error;
  }
}
