/**
 * One setup's plan and the state of both accounts in words a user would use: nothing there
 * yet, everything as setup leaves it, and changes made by others on top. For the pure tables
 * of setup's changes and teardown's removals: no emulator.
 */
import type { Tag } from "@aws-sdk/client-iam";
import { buildBucketStatements, buildSetupPlan, DEFAULTS, inlinePolicyNameFor, setupId, xacctTags, type GrantMode, type SetupPlan } from "../../src/plan.js";
import { policyDocument, type PolicyStatement } from "../../src/policy/index.js";
import type { Dependents, TeardownTarget } from "../../src/resources/resource.js";
import type { ProductionState, StagingState } from "../../src/resources/state.js";

export const PROD = "111111111111";
export const STAGING = "222222222222";
export const BUCKET = "prod-data";

export function planFor(mode: GrantMode = "role", more: { bucket?: string; roleName?: string; owned?: string[] } = {}): SetupPlan {
  const roleName = more.roleName ?? DEFAULTS.roleName;
  return buildSetupPlan(
    {
      mode,
      productionProfile: "prod",
      stagingProfile: "staging",
      region: "us-east-1",
      bucket: more.bucket ?? BUCKET,
      roleName,
      policyName: `${roleName}ReadObjects`,
      stagingUser: DEFAULTS.stagingUser,
      trust: {},
      maxSessionDuration: DEFAULTS.maxSessionDuration,
    },
    {
      production: { accountId: PROD, arn: `arn:aws:iam::${PROD}:user/ProdAdmin`, ownedBuckets: new Set(more.owned ?? []) },
      staging: { accountId: STAGING, arn: `arn:aws:iam::${STAGING}:user/StageAdmin` },
    },
  );
}

/** Fresh accounts: no bucket, no role, no policy; the Staging user exists without xacct's policy. */
export function nothingYet(): { prod: ProductionState; staging: StagingState } {
  return {
    prod: {
      bucketExists: false,
      bucketSettings: undefined,
      bucketTags: [],
      bucketPolicy: undefined,
      managedPolicy: undefined,
      role: undefined,
      attachedPolicyArns: [],
      bucketKeys: [],
    },
    staging: { user: { tags: [], arn: `arn:aws:iam::${STAGING}:user/StageAdmin` }, inlinePolicy: undefined },
  };
}

/** Both accounts as setup leaves them for this plan: every resource there, tagged as this setup's. */
export function asSetupLeftIt(plan: SetupPlan, tags: Tag[] = xacctTags(plan)): { prod: ProductionState; staging: StagingState } {
  const role = plan.answers.mode === "role";
  return {
    prod: {
      bucketExists: true,
      bucketSettings: { publicAccessBlocked: true, encryption: "AES256", objectOwnership: "BucketOwnerEnforced" },
      bucketTags: tags,
      bucketPolicy: policyDocument(plan.documents.bucketStatements),
      managedPolicy: role
        ? { document: plan.documents.readObjects, defaultVersionId: "v1", versions: [{ id: "v1", isDefault: true, created: 0 }], tags, attachmentCount: 1 }
        : undefined,
      role: role ? { arn: plan.roleArn, trust: plan.documents.trust, tags, maxSessionDuration: plan.answers.maxSessionDuration } : undefined,
      attachedPolicyArns: role ? [plan.policyArn] : [],
      bucketKeys: [],
    },
    staging: { user: { tags: [], arn: `arn:aws:iam::${STAGING}:user/StageAdmin` }, inlinePolicy: plan.documents.stagingPolicy },
  };
}

/** What teardown is asked to remove: the same setup as `plan`. */
export function teardownOf(plan: SetupPlan, more: Partial<TeardownTarget> = {}): TeardownTarget {
  const { answers } = plan;
  return {
    mode: answers.mode,
    partition: plan.partition,
    bucket: answers.bucket,
    roleName: answers.roleName,
    roleArn: plan.roleArn,
    policyName: answers.policyName,
    policyArn: plan.policyArn,
    stagingUser: answers.stagingUser,
    inlinePolicyName: inlinePolicyNameFor(answers),
    bucketStatements: buildBucketStatements(answers, { partition: plan.partition, stagingAccountId: STAGING }),
    deleteObjects: false,
    bucketCreatedByXacct: true,
    ...more,
  };
}

export const noDependents: Dependents = { roleInlinePolicies: [], policyUsedElsewhere: false, userExtras: [], objectCount: 0 };

export const tagsOf = (id: string): Tag[] => [
  { Key: "managed-by", Value: "xacct" },
  { Key: "xacct:setup", Value: id },
];

export { setupId };

/** Another team's statement in a bucket policy or a trust. */
export const othersStatement = (sid: string, action: string, resource?: string): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::333333333333:root" },
  Action: action,
  ...(resource ? { Resource: resource } : {}),
});
