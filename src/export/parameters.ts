/**
 * The values an exported template takes as parameters, and the setup plan rebuilt with a
 * placeholder in place of each. Building the template's documents through buildSetupPlan
 * itself (not a copy of it) is what keeps them identical to setup's: substitute the
 * parameters' defaults back in and you get the plan's documents. Pure: no I/O.
 */
import { buildSetupPlan, type SetupPlan } from "../plan.js";
import { awsPrincipals, roleArn } from "../policy/index.js";

export type ParameterKey = "productionAccountId" | "stagingAccountId" | "bucket" | "roleName" | "policyName" | "stagingUser";

export interface ExportParameter {
  key: ParameterKey;
  description: string;
  /** The plan's value: the default, so a deploy without overrides matches setup. */
  value: string;
  /** A regular expression the value must match (the same rules xacct's input checks apply). */
  pattern: string;
}

const IAM_NAME = "^[\\w+=,.@-]+$";

export function exportParameters(plan: SetupPlan): Record<ParameterKey, ExportParameter> {
  const { answers, accounts } = plan;
  const parameter = (key: ParameterKey, description: string, value: string, pattern: string): ExportParameter => ({ key, description, value, pattern });
  return {
    productionAccountId: parameter(
      "productionAccountId",
      "The Production account, which owns the bucket and the role",
      accounts.production.accountId,
      "^\\d{12}$",
    ),
    stagingAccountId: parameter("stagingAccountId", "The Staging account, whose principals may assume the role", accounts.staging.accountId, "^\\d{12}$"),
    bucket: parameter("bucket", "The Production bucket Staging reads from (it must exist)", answers.bucket, "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
    roleName: parameter("roleName", "The role in Production that Staging assumes", answers.roleName, IAM_NAME),
    policyName: parameter("policyName", "The managed policy allowing s3:GetObject on the bucket's objects", answers.policyName, IAM_NAME),
    stagingUser: parameter("stagingUser", "The existing Staging user allowed to assume the role", answers.stagingUser, IAM_NAME),
  };
}

/**
 * The same plan with `placeholder(key)` wherever a parameter's value would be. Other answers
 * (region, profiles) are kept: they decide the partition and the providers, not documents.
 */
export function planWithPlaceholders(plan: SetupPlan, placeholder: (key: ParameterKey) => string): SetupPlan {
  const role = roleArn(plan.partition, placeholder("productionAccountId"), placeholder("roleName"));
  // The key policies' statements name the role: by its placeholders too. The keys are not parameters.
  const kms = plan.kms && {
    decrypt: plan.kms.decrypt,
    keyStatements: plan.kms.keyStatements.map((s) =>
      awsPrincipals(s.statement)?.includes(plan.roleArn) ? { ...s, statement: { ...s.statement, Principal: { AWS: role } } } : s,
    ),
  };
  const templated = buildSetupPlan(
    {
      ...plan.answers,
      bucket: placeholder("bucket"),
      roleName: placeholder("roleName"),
      policyName: placeholder("policyName"),
      stagingUser: placeholder("stagingUser"),
    },
    {
      production: { accountId: placeholder("productionAccountId"), arn: "", ownedBuckets: new Set() },
      staging: { accountId: placeholder("stagingAccountId"), arn: "" },
    },
    undefined,
    kms,
  );
  // Statements' Sids name the setup (a digest of its id), which no template parameter can compute: keep the plan's.
  const bucketStatements = templated.documents.bucketStatements.map((statement, index) => ({ ...statement, Sid: plan.documents.bucketStatements[index]?.Sid }));
  const trust = {
    ...templated.documents.trust,
    Statement: templated.documents.trust.Statement.map((statement, index) => ({ ...statement, Sid: plan.documents.trust.Statement[index]?.Sid })),
  };
  return { ...templated, documents: { ...templated.documents, bucketStatements, trust } };
}
