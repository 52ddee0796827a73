/**
 * Reading what SSE-KMS needs and writing a key policy: a bucket's default encryption and an
 * object's, the key resolved to its ARN and owner, the key policy, and the call that writes it
 * (src/resources/key-policy-write.ts takes turns and reads it back, as for the bucket policy).
 */
import { GetBucketEncryptionCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { XacctError } from "../errors.js";
import { parseKeyArn, parsePolicyDocument, type KmsKey, type PolicyDocument } from "../policy/index.js";
import type { AwsClients } from "./clients.js";
import { isAwsError, toXacctError, unlessMissing, withAwsContext } from "./errors.js";

/** How a bucket (by default) or one object is encrypted. */
export interface Encryption {
  /** AES256 (SSE-S3), aws:kms, aws:kms:dsse. */
  algorithm: string;
  /** As configured: a key ID, key ARN, alias name or alias ARN; absent for SSE-S3, or for aws:kms with the AWS managed key. */
  keyId?: string | undefined;
  /** S3 asks KMS once per bucket rather than per object: the encryption context names the bucket then. */
  bucketKeyEnabled: boolean;
}

/** KMS's commands, loaded with its client at the first KMS call (clients.ts): only SSE-KMS buckets need them. */
const kmsCommands = () => import("@aws-sdk/client-kms");

/** Whether reading needs a KMS key: SSE-KMS or DSSE-KMS. */
export function usesKms(encryption: Encryption | undefined): encryption is Encryption {
  return encryption !== undefined && encryption.algorithm.startsWith("aws:kms");
}

/** The bucket's default encryption; undefined when it has none. */
export async function readBucketEncryption(clients: AwsClients, bucket: string, profile?: string): Promise<Encryption | undefined> {
  const out = await withAwsContext({ action: `reading the default encryption of bucket ${bucket}`, profile }, () =>
    unlessMissing(["ServerSideEncryptionConfigurationNotFoundError"], () => clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))),
  );
  const rule = out?.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
  const byDefault = rule?.ApplyServerSideEncryptionByDefault;
  if (!byDefault?.SSEAlgorithm) return undefined;
  return { algorithm: byDefault.SSEAlgorithm, keyId: byDefault.KMSMasterKeyID || undefined, bucketKeyEnabled: rule?.BucketKeyEnabled === true };
}

/** One object's encryption (for `--test-key`), which may differ from the bucket's default. */
export async function readObjectEncryption(clients: AwsClients, bucket: string, key: string, profile?: string): Promise<Encryption | undefined> {
  const out = await withAwsContext({ action: `reading the encryption of object ${key} in bucket ${bucket}`, profile }, () =>
    clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
  );
  if (!out.ServerSideEncryption) return undefined;
  return { algorithm: out.ServerSideEncryption, keyId: out.SSEKMSKeyId || undefined, bucketKeyEnabled: out.BucketKeyEnabled === true };
}

/** One object's encryption; undefined when the object does not exist (the download or live read says so later). */
export async function readObjectEncryptionIfAny(clients: AwsClients, bucket: string, key: string, profile?: string): Promise<Encryption | undefined> {
  try {
    return await readObjectEncryption(clients, bucket, key, profile);
  } catch (error) {
    if (error instanceof XacctError && (error.awsCode === "NotFound" || error.awsCode === "NoSuchKey")) return undefined;
    throw error;
  }
}

/** What S3 uses when aws:kms names no key: the account's AWS managed key for S3. */
export const AWS_MANAGED_S3_KEY = "alias/aws/s3";

/** The key behind a key ID, key ARN, alias name or alias ARN: its ARN, owner and manager. */
export async function describeKey(clients: AwsClients, keyId: string, profile?: string): Promise<KmsKey> {
  const { DescribeKeyCommand } = await kmsCommands();
  const out = await withAwsContext({ action: `looking up KMS key ${keyId}`, profile }, () => clients.kms.send(new DescribeKeyCommand({ KeyId: keyId })));
  const meta = out.KeyMetadata;
  const parsed = meta?.Arn ? parseKeyArn(meta.Arn) : undefined;
  if (!meta?.Arn || !parsed) {
    throw new XacctError(`Failed looking up KMS key ${keyId}: AWS answered without the key's ARN.`, { hint: "Run again with --debug for details." });
  }
  return {
    arn: meta.Arn,
    accountId: meta.AWSAccountId ?? parsed.accountId,
    region: parsed.region,
    manager: meta.KeyManager === "AWS" ? "AWS" : "CUSTOMER",
    ...(meta.KeyState ? { state: meta.KeyState } : {}),
    ...(meta.DeletionDate ? { deletionDate: meta.DeletionDate.toISOString().slice(0, 10) } : {}),
  };
}

