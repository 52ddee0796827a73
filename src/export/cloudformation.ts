/**
 * CloudFormation templates of what setup makes: one for Production (bucket policy, managed
 * policy, role), one for Staging (the user's inline policy), or, for a StackSet over an
 * organizational unit, a Staging template with a group in place of the user. Every document
 * comes from the setup plan rebuilt with `${Parameter}` placeholders, so with the parameters'
 * defaults a stack holds exactly the documents setup writes. Pure: no I/O.
 */
import { mergeOwnedStatements } from "../policy/index.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import { exportParameters, planWithPlaceholders, roleMaxSessionDuration, type ParameterKey } from "./parameters.js";

export type CloudFormationValue = string | number | boolean | null | CloudFormationValue[] | { [key: string]: CloudFormationValue };

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters: Record<string, CloudFormationValue>;
  Conditions?: Record<string, CloudFormationValue>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, CloudFormationValue> }>;
  Outputs?: Record<string, CloudFormationValue>;
}

export const CFN_PARAMETER: Record<ParameterKey, string> = {
  productionAccountId: "ProductionAccountId",
  stagingAccountId: "StagingAccountId",
  bucket: "BucketName",
  roleName: "RoleName",
  policyName: "PolicyName",
  stagingUser: "StagingUser",
};

/** Logical IDs, stable so that updating a stack changes resources in place. */
export const LOGICAL_ID = {
  bucketPolicy: "StagingLocateBucketPolicy",
  readObjects: "ReadObjectsPolicy",
  role: "CrossAccountRole",
  assumeRole: "AssumeRolePolicy",
  assumeRoleGroup: "AssumeRoleGroup",
  assumeRoleManaged: "AssumeRoleManagedPolicy",
} as const;

/** Set ManageBucketPolicy=false when the bucket has a policy of its own (see Description). */
const BUCKET_POLICY_CONDITION = "BucketPolicyManaged";

export function buildProductionTemplate(plan: SetupPlan): CloudFormationTemplate {
  const p = templatePlan(plan);
  const bucketPolicy = mergeOwnedStatements(undefined, [...p.documents.bucketStatements]);
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "xacct, Production account: the role Staging assumes, its read-only managed policy and the bucket-policy statement. " +
      "AWS::S3::BucketPolicy replaces the bucket's WHOLE policy: if the bucket has one, deploy with ManageBucketPolicy=false " +
      "and let `xacct setup` merge its statement.",
    Parameters: {
      ...parameterBlock(plan, ["stagingAccountId", "bucket", "roleName", "policyName"]),
      ManageBucketPolicy: {
        Type: "String",
        AllowedValues: ["true", "false"],
        Default: "true",
        Description: "Whether this stack owns the bucket policy (it then holds only xacct's statement)",
      },
    },
    Conditions: { [BUCKET_POLICY_CONDITION]: { "Fn::Equals": [{ Ref: "ManageBucketPolicy" }, "true"] } },
    Resources: {
      [LOGICAL_ID.bucketPolicy]: {
        Type: "AWS::S3::BucketPolicy",
        Condition: BUCKET_POLICY_CONDITION,
        Properties: { Bucket: ref("bucket"), PolicyDocument: substituted(plan, bucketPolicy) },
      },
      [LOGICAL_ID.readObjects]: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          ManagedPolicyName: ref("policyName"),
          Description: substituted(plan, `xacct: read objects of ${p.answers.bucket}`),
          PolicyDocument: substituted(plan, p.documents.readObjects),
          // The attachment lives here, not in the role's ManagedPolicyArns, so the role can exist first.
          Roles: [{ Ref: LOGICAL_ID.role }],
        },
      },
      [LOGICAL_ID.role]: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: ref("roleName"),
          Description: substituted(plan, `xacct: lets account ${p.accounts.staging.accountId} read ${p.answers.bucket}`),
          AssumeRolePolicyDocument: substituted(plan, p.documents.trust),
          MaxSessionDuration: roleMaxSessionDuration(plan),
          Tags: substituted(plan, xacctTags(p)),
        },
      },
    },
    Outputs: {
      RoleArn: { Description: "The role Staging assumes", Value: { "Fn::GetAtt": [LOGICAL_ID.role, "Arn"] } },
      PolicyArn: { Description: "The managed read-only policy", Value: { Ref: LOGICAL_ID.readObjects } },
    },
  };
}

