/**
 * CloudFormation templates of what setup makes: one for Production (bucket policy, managed
 * policy, role), one for Staging (the user's inline policy), or, for a StackSet over an
 * organizational unit, a Staging template with a group in place of the user. Every document
 * comes from the setup plan rebuilt with `${Parameter}` placeholders, so with the parameters'
 * defaults a stack holds exactly the documents setup writes. Pure: no I/O.
 */
import type { SetupPlan } from "../plan.js";
import { SETUP_ORDER } from "../resources/index.js";
import { BUCKET_POLICY_CONDITION } from "../resources/bucket-policy.js";
import { keyPolicyNote } from "../resources/key-policy.js";
import { EXPORT_NAME as POLICY_NAME } from "../resources/managed-policy.js";
import type { CloudFormationFragment } from "../resources/resource.js";
import { EXPORT_NAME as ROLE_NAME } from "../resources/role.js";
import { exportParameters, planWithPlaceholders, type ParameterKey } from "./parameters.js";

export type CloudFormationValue = string | number | boolean | null | CloudFormationValue[] | { [key: string]: CloudFormationValue };

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters: Record<string, CloudFormationValue>;
  Conditions?: Record<string, CloudFormationValue>;
  Resources: Record<
    string,
    { Type: string; Condition?: string; DeletionPolicy?: "Retain"; UpdateReplacePolicy?: "Retain"; Properties: Record<string, CloudFormationValue> }
  >;
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

/** Logical IDs of the StackSet's Staging template, stable so that updating a stack changes resources in place. */
export const STACKSET_LOGICAL_ID = { assumeRoleGroup: "AssumeRoleGroup", assumeRoleManaged: "AssumeRoleManagedPolicy" } as const;

/** Every kind's resources for one template, in setup's order, placeholders turned into Ref and Fn::Sub. */
export function cloudFormationFragments(plan: SetupPlan): CloudFormationFragment[] {
  const view = { templated: templatePlan(plan), plan };
  return SETUP_ORDER.flatMap((kind) => (kind.cloudformation?.(view) ?? []).map((fragment) => ({ ...fragment, kind: kind.id })));
}

function resourcesOf(plan: SetupPlan, template: CloudFormationFragment["template"]): CloudFormationTemplate["Resources"] {
  const fragments = cloudFormationFragments(plan).filter((f) => f.template === template);
  return Object.fromEntries(
    fragments.map((f) => [f.logicalId, { ...f.resource, Properties: substituted(plan, f.resource.Properties) as Record<string, CloudFormationValue> }]),
  );
}

/** `manageBucketPolicy`: ManageBucketPolicy's default; false when the bucket's policy holds statements that are not this setup's. */
export function buildProductionTemplate(plan: SetupPlan, manageBucketPolicy = true): CloudFormationTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "xacct, Production account: the role Staging assumes, its read-only managed policy and the bucket-policy statement. " +
      "AWS::S3::BucketPolicy replaces the bucket's WHOLE policy: if the bucket has one, deploy with ManageBucketPolicy=false " +
      "and let `xacct setup` merge its statement." +
      keyPolicyNote(plan)
        .map((note) => ` ${note}`)
        .join(""),
    Parameters: {
      ...parameterBlock(plan, ["stagingAccountId", "bucket", "roleName", "policyName"]),
      ManageBucketPolicy: {
        Type: "String",
        AllowedValues: ["true", "false"],
        Default: manageBucketPolicy ? "true" : "false",
        Description: "Whether this stack owns the bucket policy (it then holds only xacct's statement)",
      },
    },
    Conditions: { [BUCKET_POLICY_CONDITION]: { "Fn::Equals": [{ Ref: "ManageBucketPolicy" }, "true"] } },
    Resources: resourcesOf(plan, "production"),
    Outputs: {
      RoleArn: { Description: "The role Staging assumes", Value: { "Fn::GetAtt": [ROLE_NAME.cloudformation, "Arn"] } },
      PolicyArn: { Description: "The managed read-only policy", Value: { Ref: POLICY_NAME.cloudformation } },
    },
  };
}

export function buildStagingTemplate(plan: SetupPlan): CloudFormationTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "xacct, Staging account: the inline policy that lets one existing user assume the Production role.",
    Parameters: parameterBlock(plan, ["productionAccountId", "roleName", "stagingUser"]),
    Resources: resourcesOf(plan, "staging"),
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
      [STACKSET_LOGICAL_ID.assumeRoleGroup]: { Type: "AWS::IAM::Group", Properties: { GroupName: name } },
      [STACKSET_LOGICAL_ID.assumeRoleManaged]: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          ManagedPolicyName: name,
          Description: substituted(plan, `xacct: may assume ${p.roleArn}`),
          PolicyDocument: substituted(plan, p.documents.stagingPolicy),
          Groups: [{ Ref: STACKSET_LOGICAL_ID.assumeRoleGroup }],
        },
      },
    },
    Outputs: { GroupName: { Description: "Put Staging users in this group", Value: { Ref: STACKSET_LOGICAL_ID.assumeRoleGroup } } },
  };
}

/** The plan with `${Parameter}` placeholders, e.g. `${BucketName}` for the bucket. */
function templatePlan(plan: SetupPlan): SetupPlan {
  return planWithPlaceholders(plan, (key) => `\${${CFN_PARAMETER[key]}}`);
}

function parameterBlock(plan: SetupPlan, keys: ParameterKey[]): Record<string, CloudFormationValue> {
  const all = exportParameters(plan);
  return Object.fromEntries(
    keys.map((key) => [CFN_PARAMETER[key], { Type: "String", Default: all[key].value, AllowedPattern: all[key].pattern, Description: all[key].description }]),
  );
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
