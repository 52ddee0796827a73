/**
 * The policy documents inside exported templates, resolved with the parameters' defaults,
 * next to the documents setup writes for the same plan. `xacct export` refuses to write
 * templates whose documents differ, and the tests compare the same pairs. Pure: no I/O.
 */
import { XacctError } from "../errors.js";
import { mergeOwnedStatements, type Partition, type PolicyDocument } from "../policy/index.js";
import type { SetupPlan } from "../plan.js";
import { LOGICAL_ID, type CloudFormationTemplate } from "./cloudformation.js";
import { TF_RESOURCE, type TerraformFile } from "./terraform.js";

export type DocumentName = "bucketPolicy" | "readObjects" | "trust" | "assumeRole";

export interface DocumentPair {
  name: DocumentName;
  /** Where it sits in the export, e.g. `production.json: CrossAccountRole`. */
  location: string;
  exported: unknown;
  expected: PolicyDocument;
}

/** What setup writes: the bucket policy as setup makes it for a bucket without one. */
export function setupDocuments(plan: SetupPlan): Record<DocumentName, PolicyDocument> {
  return {
    bucketPolicy: mergeOwnedStatements(undefined, [...plan.documents.bucketStatements]),
    readObjects: plan.documents.readObjects,
    trust: plan.documents.trust,
    assumeRole: plan.documents.stagingPolicy,
  };
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
  const expected = setupDocuments(plan);
  const document = (template: CloudFormationTemplate, id: string, property: string) =>
    resolveCloudFormation(template.Resources[id]?.Properties[property], cloudFormationDefaults(template, plan.partition));
  const stagingId = staging.Resources[LOGICAL_ID.assumeRole] ? LOGICAL_ID.assumeRole : LOGICAL_ID.assumeRoleManaged;
  return [
    { name: "bucketPolicy", location: `production.json: ${LOGICAL_ID.bucketPolicy}`, exported: document(production, LOGICAL_ID.bucketPolicy, "PolicyDocument"), expected: expected.bucketPolicy },
    { name: "readObjects", location: `production.json: ${LOGICAL_ID.readObjects}`, exported: document(production, LOGICAL_ID.readObjects, "PolicyDocument"), expected: expected.readObjects },
    { name: "trust", location: `production.json: ${LOGICAL_ID.role}`, exported: document(production, LOGICAL_ID.role, "AssumeRolePolicyDocument"), expected: expected.trust },
    { name: "assumeRole", location: `${stagingFile}: ${stagingId}`, exported: document(staging, stagingId, "PolicyDocument"), expected: expected.assumeRole },
  ];
}

export function terraformPairs(plan: SetupPlan, files: Record<string, TerraformFile>): DocumentPair[] {
  const expected = setupDocuments(plan);
  const variables = terraformDefaults(files["variables.tf.json"] ?? {});
  const policy = (file: string, type: string, name: string, attribute: string) => {
    const resources = (files[file]?.["resource"] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    const text = resources[type]?.[name]?.[attribute];
    return typeof text === "string" ? JSON.parse(resolveTerraform(text, variables)) : text;
  };
  return [
    { name: "bucketPolicy", location: `production.tf.json: aws_s3_bucket_policy.${TF_RESOURCE.bucketPolicy}`, exported: policy("production.tf.json", "aws_s3_bucket_policy", TF_RESOURCE.bucketPolicy, "policy"), expected: expected.bucketPolicy },
    { name: "readObjects", location: `production.tf.json: aws_iam_policy.${TF_RESOURCE.readObjects}`, exported: policy("production.tf.json", "aws_iam_policy", TF_RESOURCE.readObjects, "policy"), expected: expected.readObjects },
    { name: "trust", location: `production.tf.json: aws_iam_role.${TF_RESOURCE.role}`, exported: policy("production.tf.json", "aws_iam_role", TF_RESOURCE.role, "assume_role_policy"), expected: expected.trust },
    { name: "assumeRole", location: `staging.tf.json: aws_iam_user_policy.${TF_RESOURCE.assumeRole}`, exported: policy("staging.tf.json", "aws_iam_user_policy", TF_RESOURCE.assumeRole, "policy"), expected: expected.assumeRole },
  ];
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
  if (value === undefined) throw new XacctError(`An exported template refers to ${name}, which has no value.`, { hint: "This is a bug in xacct's export; please report it." });
  return value;
}