export function buildStagingTemplate(plan: SetupPlan): CloudFormationTemplate {
  const p = templatePlan(plan);
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "xacct, Staging account: the inline policy that lets one existing user assume the Production role.",
    Parameters: parameterBlock(plan, ["productionAccountId", "roleName", "stagingUser"]),
    Resources: {
      [LOGICAL_ID.assumeRole]: {
        Type: "AWS::IAM::UserPolicy",
        Properties: {
          PolicyName: substituted(plan, p.inlinePolicyName),
          UserName: ref("stagingUser"),
          PolicyDocument: substituted(plan, p.documents.stagingPolicy),
        },
      },
    },
  };
}

/**
 * For a service-managed StackSet: every account of the OU gets the same stack, but their
 * users differ, so the template names no user. It makes a managed policy (the same document
 * as the user's inline policy) attached to a group; each account's admins put their users in
 * the group, and can attach the policy to roles or permission sets too.
 */
export function buildStagingStackSetTemplate(plan: SetupPlan): CloudFormationTemplate {
  const p = templatePlan(plan);
  const name = substituted(plan, p.inlinePolicyName);
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "xacct, Staging accounts of an organizational unit (service-managed StackSet): a group whose members may assume the Production role. " +
      "Add users to the group; the Production role's trust policy must also admit their account.",
    Parameters: parameterBlock(plan, ["productionAccountId", "roleName"]),
    Resources: {
      [LOGICAL_ID.assumeRoleGroup]: { Type: "AWS::IAM::Group", Properties: { GroupName: name } },
      [LOGICAL_ID.assumeRoleManaged]: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          ManagedPolicyName: name,
          Description: substituted(plan, `xacct: may assume ${p.roleArn}`),
          PolicyDocument: substituted(plan, p.documents.stagingPolicy),
          Groups: [{ Ref: LOGICAL_ID.assumeRoleGroup }],
        },
      },
    },
    Outputs: { GroupName: { Description: "Put Staging users in this group", Value: { Ref: LOGICAL_ID.assumeRoleGroup } } },
  };
}

/** The plan with `${Parameter}` placeholders, e.g. `${BucketName}` for the bucket. */
function templatePlan(plan: SetupPlan): SetupPlan {
  return planWithPlaceholders(plan, (key) => `\${${CFN_PARAMETER[key]}}`);
}

function parameterBlock(plan: SetupPlan, keys: ParameterKey[]): Record<string, CloudFormationValue> {
  const all = exportParameters(plan);
  return Object.fromEntries(
    keys.map((key) => [
      CFN_PARAMETER[key],
      { Type: "String", Default: all[key].value, AllowedPattern: all[key].pattern, Description: all[key].description },
    ]),
  );
}

function ref(key: ParameterKey): CloudFormationValue {
  return { Ref: CFN_PARAMETER[key] };
}

/**
 * Turns placeholders into intrinsic functions: a string that is one placeholder becomes a
 * Ref, one that contains some becomes Fn::Sub, and an ARN's partition becomes
 * ${AWS::Partition} so the template deploys in any partition. Other values stay as they are.
 */
function substituted(plan: SetupPlan, value: unknown): CloudFormationValue {
  if (typeof value === "string") {
    const text = value.startsWith(`arn:${plan.partition}:`) ? `arn:\${AWS::Partition}:${value.slice(`arn:${plan.partition}:`.length)}` : value;
    const whole = /^\$\{([A-Za-z0-9]+)\}$/.exec(text);
    if (whole) return { Ref: whole[1]! };
    return text.includes("${") ? { "Fn::Sub": text } : text;
  }
  if (Array.isArray(value)) return value.map((item) => substituted(plan, item));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituted(plan, item)]));
  }
  return value as CloudFormationValue;
}
