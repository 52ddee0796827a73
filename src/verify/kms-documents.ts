/**
 * What the KMS hops need, read with Production's credentials: how the bucket (or the object
 * `--key` names, when it has its own key) is encrypted, its key with its state, the key policy
 * and the key's grants. undefined when reading needs no KMS key (no default encryption, or
 * SSE-S3). What cannot be read is reported as such; a key that does not exist, as missing.
 */
import type { AwsClients } from "../aws/clients.js";
import { awsErrorCode, isAwsError } from "../aws/errors.js";
import {
  describeKey,
  encryptionKeyId,
  listKeyGrants,
  readBucketEncryption,
  readKeyPolicy,
  readObjectEncryptionIfAny,
  usesKms,
  type Encryption,
  type KeyGrant,
} from "../aws/kms.js";
import { XacctError } from "../errors.js";
import type { KmsKey } from "../policy/index.js";
import type { LabeledPolicy } from "../policy-eval/index.js";

export interface KmsDocuments {
  encryption: Encryption;
  key: KmsKey;
  /** undefined: not readable with these credentials (the hop says "cannot tell"). */
  keyPolicy: LabeledPolicy | undefined;
  /** The key's grants; a string: why they could not be read. */
  grants?: KeyGrant[] | string | undefined;
  /** The object whose own encryption this is (`--key`); absent: the bucket's default. */
  objectKey?: string | undefined;
}

/** The key S3 would use does not exist (or not where DescribeKey looks): reads fail. */
export interface MissingKmsKey {
  missingKey: string;
  encryption: Encryption;
  objectKey?: string | undefined;
}

const DENIED = ["AccessDenied", "AccessDeniedException"];

/** `objectKey`: the object `--key` names; its own KMS key counts over the bucket's default. */
export async function readKmsDocuments(clients: AwsClients, bucket: string, objectKey?: string, profile?: string): Promise<KmsDocuments | undefined> {
  return readKms(clients, bucket, { objectKey, profile });
}

/** As readKmsDocuments, with a key that does not exist reported as missing (verify's KMS hop fails naming it) rather than thrown. */
export async function readKmsOrMissing(
  clients: AwsClients,
  bucket: string,
  objectKey?: string,
  profile?: string,
): Promise<KmsDocuments | MissingKmsKey | undefined> {
  return readKms(clients, bucket, { objectKey, profile, reportMissing: true });
}

async function readKms(
  clients: AwsClients,
  bucket: string,
  options: { objectKey?: string | undefined; profile?: string | undefined; reportMissing: true },
): Promise<KmsDocuments | MissingKmsKey | undefined>;
async function readKms(
  clients: AwsClients,
  bucket: string,
  options: { objectKey?: string | undefined; profile?: string | undefined },
): Promise<KmsDocuments | undefined>;
async function readKms(
  clients: AwsClients,
  bucket: string,
  options: { objectKey?: string | undefined; profile?: string | undefined; reportMissing?: true },
): Promise<KmsDocuments | MissingKmsKey | undefined> {
  const { objectKey, profile } = options;
  const own = objectKey !== undefined ? await readObjectEncryptionIfAny(clients, bucket, objectKey, profile) : undefined;
  const encryption = usesKms(own) ? own : await readBucketEncryption(clients, bucket, profile);
  if (!usesKms(encryption)) return undefined;
  const of = usesKms(own) ? { objectKey } : {};
  const keyId = encryptionKeyId(encryption);
  let key: KmsKey;
  try {
    key = await describeKey(clients, keyId, profile);
  } catch (error) {
    if (options.reportMissing && error instanceof XacctError && error.awsCode === "NotFoundException") return { missingKey: keyId, encryption, ...of };
    throw error;
  }
  const [keyPolicy, grants] = await Promise.all([readableKeyPolicy(clients, key, profile), readableGrants(clients, key, profile)]);
  return { encryption, key, keyPolicy, grants, ...of };
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

/** AWS managed keys' grants are AWS's own business (S3 uses none for a reader): not read. */
async function readableGrants(clients: AwsClients, key: KmsKey, profile?: string): Promise<KeyGrant[] | string | undefined> {
  if (key.manager === "AWS") return undefined;
  try {
    return await listKeyGrants(clients, key.arn, profile);
  } catch (error) {
    const code = error instanceof XacctError ? error.awsCode : awsErrorCode(error);
    if (code === undefined) throw error;
    return `kms:ListGrants answered ${code}`;
  }
}