/** The key of an encryption that uses KMS: the configured one, else the AWS managed aws/s3 key. */
export function encryptionKeyId(encryption: Encryption): string {
  return encryption.keyId ?? AWS_MANAGED_S3_KEY;
}

/** The key policy (every key has exactly one, named "default"). */
export async function readKeyPolicy(clients: AwsClients, keyArn: string, profile?: string): Promise<PolicyDocument> {
  const { GetKeyPolicyCommand } = await kmsCommands();
  const out = await withAwsContext({ action: `reading the key policy of ${keyArn}`, profile }, () =>
    clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" })),
  );
  if (!out.Policy)
    throw new XacctError(`Failed reading the key policy of ${keyArn}: AWS answered without a policy.`, { hint: "Run again with --debug for details." });
  return parsePolicyDocument(out.Policy);
}

/**
 * How long PutKeyPolicy waits for a principal KMS cannot see yet. AWS documents that the
 * principals of a key policy must exist and be visible to KMS, and that a principal created
 * moments ago (the role setup just made) may need a delay: KMS answers
 * MalformedPolicyDocumentException until then. Bounded: about half a minute in all.
 */
export const KEY_POLICY_PROPAGATION = {
  delaysMs: [1000, 2000, 4000, 8000, 15000] as readonly number[],
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

export async function putKeyPolicy(
  clients: AwsClients,
  keyArn: string,
  policy: PolicyDocument,
  profile?: string,
  timing = KEY_POLICY_PROPAGATION,
): Promise<void> {
  const context = { action: `writing the key policy of ${keyArn}`, profile };
  const { PutKeyPolicyCommand } = await kmsCommands();
  const delays = [...timing.delaysMs];
  for (;;) {
    try {
      await clients.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(policy) }));
      return;
    } catch (error) {
      if (!isAwsError(error, "MalformedPolicyDocumentException")) throw toXacctError(error, context);
      const delay = delays.shift();
      if (delay === undefined) {
        throw new XacctError(
          `KMS refused the key policy of ${keyArn} as malformed, each time for ${timing.delaysMs.reduce((a, b) => a + b, 0) / 1000} s: a principal it names may not exist, or may not be visible to KMS yet.`,
          {
            hint: "If the role was created moments ago, wait a minute and run the same command again; otherwise check that every principal in the key policy exists.",
            awsCode: "MalformedPolicyDocumentException",
            cause: error,
          },
        );
      }
      await timing.sleep(delay);
    }
  }
}

/** A grant on a key: who may use which operations, and whether it constrains the encryption context. */
export interface KeyGrant {
  grantId: string;
  granteePrincipal: string;
  operations: string[];
  constrained: boolean;
  /** The encryption-context constraints, as ListGrants reports them (absent: none). */
  constraints?: GrantConstraints;
}

export interface GrantConstraints {
  encryptionContextEquals?: Record<string, string>;
  encryptionContextSubset?: Record<string, string>;
}

/** Every grant on the key, every page (the key's account may list them). */
export async function listKeyGrants(clients: AwsClients, keyArn: string, profile?: string): Promise<KeyGrant[]> {
  const { ListGrantsCommand } = await kmsCommands();
  const grants: KeyGrant[] = [];
  let marker: string | undefined;
  await withAwsContext({ action: `listing the grants of ${keyArn}`, profile }, async () => {
    do {
      const page = await clients.kms.send(new ListGrantsCommand({ KeyId: keyArn, Marker: marker }));
      for (const g of page.Grants ?? []) {
        const c = g.Constraints;
        const constrained = Object.keys(c?.EncryptionContextEquals ?? {}).length + Object.keys(c?.EncryptionContextSubset ?? {}).length > 0;
        const constraints = {
          ...(c?.EncryptionContextEquals ? { encryptionContextEquals: c.EncryptionContextEquals } : {}),
          ...(c?.EncryptionContextSubset ? { encryptionContextSubset: c.EncryptionContextSubset } : {}),
        };
        grants.push({
          grantId: g.GrantId ?? "?",
          granteePrincipal: g.GranteePrincipal ?? "",
          operations: g.Operations ?? [],
          constrained,
          ...(constrained ? { constraints } : {}),
        });
      }
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
  });
  return grants;
}
