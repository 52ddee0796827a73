/**
 * Terraform (JSON syntax, `.tf.json`) of what setup makes, for both accounts in one
 * configuration: a provider alias per account, variables for the accounts, bucket and names,
 * and only the AWS provider's documented resources. Policies are JSON strings with
 * `${var.…}` interpolations, built from the setup plan rebuilt with those placeholders, so
 * with the variables' defaults they are exactly the documents setup writes. Pure: no I/O.
 */
import { mergeOwnedStatements } from "../policy/index.js";
import { xacctTags, type SetupPlan } from "../plan.js";
import { exportParameters, planWithPlaceholders, roleMaxSessionDuration, type ParameterKey } from "./parameters.js";

export type TerraformFile = Record<string, unknown>;

export const TF_VARIABLE: Record<ParameterKey, string> = {
  productionAccountId: "production_account_id",
  stagingAccountId: "staging_account_id",
  bucket: "bucket",
  roleName: "role_name",
  policyName: "policy_name",
  stagingUser: "staging_user",
};

/** Resource names, stable so that a later export plans an in-place update. */
export const TF_RESOURCE = {
  bucketPolicy: "xacct_staging_locate",
  readObjects: "read_objects",
  role: "cross_account",
  attachment: "read_objects",
  assumeRole: "xacct_assume_role",
} as const;

export const BUCKET_POLICY_WARNING =
  "aws_s3_bucket_policy replaces the bucket's WHOLE policy with this one, which holds only xacct's statement. " +
  "If the bucket already has a policy, add that policy's statements here first, or leave this resource out and let `xacct setup` merge the statement.";

export function buildTerraformFiles(plan: SetupPlan): Record<string, TerraformFile> {
  return {
    "variables.tf.json": variablesFile(plan),
    "providers.tf.json": providersFile(),
    "production.tf.json": productionFile(plan),
    "staging.tf.json": stagingFile(plan),
  };
}

function variablesFile(plan: SetupPlan): TerraformFile {
  const variable: Record<string, unknown> = {};
  for (const parameter of Object.values(exportParameters(plan))) {
    variable[TF_VARIABLE[parameter.key]] = { type: "string", description: parameter.description, default: parameter.value };
  }
  const { productionProfile, stagingProfile, region } = plan.answers;
  variable["production_profile"] = { type: "string", description: "AWS profile with admin credentials in Production", default: productionProfile };
  variable["staging_profile"] = { type: "string", description: "AWS profile with admin credentials in Staging", default: stagingProfile };
  variable["region"] = { type: "string", description: "Region of the bucket", default: region };
  return { variable };
}

/** allowed_account_ids makes Terraform refuse a profile that belongs to the wrong account. */
function providersFile(): TerraformFile {
  const provider = (alias: string, profile: string, account: string) => ({
    alias,
    profile: `\${var.${profile}}`,
    region: "${var.region}",
    allowed_account_ids: [`\${var.${account}}`],
  });
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: ">= 4.0" } } },
    provider: {
      aws: [provider("production", "production_profile", "production_account_id"), provider("staging", "staging_profile", "staging_account_id")],
    },
  };
}

function productionFile(plan: SetupPlan): TerraformFile {
  const p = terraformPlan(plan);
  const tags = Object.fromEntries(xacctTags(p).map((tag) => [tag.Key, tag.Value]));
  return {
    resource: {
      aws_s3_bucket_policy: {
        [TF_RESOURCE.bucketPolicy]: {
          "//": BUCKET_POLICY_WARNING,
          provider: "aws.production",
          bucket: p.answers.bucket,
          policy: JSON.stringify(mergeOwnedStatements(undefined, [...p.documents.bucketStatements])),
        },
      },
      aws_iam_policy: {
        [TF_RESOURCE.readObjects]: {
          provider: "aws.production",
          name: p.answers.policyName,
          description: `xacct: read objects of ${p.answers.bucket}`,
          policy: JSON.stringify(p.documents.readObjects),
          tags,
        },
      },
      aws_iam_role: {
        [TF_RESOURCE.role]: {
          provider: "aws.production",
          name: p.answers.roleName,
          description: `xacct: lets account ${p.accounts.staging.accountId} read ${p.answers.bucket}`,
          assume_role_policy: JSON.stringify(p.documents.trust),
          max_session_duration: roleMaxSessionDuration(plan),
          tags,
        },
      },
      aws_iam_role_policy_attachment: {
        [TF_RESOURCE.attachment]: {
          provider: "aws.production",
          role: `\${aws_iam_role.${TF_RESOURCE.role}.name}`,
          policy_arn: `\${aws_iam_policy.${TF_RESOURCE.readObjects}.arn}`,
        },
      },
    },
  };
}

function stagingFile(plan: SetupPlan): TerraformFile {
  const p = terraformPlan(plan);
  return {
    resource: {
      aws_iam_user_policy: {
        [TF_RESOURCE.assumeRole]: {
          provider: "aws.staging",
          name: p.inlinePolicyName,
          user: p.answers.stagingUser,
          policy: JSON.stringify(p.documents.stagingPolicy),
        },
      },
    },
  };
}

/** The plan with `${var.…}` placeholders, e.g. `${var.bucket}` for the bucket. */
function terraformPlan(plan: SetupPlan): SetupPlan {
  return planWithPlaceholders(plan, (key) => `\${var.${TF_VARIABLE[key]}}`);
}
