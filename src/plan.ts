/**
 * The setup plan: the answers, what discovery learned, and every document setup will write.
 * Pure data, built once and handed to the stages, the plan printer and the state file.
 */
import {
  buildAssumeRolePolicy,
  buildBucketLocateStatement,
  buildReadObjectsPolicy,
  buildTrustPolicy,
  managedPolicyArn,
  partitionForRegion,
  roleArn,
  type Partition,
  type PolicyDocument,
  type PolicyStatement,
  type TrustHardening,
} from "./policy/index.js";
import { invalidInput } from "./errors.js";

export interface SetupAnswers {
  productionProfile: string;
  stagingProfile: string;
  region: string;
  bucket: string;
  roleName: string;
  policyName: string;
  stagingUser: string;
  endpoint?: string | undefined;
  trust: TrustHardening;
  /** The role's MaxSessionDuration in seconds; AWS's default is 3600. */
  maxSessionDuration: number;
  /** Bring an existing bucket's settings up to what xacct gives the buckets it creates. */
  hardenBucket?: boolean | undefined;
}

export interface DiscoveredAccounts {
  production: { accountId: string; arn: string; canonicalUserId?: string | undefined; ownedBuckets: Set<string> };
  staging: { accountId: string; arn: string };
}

export interface SetupPlan {
  answers: SetupAnswers;
  partition: Partition;
  accounts: DiscoveredAccounts;
  roleArn: string;
  policyArn: string;
  inlinePolicyName: string;
  documents: {
    bucketStatement: PolicyStatement;
    readObjects: PolicyDocument;
    trust: PolicyDocument;
    assumeRole: PolicyDocument;
  };
}

export const DEFAULTS = {
  roleName: "StageRole",
  stagingUser: "StageAdmin",
  region: "us-east-1",
  profileName: "TempCred",
  maxSessionDuration: 3600,
} as const;

export function defaultPolicyName(roleName: string): string {
  return `${roleName}ReadObjects`;
}

export function inlinePolicyNameFor(roleName: string): string {
  return `xacct-assume-${roleName}`;
}

export function buildSetupPlan(answers: SetupAnswers, accounts: DiscoveredAccounts): SetupPlan {
  if (accounts.production.accountId === accounts.staging.accountId) {
    throw invalidInput(
      `Profiles ${answers.productionProfile} and ${answers.stagingProfile} are both in account ${accounts.production.accountId}; cross-account access needs two different accounts.`,
      "Choose a Staging profile whose credentials belong to the other account.",
    );
  }
  const partition = partitionForRegion(answers.region);
  const prodAccount = accounts.production.accountId;
  const role = roleArn(partition, prodAccount, answers.roleName);
  return {
    answers,
    partition,
    accounts,
    roleArn: role,
    policyArn: managedPolicyArn(partition, prodAccount, answers.policyName),
    inlinePolicyName: inlinePolicyNameFor(answers.roleName),
    documents: {
      bucketStatement: buildBucketLocateStatement({
        partition,
        bucket: answers.bucket,
        stagingAccountId: accounts.staging.accountId,
      }),
      readObjects: buildReadObjectsPolicy({ partition, bucket: answers.bucket }),
      trust: buildTrustPolicy({ partition, stagingAccountId: accounts.staging.accountId, ...answers.trust }),
      assumeRole: buildAssumeRolePolicy({ roleArn: role, allowSourceIdentity: answers.trust.allowSourceIdentity }),
    },
  };
}

/** Tags on everything xacct creates, so people (and teardown) can tell it apart. */
export function xacctTags(plan: SetupPlan): { Key: string; Value: string }[] {
  return [
    { Key: "managed-by", Value: "xacct" },
    { Key: "xacct:setup", Value: `${plan.answers.bucket}/${plan.answers.roleName}` },
  ];
}
