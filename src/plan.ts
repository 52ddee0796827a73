/**
 * The setup plan: the answers, what discovery learned, and every document setup will write.
 * Pure data, built once and handed to the stages, the plan printer and the state file.
 */
import {
  buildAssumeRolePolicy,
  buildBucketLocateStatement,
  buildBucketReadStatement,
  buildReadBucketPolicy,
  buildReadObjectsPolicy,
  buildKmsDecryptStatement,
  buildTrustPolicy,
  bucketStatementSids,
  mergeOwnedStatements,
  managedPolicyArn,
  trustStatementSid,
  partitionForRegion,
  roleArn,
  type Partition,
  type KeySetup,
  type KmsKey,
  type PolicyDocument,
  type PolicyStatement,
  type StagingAccounts,
  type TrustHardening,
} from "./policy/index.js";
import { invalidInput } from "./errors.js";
import { DEFAULT_REGION } from "./default-region.js";
import { ONE_HOUR_SECONDS } from "./session-duration.js";

/**
 * role: Staging assumes a Production role (the recipe). resource-policy: the bucket policy
 * grants the Staging account directly; no role, the user keeps their own permissions.
 */
export type GrantMode = "role" | "resource-policy";

export interface SetupAnswers {
  mode: GrantMode;
  productionProfile: string;
  stagingProfile: string;
  region: string;
  bucket: string;
  roleName: string;
  policyName: string;
  stagingUser: string;
  /** An existing Staging role that gets the inline policy instead of the user (role mode); never created. */
  stagingRole?: string | undefined;
  endpoint?: string | undefined;
  trust: TrustHardening;
  /** The role's MaxSessionDuration in seconds; AWS's default is one hour. */
  maxSessionDuration: number;
  /** Bring an existing bucket's settings up to what xacct gives the buckets it creates. */
  hardenBucket?: boolean | undefined;
}

export interface DiscoveredAccounts {
  production: { accountId: string; arn: string; canonicalUserId?: string | undefined; ownedBuckets: Set<string> };
  staging: { accountId: string; arn: string };
  /** Further Staging accounts (issue: org scale), with the profile that reaches each, if any. */
  moreStaging?: MoreStagingAccount[];
}

export interface MoreStagingAccount {
  accountId: string;
  /** A profile in that account: its side (the user's inline policy) is applied with it. */
  profile?: string | undefined;
}

/**
 * What an SSE-KMS bucket adds: kms:Decrypt through S3 on its keys in the reader's own policy
 * (the role's managed policy, or the Staging user's inline policy), and this setup's
 * statement in each key policy that does not admit the reader already.
 */
export interface KmsPlan {
  decrypt: KmsKey[];
  /** S3 Bucket Keys are on for a key read: the encryption context names the bucket itself then, not the object. */
  bucketKeyEnabled?: boolean | undefined;
  /** This setup's statement for each key policy that needs one, with the key policy as it was read. */
  keyStatements: (KeySetup & { keyPolicy: PolicyDocument })[];
}

export interface SetupPlan {
  answers: SetupAnswers;
  partition: Partition;
  accounts: DiscoveredAccounts;
  roleArn: string;
  policyArn: string;
  inlinePolicyName: string;
  documents: {
    /** xacct's statements in the bucket policy, found again by their Sids. */
    bucketStatements: PolicyStatement[];
    /** Role mode: the role's managed policy and trust policy. */
    readObjects: PolicyDocument;
    trust: PolicyDocument;
    /** The Staging user's inline policy: assume the role, or (resource-policy) read the bucket. */
    stagingPolicy: PolicyDocument;
  };
  /** Absent when reading needs no KMS key (SSE-S3, or a bucket setup creates). */
  kms?: KmsPlan | undefined;
}

export const DEFAULTS = {
  roleName: "StageRole",
  stagingUser: "StageAdmin",
  region: DEFAULT_REGION,
  profileName: "TempCred",
  maxSessionDuration: ONE_HOUR_SECONDS,
} as const;

export function defaultPolicyName(roleName: string): string {
  return `${roleName}ReadObjects`;
}

export function inlinePolicyNameFor(answers: { mode: GrantMode; roleName: string; bucket: string }): string {
  return answers.mode === "role" ? `xacct-assume-${answers.roleName}` : `xacct-read-${answers.bucket}`;
}

/** Cross-account access needs two accounts: the Production and Staging profiles must be in different ones. */
export function refuseSameAccount(productionProfile: string, stagingProfile: string, production: { accountId: string }, staging: { accountId: string }): void {
  if (production.accountId !== staging.accountId) return;
  throw invalidInput(
    `Profiles ${productionProfile} and ${stagingProfile} are both in account ${production.accountId}; cross-account access needs two different accounts.`,
    "Choose a Staging profile whose credentials belong to the other account.",
  );
}

/**
 * `existingRoleArn`: a reused role's ARN as IAM reports it (a role with a path has it in its ARN).
 * `kms`: the grants an SSE-KMS bucket needs (resources/key-policy.ts plans them from its keys).
 */
