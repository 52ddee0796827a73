/**
 * Terraform (JSON syntax, `.tf.json`) of what setup makes, for both accounts in one
 * configuration: a provider alias per account, variables for the accounts, bucket and names,
 * and only the AWS provider's documented resources, each from its kind's module (resources/).
 * Policies are JSON strings with `${var.…}` interpolations, built from the setup plan rebuilt
 * with those placeholders, so with the variables' defaults they are exactly the documents
 * setup writes. Pure: no I/O.
 */
import type { SetupPlan } from "../plan.js";
import { SETUP_ORDER } from "../resources/index.js";
import type { TerraformFragment } from "../resources/resource.js";
import { exportParameters, planWithPlaceholders, type ParameterKey } from "./parameters.js";

export type TerraformFile = Record<string, unknown>;

export const TF_VARIABLE: Record<ParameterKey, string> = {
  productionAccountId: "production_account_id",
  stagingAccountId: "staging_account_id",
  bucket: "bucket",
  roleName: "role_name",
  policyName: "policy_name",
  stagingUser: "staging_user",
};

export { BUCKET_POLICY_WARNING } from "../resources/bucket-policy.js";

/** `leftOut`: kinds whose resources the export leaves out (they hold what is not this setup's). */
export function buildTerraformFiles(plan: SetupPlan, leftOut: ReadonlySet<string> = new Set()): Record<string, TerraformFile> {
  return {
    "variables.tf.json": variablesFile(plan),
    "providers.tf.json": providersFile(),
    "production.tf.json": resourcesFile(plan, "production.tf.json", leftOut),
    "staging.tf.json": resourcesFile(plan, "staging.tf.json", leftOut),
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

/** Every kind's Terraform resources for one file, grouped by resource type in setup's order. */
export function terraformFragments(plan: SetupPlan, leftOut: ReadonlySet<string> = new Set()): TerraformFragment[] {
  const view = { templated: terraformPlan(plan), plan };
  return SETUP_ORDER.filter((kind) => !leftOut.has(kind.id)).flatMap((kind) =>
    (kind.terraform?.(view) ?? []).map((fragment) => ({ ...fragment, kind: kind.id })),
  );
}

function resourcesFile(plan: SetupPlan, file: TerraformFragment["file"], leftOut: ReadonlySet<string>): TerraformFile {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const fragment of terraformFragments(plan, leftOut).filter((f) => f.file === file)) {
    (resource[fragment.type] ??= {})[fragment.name] = fragment.body;
  }
  return { resource };
}

/** The plan with `${var.…}` placeholders, e.g. `${var.bucket}` for the bucket. */
export function terraformPlan(plan: SetupPlan): SetupPlan {
  return planWithPlaceholders(plan, (key) => `\${var.${TF_VARIABLE[key]}}`);
}
