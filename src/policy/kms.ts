/**
 * What SSE-KMS buckets need on top of the bucket grants: `kms:Decrypt` on exactly the bucket's
 * key, only through S3 (kms:ViaService), for the reader's own policy; and, where the key policy
 * must admit the reader, one statement per setup in that key policy, found again by its Sid.
 * Pure: no I/O.
 */
import { invalidInput, XacctError } from "../errors.js";
import { accountRootArn, parseKeyArn, partitionForRegion, type Partition } from "./arn.js";

export { parseKeyArn };
import { mergeOwnedStatements, refuseLanguageChange, removeOwnedStatements } from "./bucket-policy.js";
import { type PolicyDocument, type PolicyStatement, shownText } from "./documents.js";
import { awsPrincipals, sameGrant, setupDigest } from "./ownership.js";

/** The Sids xacct writes for KMS. Alphanumeric only, as IAM requires. */
export const KMS_SID = {
  /** In the role's (or the Staging user's) own policy. */
  decrypt: "XacctDecryptBucketKey",
  /** In the key policy, followed by the setup's digest. */
  keyDecrypt: "XacctKeyDecrypt",
} as const;

/** A KMS key as DescribeKey reports it. */
export interface KmsKey {
  arn: string;
  accountId: string;
  region: string;
  /** AWS: an AWS managed key such as aws/s3, whose policy nobody can change; CUSTOMER: the account's own. */
  manager: "AWS" | "CUSTOMER";
  /** DescribeKey's KeyState (Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, …); absent when not read. */
  state?: string | undefined;
  /** When a key PendingDeletion goes, as DescribeKey said (ISO date). */
  deletionDate?: string | undefined;
}

/** The S3 endpoint host KMS sees as kms:ViaService when S3 calls it for a reader (China has its own domain). */
export function s3ViaService(region: string): string {
  return partitionForRegion(region) === "aws-cn" ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}

/**
 * Which bucket the grant is for: S3 always puts `aws:s3:arn` in the encryption context it sends
 * KMS, the object's ARN, or the bucket's own ARN when S3 Bucket Keys are on. A grant limited to
 * it decrypts only this bucket's objects, whatever else the key encrypts.
 */
export interface DecryptScope {
  partition: Partition;
  bucket: string;
  bucketKeyEnabled: boolean;
}

const CONTEXT_KEY = "kms:EncryptionContext:aws:s3:arn";

function viaS3(region: string, scope?: DecryptScope): NonNullable<PolicyStatement["Condition"]> {
  const via = { StringEquals: { "kms:ViaService": s3ViaService(region) } };
  if (!scope) return via;
  const objects = `arn:${scope.partition}:s3:::${scope.bucket}/*`;
  return { ...via, StringLike: { [CONTEXT_KEY]: scope.bucketKeyEnabled ? [`arn:${scope.partition}:s3:::${scope.bucket}`, objects] : objects } };
}

/**
 * The condition limiting a grant to one bucket's encryption context, taken off when it is
 * exactly that shape (one bucket's ARN and/or its objects), so the rest can be compared with
 * what xacct writes. undefined: the statement has no such limit (an older xacct's statement).
 */
function withoutBucketScope(statement: PolicyStatement): PolicyStatement | undefined {
  const like = statement.Condition?.["StringLike"];
  if (!like) return statement;
  const keys = Object.keys(like);
  if (keys.length !== 1 || keys[0] !== CONTEXT_KEY) return undefined;
  const values = [like[CONTEXT_KEY] ?? []].flat();
  const buckets = values.map((v) => /^arn:aws(?:-cn|-us-gov)?:s3:::([a-z0-9][a-z0-9.-]*[a-z0-9])(\/\*)?$/.exec(String(v)));
  if (values.length === 0 || values.length > 2 || buckets.some((m) => !m) || new Set(buckets.map((m) => m![1])).size !== 1 || !buckets.some((m) => m![2]))
    return undefined;
  const { StringLike: _like, ...rest } = statement.Condition!;
  return { ...statement, Condition: rest };
}

/** For the reader's own policy: decrypt with exactly this key, only when S3 asks on its behalf, for the bucket's objects (when the scope is given). */
export function buildKmsDecryptStatement(key: Pick<KmsKey, "arn" | "region">, scope?: DecryptScope): PolicyStatement {
  return { Sid: KMS_SID.decrypt, Effect: "Allow", Action: "kms:Decrypt", Resource: key.arn, Condition: viaS3(key.region, scope) };
}

/**
 * A statement granting exactly what buildKmsDecryptStatement grants, on one or more keys (each
 * through S3 of its own region), whatever its Sid, limited to one bucket or (an older xacct's)
 * not; undefined Resource or extra actions or conditions do not count.
 */