export function buildSetupPlan(answers: SetupAnswers, accounts: DiscoveredAccounts, existingRoleArn?: string, kms?: KmsPlan): SetupPlan {
  refuseSameAccount(answers.productionProfile, answers.stagingProfile, accounts.production, accounts.staging);
  refuseThirdAccountPrincipals(answers, accounts);
  const partition = partitionForRegion(answers.region);
  const prodAccount = accounts.production.accountId;
  const role = answers.mode === "role" && existingRoleArn ? existingRoleArn : roleArn(partition, prodAccount, answers.roleName);
  return {
    answers,
    partition,
    accounts,
    roleArn: role,
    policyArn: managedPolicyArn(partition, prodAccount, answers.policyName),
    inlinePolicyName: inlinePolicyNameFor(answers),
    documents: withDecrypt(
      answers.mode,
      { partition, bucket: answers.bucket },
      buildDocuments(
        answers,
        { partition, stagingAccountId: accounts.staging.accountId, moreStagingAccountIds: accounts.moreStaging?.map((a) => a.accountId) },
        role,
      ),
      kms,
    ),
    ...(kms ? { kms } : {}),
  };
}

/** The reader's own policy gets kms:Decrypt through S3 on exactly the bucket's keys. */
function withDecrypt(
  mode: GrantMode,
  bucket: { partition: Partition; bucket: string },
  documents: SetupPlan["documents"],
  kms: KmsPlan | undefined,
): SetupPlan["documents"] {
  const [first, ...more] = kms?.decrypt ?? [];
  if (!first) return documents;
  // Only for this bucket's objects (its encryption context), as the key-policy statement.
  const statement = {
    ...buildKmsDecryptStatement(first, { ...bucket, bucketKeyEnabled: kms?.bucketKeyEnabled === true }),
    ...(more.length > 0 ? { Resource: [first, ...more].map((k) => k.arn).sort() } : {}),
  };
  return mode === "role"
    ? { ...documents, readObjects: mergeOwnedStatements(documents.readObjects, [statement]) }
    : { ...documents, stagingPolicy: mergeOwnedStatements(documents.stagingPolicy, [statement]) };
}

/**
 * The setup's own statements in the bucket policy, under Sids derived from the setup's id, so
 * that setups sharing a bucket never change each other's. Role mode: the Staging accounts may
 * locate and list it; resource-policy mode: the chosen principals may also read its objects.
 */
export function buildBucketStatements(
  answers: { mode: GrantMode; bucket: string; roleName: string; trust: { principals?: string[] | undefined } },
  staging: StagingAccounts,
): PolicyStatement[] {
  const sids = bucketStatementSids(setupId(answers));
  const grantees = { ...staging, bucket: answers.bucket, principals: answers.trust.principals };
  return answers.mode === "resource-policy"
    ? [buildBucketLocateStatement({ ...grantees, sid: sids.locate }), buildBucketReadStatement({ ...grantees, sid: sids.read })]
    : [buildBucketLocateStatement({ ...grantees, principals: undefined, sid: sids.locate })];
}

/**
 * xacct grants the Staging side only: a --trust-principal in any other account would let a
 * third account in while the plan speaks of Staging. Such an account joins as a Staging account.
 */
function refuseThirdAccountPrincipals(answers: SetupAnswers, accounts: DiscoveredAccounts): void {
  const staging = new Set([accounts.staging.accountId, ...(accounts.moreStaging ?? []).map((a) => a.accountId)]);
  const outside = (answers.trust.principals ?? []).filter((arn) => !staging.has(arn.split(":")[4] ?? ""));
  if (outside.length === 0) return;
  const account = outside[0]!.split(":")[4];
  throw invalidInput(
    `--trust-principal ${outside[0]} is in account ${account}, which is not a Staging account (${[...staging].join(", ")}): xacct grants only the Staging side.`,
    `Name a user or role of the Staging account, or add account ${account} as a Staging account with --staging-account ${account}.`,
  );
}

function buildDocuments(answers: SetupAnswers, staging: StagingAccounts, role: string): SetupPlan["documents"] {
  const { partition } = staging;
  const direct = answers.mode === "resource-policy";
  return {
    bucketStatements: buildBucketStatements(answers, staging),
    readObjects: buildReadObjectsPolicy({ partition, bucket: answers.bucket }),
    trust: buildTrustPolicy({ ...staging, ...answers.trust, sid: trustStatementSid(setupId(answers)) }),
    stagingPolicy: direct
      ? buildReadBucketPolicy({ partition, bucket: answers.bucket })
      : buildAssumeRolePolicy({ roleArn: role, allowSourceIdentity: answers.trust.allowSourceIdentity }),
  };
}

/** Names one setup: what its resources are tagged with, so setups never take each other's. */
export function setupId(answers: { bucket: string; roleName: string }): string {
  return `${answers.bucket}/${answers.roleName}`;
}

/** Tags on everything xacct creates, so people (and teardown) can tell it apart. */
export function xacctTags(plan: SetupPlan): { Key: string; Value: string }[] {
  return [
    { Key: "managed-by", Value: "xacct" },
    { Key: "xacct:setup", Value: setupId(plan.answers) },
  ];
}
