/**
 * The policy documents inside exported templates, resolved with the parameters' defaults,
 * next to the documents setup writes for the same plan. `xacct export` refuses to write
 * templates whose documents differ, and the tests compare the same pairs. Pure: no I/O.
 */
import { XacctError } from "../errors.js";
import type { Partition, PolicyDocument } from "../policy/index.js";
import type { SetupPlan } from "../plan.js";
import { cloudFormationFragments, STACKSET_LOGICAL_ID, type CloudFormationTemplate } from "./cloudformation.js";
import { terraformFragments, type TerraformFile } from "./terraform.js";

export interface DocumentPair {
  /** Which document, e.g. "trust" (named by its kind's module). */
  name: string;
  /** Where it sits in the export, e.g. `production.json: CrossAccountRole`. */
  location: string;
  exported: unknown;
  expected: PolicyDocument;
}

/** Values of the template's parameters (their defaults) and of the pseudo parameters used. */
export function cloudFormationDefaults(template: CloudFormationTemplate, partition: Partition): Record<string, string> {
  const values: Record<string, string> = { "AWS::Partition": partition };
  for (const [name, parameter] of Object.entries(template.Parameters)) {
    const fallback = (parameter as { Default?: unknown }).Default;
    if (typeof fallback === "string") values[name] = fallback;
  }
  return values;
}

/** Evaluates Ref and Fn::Sub against `values`, as CloudFormation would; nothing else is used in documents. */
export function resolveCloudFormation(value: unknown, values: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveCloudFormation(item, values));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only && only[0] === "Ref" && typeof only[1] === "string") return lookup(values, only[1]);
  if (entries.length === 1 && only && only[0] === "Fn::Sub" && typeof only[1] === "string") {
    return only[1].replace(/\$\{([A-Za-z0-9:]+)\}/g, (_match, name: string) => lookup(values, name));
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveCloudFormation(item, values)]));
}

/** Replaces `${var.NAME}` with the variables' defaults. */
export function resolveTerraform(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{var\.([a-z_]+)\}/g, (_match, name: string) => lookup(variables, name));
}

export function terraformDefaults(variablesFile: TerraformFile): Record<string, string> {
  const blocks = (variablesFile["variable"] ?? {}) as Record<string, { default?: unknown }>;
  return Object.fromEntries(Object.entries(blocks).flatMap(([name, block]) => (typeof block.default === "string" ? [[name, block.default]] : [])));
}

/** The pairs of the CloudFormation templates (either Staging template). */
export function cloudFormationPairs(plan: SetupPlan, production: CloudFormationTemplate, staging: CloudFormationTemplate, stagingFile: string): DocumentPair[] {
  const templates = { production: { template: production, file: "production.json" }, staging: { template: staging, file: stagingFile } };
  return cloudFormationFragments(plan).flatMap((fragment) => {
    if (!fragment.document) return [];
    const { template, file } = templates[fragment.template];
    // A StackSet's Staging template holds the user's document in a group's managed policy.
    const id = template.Resources[fragment.logicalId] || fragment.template !== "staging" ? fragment.logicalId : STACKSET_LOGICAL_ID.assumeRoleManaged;
    const exported = resolveCloudFormation(template.Resources[id]?.Properties[fragment.document.field], cloudFormationDefaults(template, plan.partition));
    return [{ name: fragment.document.name, location: `${file}: ${id}`, exported, expected: fragment.document.expected }];
  });
}

export function terraformPairs(plan: SetupPlan, files: Record<string, TerraformFile>, leftOut: ReadonlySet<string> = new Set()): DocumentPair[] {
  const variables = terraformDefaults(files["variables.tf.json"] ?? {});
  return terraformFragments(plan, leftOut).flatMap((fragment) => {
    if (!fragment.document) return [];
    const resources = (files[fragment.file]?.["resource"] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    const text = resources[fragment.type]?.[fragment.name]?.[fragment.document.field];
    const exported = typeof text === "string" ? JSON.parse(resolveTerraform(text, variables)) : text;
    return [{ name: fragment.document.name, location: `${fragment.file}: ${fragment.type}.${fragment.name}`, exported, expected: fragment.document.expected }];
  });
}

/** Same JSON text, key order included: what "byte-for-byte as JSON objects" means. */
export function assertSameDocuments(pairs: DocumentPair[]): void {
  const differing = pairs.filter((pair) => JSON.stringify(pair.exported) !== JSON.stringify(pair.expected));
  if (differing.length === 0) return;
  throw new XacctError(`The exported ${differing.map((p) => p.location).join(", ")} would not match what setup writes; nothing was written.`, {
    hint: "This is a bug in xacct's export; run again with --debug and report the output.",
  });
}

function lookup(values: Record<string, string>, name: string): string {
  const value = values[name];
  if (value === undefined)
    throw new XacctError(`An exported template refers to ${name}, which has no value.`, { hint: "This is a bug in xacct's export; please report it." });
  return value;
}