export function isDecryptThroughS3(statement: PolicyStatement): boolean {
  const keys = [statement.Resource ?? []].flat();
  const parsed = keys.map(parseKeyArn);
  if (keys.length === 0 || parsed.some((k) => k === undefined) || new Set(parsed.map((k) => k!.region)).size !== 1) return false;
  const unscoped = withoutBucketScope(statement);
  return (
    unscoped !== undefined && sameGrant(unscoped, { ...buildKmsDecryptStatement({ arn: keys[0]!, region: parsed[0]!.region }), Resource: statement.Resource! })
  );
}

/** The reader's policy with the decrypt statement in it (replacing an earlier one of xacct's, others kept). */
export function withKmsDecrypt(document: PolicyDocument, key: Pick<KmsKey, "arn" | "region">): PolicyDocument {
  return mergeOwnedStatements(document, [buildKmsDecryptStatement(key)]);
}

/** The Sid of one setup's statement in a key policy (several setups may share a key). */
export function keyStatementSid(setupId: string): string {
  return `${KMS_SID.keyDecrypt}${setupDigest(setupId)}`;
}

const KEY_SID = new RegExp(`^${KMS_SID.keyDecrypt}[0-9a-f]{12}$`);

export function isKeyStatementSid(sid: string | undefined): boolean {
  return sid !== undefined && KEY_SID.test(sid);
}

/** Who the key policy must admit: the role (role mode), or the Staging accounts' roots or the chosen principals (resource-policy mode), as the bucket statements do. */
export function keyPolicyPrincipals(
  input:
    | { mode: "role"; roleArn: string }
    | {
        mode: "resource-policy";
        partition: Partition;
        stagingAccountId: string;
        moreStagingAccountIds?: string[] | undefined;
        principals?: string[] | undefined;
      },
): string[] {
  if (input.mode === "role") return [input.roleArn];
  if (input.principals?.length) return [...new Set(input.principals)].sort();
  const accounts = [...new Set([input.stagingAccountId, ...(input.moreStagingAccountIds ?? [])])].sort();
  return accounts.map((account) => accountRootArn(input.partition, account));
}

/**
 * The key-policy statement admitting the reader to kms:Decrypt through S3. In a key policy
 * `Resource: "*"` means "this key" (the policy is attached to one key): the only wildcard
 * xacct writes there.
 */
export function buildKeyPolicyStatement(input: { setupId: string; region: string; principals: string[]; scope?: DecryptScope | undefined }): PolicyStatement {
  const principals = [...new Set(input.principals)].sort();
  return {
    Sid: keyStatementSid(input.setupId),
    Effect: "Allow",
    Principal: { AWS: principals.length === 1 ? principals[0]! : principals },
    Action: "kms:Decrypt",
    Resource: "*",
    Condition: viaS3(input.region, input.scope),
  };
}

/** One of xacct's key-policy statements (any setup's): its Sid, and exactly the content xacct gives it, whoever it admits. */
export function isXacctKeyStatement(statement: PolicyStatement, region: string): boolean {
  if (!isKeyStatementSid(statement.Sid) || !awsPrincipals(statement)) return false;
  const unscoped = withoutBucketScope(statement);
  const expected: PolicyStatement = { Effect: "Allow", Principal: statement.Principal!, Action: "kms:Decrypt", Resource: "*", Condition: viaS3(region) };
  return unscoped !== undefined && sameGrant(unscoped, expected);
}

/** One setup's statement in one key's policy. */
export interface KeySetup {
  setupId: string;
  keyArn: string;
  region: string;
  statement: PolicyStatement;
}

/** Statements under a Sid xacct writes in key policies whose content is not xacct's: someone else's. */
export function borrowedKeyStatements(policy: PolicyDocument, region: string): PolicyStatement[] {
  return policy.Statement.filter((s) => isKeyStatementSid(s.Sid) && !isXacctKeyStatement(s, region));
}

/** Refuses a key policy holding another party's statement under one of xacct's Sids, or whose language would have to change. */
export function refuseUnsafeKeyMerge(policy: PolicyDocument, setup: KeySetup): void {
  const borrowed = borrowedKeyStatements(policy, setup.region);
  if (borrowed.length > 0) {
    throw invalidInput(
      `The key policy of ${setup.keyArn} holds ${borrowed.map((s) => `statement ${shownText(s.Sid!)}`).join(", ")}, which was not written by xacct (its content is not xacct's); xacct will not overwrite or remove it.`,
      "Give that statement a Sid of its own in the key policy, then run setup again.",
    );
  }
  refuseLanguageChange(policy, [setup.statement], `key policy of ${setup.keyArn}`);
}

/** The key policy after setup: this setup's statement replaced or added; every other statement and field as it was. */
export function mergeKeyStatement(policy: PolicyDocument, setup: KeySetup): PolicyDocument {
  return mergeOwnedStatements(policy, [setup.statement]);
}

export interface KeyStatementRemoval {
  after: PolicyDocument;
  removed: string[];
  /** Statements under xacct's key Sids that are not this setup's: another setup's, or not xacct's at all. */
  left: PolicyStatement[];
}

