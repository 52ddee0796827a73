/**
 * Export after setup: the resources exist already, and applying an export that creates them
 * again fails (EntityAlreadyExists). What exists is adopted instead: Terraform gets `import`
 * blocks (Terraform 1.5 and later), CloudFormation a list for an IMPORT change set, with those
 * resources marked DeletionPolicy Retain as CloudFormation's import requires. Each kind says
 * whether it exists and the ids it is imported by (resources/*.ts, `adoption`). Pure.
 */
import { setupId, type SetupPlan } from "../plan.js";
import { SETUP_ORDER } from "../resources/index.js";
import type { Adoption, ExistingView } from "../resources/resource.js";
import { cloudFormationFragments, type CloudFormationTemplate } from "./cloudformation.js";
import { exportParameters } from "./parameters.js";
import { TF_VARIABLE, terraformFragments, type TerraformFile } from "./terraform.js";

export interface KindAdoption extends Adoption {
  kind: string;
}

/**
 * Every exported kind's resource: whether it exists, and its ids: this setup's own names, so the
 * import blocks adopt this setup's resources and nothing else (a guard in the same file makes
 * `terraform plan` fail when a variable no longer names them: importGuard).
 */
export function adoptionsOf(view: ExistingView): KindAdoption[] {
  return SETUP_ORDER.flatMap((kind) => (kind.adoption ? [{ ...kind.adoption(view), kind: kind.id }] : []));
}

/** Kinds export leaves out: their resource holds statements that are not this setup's. */
export function leftOutKinds(adoptions: readonly KindAdoption[]): Set<string> {
  return new Set(adoptions.filter((a) => (a.othersStatements ?? []).length > 0).map((a) => a.kind));
}

export const TERRAFORM_IMPORTS_FILE = "imports.tf.json";
// Import blocks with a provider: Terraform 1.5; an output's precondition: 1.2.
export const TERRAFORM_IMPORT_VERSION = ">= 1.5.0";
export const TERRAFORM_IMPORT_GUARD = "xacct_imports_guard";

/** What imports.tf.json says, in export's output and in its guard's error. */
export function importGuardSentence(plan: SetupPlan): string {
  return `${TERRAFORM_IMPORTS_FILE} adopts setup ${setupId(plan.answers)}'s resources`;
}

/**
 * An output whose precondition fails `terraform plan` when a variable the resources are named by
 * differs from the exported value: with `-var bucket=…` the literal import ids would adopt this
 * setup's resources into a configuration describing another, and other ids another setup's.
 */
function importGuard(plan: SetupPlan): Record<string, unknown> {
  const parameters = Object.values(exportParameters(plan));
  const condition = parameters.map((p) => `var.${TF_VARIABLE[p.key]} == ${JSON.stringify(p.value)}`).join(" && ");
  const values = parameters.map((p) => `${TF_VARIABLE[p.key]} = ${p.value}`).join(", ");
  return {
    [TERRAFORM_IMPORT_GUARD]: {
      description: `The setup ${TERRAFORM_IMPORTS_FILE} adopts`,
      value: setupId(plan.answers),
      precondition: [
        {
          condition: `\${${condition}}`,
          error_message: `${importGuardSentence(plan)}, exported with ${values}; a variable differs. Apply with the exported values, or delete ${TERRAFORM_IMPORTS_FILE} to create a new setup under other names.`,
        },
      ],
    },
  };
}

export interface ImportBlock {
  to: string;
  id: string;
  provider: string;
}

/** Terraform's `import` blocks for what exists, each with its resource's provider; undefined when nothing does. */
export function terraformImports(plan: SetupPlan, adoptions: readonly KindAdoption[]): TerraformFile | undefined {
  const existing = new Map(adoptions.filter((a) => a.exists).map((a) => [a.kind, a]));
  const blocks: ImportBlock[] = terraformFragments(plan, leftOutKinds(adoptions)).flatMap((fragment) => {
    const adoption = fragment.kind === undefined ? undefined : existing.get(fragment.kind);
    return adoption ? [{ to: `${fragment.type}.${fragment.name}`, id: adoption.terraformId, provider: String(fragment.body["provider"]) }] : [];
  });
  return blocks.length === 0 ? undefined : { terraform: { required_version: TERRAFORM_IMPORT_VERSION }, import: blocks, output: importGuard(plan) };
}

/** One entry of `aws cloudformation create-change-set --resources-to-import`. */
export interface ResourceToImport {
  ResourceType: string;
  LogicalResourceId: string;
  ResourceIdentifier: Record<string, string>;
}

export interface CloudFormationImports {
  toImport: ResourceToImport[];
  /** Every resource of the template exists: one IMPORT change set of the whole template adopts them all. */
  complete: boolean;
}

/** What a template's IMPORT change set adopts. `template`: production or staging (a StackSet's Staging template makes a group, never imported). */
export function cloudFormationImports(plan: SetupPlan, adoptions: readonly KindAdoption[], template: "production" | "staging"): CloudFormationImports {
  const byKind = new Map(adoptions.map((a) => [a.kind, a]));
  // A resource left out is not made under the template's defaults (ManageBucketPolicy=false): nothing to import or create.
  const leftOut = leftOutKinds(adoptions);
  const fragments = cloudFormationFragments(plan).filter((f) => f.template === template && (f.kind === undefined || !leftOut.has(f.kind)));
  const toImport = fragments.flatMap((fragment) => {
    const adoption = fragment.kind === undefined ? undefined : byKind.get(fragment.kind);
    if (!adoption?.exists || !adoption.cloudformationId) return [];
    return [{ ResourceType: fragment.resource.Type, LogicalResourceId: fragment.logicalId, ResourceIdentifier: adoption.cloudformationId }];
  });
  return { toImport, complete: toImport.length === fragments.length };
}

/** The template with the resources to import marked Retain: CloudFormation imports only resources with a DeletionPolicy. */
export function retainingImported(template: CloudFormationTemplate, imports: CloudFormationImports): CloudFormationTemplate {
  const ids = new Set(imports.toImport.map((r) => r.LogicalResourceId));
  const resources = Object.fromEntries(
    Object.entries(template.Resources).map(([id, resource]) => [
      id,
      ids.has(id) ? { ...resource, DeletionPolicy: "Retain" as const, UpdateReplacePolicy: "Retain" as const } : resource,
    ]),
  );
  return { ...template, Resources: resources };
}

/** The lines export prints: what exists (adopted), what does not (created); what is left out says so itself (ownership.ts). */
export function adoptionLines(adoptions: readonly KindAdoption[], how: string): string[] {
  const leftOut = leftOutKinds(adoptions);
  const exists = adoptions.filter((a) => a.exists && !leftOut.has(a.kind)).map((a) => a.resource);
  const missing = adoptions.filter((a) => !a.exists && !leftOut.has(a.kind)).map((a) => a.resource);
  if (exists.length === 0) return ["None of these resources exist yet: applying the export creates them."];
  return [
    `These exist already, so ${how}: ${exists.join(", ")}.`,
    ...(missing.length > 0 ? [`These are not there yet, so applying creates them: ${missing.join(", ")}.`] : []),
  ];
}