/** What teardown takes out of the key policy: this setup's statement only, when its content is xacct's. */
export function removeKeyStatement(policy: PolicyDocument, setup: Pick<KeySetup, "setupId" | "keyArn" | "region">): KeyStatementRemoval {
  const sid = keyStatementSid(setup.setupId);
  const removed = policy.Statement.filter((s) => s.Sid === sid && isXacctKeyStatement(s, setup.region)).map((s) => s.Sid!);
  const left = policy.Statement.filter((s) => isKeyStatementSid(s.Sid) && !removed.includes(s.Sid!));
  if (removed.length === 0) return { after: policy, removed, left };
  const after = removeOwnedStatements(policy, removed);
  // A key policy cannot be deleted, and one without statements would lock everyone out of the key.
  if (!after)
    throw new XacctError(`The key policy of ${setup.keyArn} holds nothing but xacct's statement; removing it would leave the key unusable.`, {
      hint: "Put the key's administration statements back into its key policy, then run teardown again.",
    });
  return { after, removed, left };
}

/** KMS's limit on a key policy, in bytes. */
export const KEY_POLICY_MAX_BYTES = 32_768;

/** Refuses a merged key policy KMS would reject for its size (other people's statements share the room). */
export function refuseOversizedKeyPolicy(policy: PolicyDocument, keyArn: string): void {
  const length = Buffer.byteLength(JSON.stringify(policy));
  if (length <= KEY_POLICY_MAX_BYTES) return;
  throw invalidInput(
    `With xacct's statement, the key policy of ${keyArn} would be ${length} bytes, over KMS's limit of ${KEY_POLICY_MAX_BYTES}.`,
    "Shorten the key policy's other statements (or use role mode with a key policy that lets Production's IAM policies decide), then run setup again.",
  );
}

/** How setup reads a key: by which mode, for which accounts. */
export interface KeySharing {
  mode: "role" | "resource-policy";
  productionAccountId: string;
  stagingAccountIds: string[];
}

/**
 * Keys xacct cannot grant on: an AWS managed key (aws/s3) in resource-policy mode, whose policy
 * admits only its own account; a key outside Production, whose policy xacct does not manage.
 */
export function refuseUnshareableKey(key: KmsKey, bucket: string, sharing: KeySharing): void {
  if (key.accountId !== sharing.productionAccountId) {
    const where = sharing.stagingAccountIds.includes(key.accountId) ? "the Staging account" : "a third account";
    throw new XacctError(
      `Bucket ${bucket} is encrypted with KMS key ${key.arn}, which belongs to ${where} (${key.accountId}), not to Production (${sharing.productionAccountId}); xacct grants only on Production's keys.`,
      {
        hint: "Re-encrypt the bucket with a customer managed key of the Production account, or have that key's owner let the reader decrypt it.",
        exitCode: 2,
      },
    );
  }
  if (key.manager === "AWS" && sharing.mode === "resource-policy") {
    throw new XacctError(
      `Bucket ${bucket} is encrypted with the AWS managed key ${key.arn} (aws/s3), whose key policy admits only its own account: Staging cannot decrypt its objects in resource-policy mode.`,
      {
        hint: "Use role mode (`xacct setup --mode role`), or re-encrypt the objects with a customer managed key of Production (set it as the bucket's default encryption and copy the objects over themselves).",
        exitCode: 2,
      },
    );
  }
}

/** What an SSE-KMS bucket adds to a setup: the reader's decrypt statement, and the key-policy statement when the key policy does not admit the reader yet. */
export interface KmsGrants {
  decrypt?: PolicyStatement;
  keyStatement?: PolicyStatement;
}

/**
 * The grants for reading through S3 with this key. `keyPolicyAdmitsReader` is the evaluator's
 * answer (src/verify/hops/kms.ts keyPolicyAdmits): in role mode a key policy admitting
 * Production's root lets the role's own policy decide, so no key-policy statement is added.
 * The AWS managed aws/s3 key already admits every principal of its account through S3.
 */
export function plannedKmsGrants(input: {
  key: KmsKey;
  bucket: string;
  setupId: string;
  sharing: KeySharing;
  /** Who the key-policy statement would name (keyPolicyPrincipals). */
  principals: string[];
  keyPolicyAdmitsReader: boolean;
  /** Limits both grants to the bucket's encryption context. */
  scope?: DecryptScope | undefined;
}): KmsGrants {
  refuseUnshareableKey(input.key, input.bucket, input.sharing);
  if (input.key.manager === "AWS") return {};
  const decrypt = buildKmsDecryptStatement(input.key, input.scope);
  if (input.keyPolicyAdmitsReader) return { decrypt };
  return {
    decrypt,
    keyStatement: buildKeyPolicyStatement({ setupId: input.setupId, region: input.key.region, principals: input.principals, scope: input.scope }),
  };
}
