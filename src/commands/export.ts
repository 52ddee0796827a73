/**
 * `xacct export`: writes what setup makes as CloudFormation templates or Terraform files, for
 * teams that deploy through infrastructure as code or to many accounts. It reads the two
 * account IDs (GetCallerIdentity) and writes nothing to AWS. The documents come from the same
 * plan as setup's and are checked against it before any file is written.
 */
import { constants } from "node:fs";
import { lstat, open, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { clientsFor, type AwsClients } from "../aws/clients.js";
import { readBucketEncryption } from "../aws/kms.js";
import { keyPolicyNote, planKms, readBucketKeys } from "../resources/key-policy.js";
import type { BucketKeyState } from "../resources/state.js";
import { makeDirectory } from "../make-directory.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { invalidInput, XacctError } from "../errors.js";
import { buildProductionTemplate, buildStagingStackSetTemplate, buildStagingTemplate } from "../export/cloudformation.js";
import { assertSameDocuments, cloudFormationPairs, terraformPairs, type DocumentPair } from "../export/documents.js";
import { refuseSharedOutDir } from "../export/out-dir.js";
import {
  adoptionLines,
  adoptionsOf,
  cloudFormationImports,
  leftOutKinds,
  retainingImported,
  terraformImports,
  importGuardSentence,
  TERRAFORM_IMPORTS_FILE,
  type CloudFormationImports,
  type KindAdoption,
} from "../export/adopt.js";
import { readExisting } from "../export/existing.js";
import { leftOutLines, refuseForeignAdoption } from "../export/ownership.js";
import { stackCommands } from "../export/import-steps.js";
import { stackNameFor, stackSetCommands } from "../export/stackset.js";
import { displayShellWord } from "../shell-words.js";
import { checkOuId } from "../validate/index.js";
import { ONE_HOUR_SECONDS } from "../session-duration.js";
import { BUCKET_POLICY_WARNING, buildTerraformFiles } from "../export/terraform.js";
import { buildSetupPlan, type SetupPlan } from "../plan.js";
import { identifySetupProfiles } from "../setups/accounts.js";
import { resolveSetup } from "../setups/resolve.js";
import { loadSetups, setupIdOf, type SetupState } from "../state.js";
import type { TrustHardening } from "../policy/index.js";
import type { CommandContext } from "./context.js";
import { resolveTarget, setupRequestOf, type Target, type TargetOptions } from "../setups/target.js";

export type ExportFormat = "cloudformation" | "terraform";

export interface ExportOptions extends TargetOptions {
  format: ExportFormat;
  outDir: string;
  /** Make the Staging template ready for a service-managed StackSet over --ou. */
  stackset?: boolean;
  ou?: string;
  /** Replace files of those names that xacct export did not write. */
  force?: boolean;
}

/** One file of the export: its name in the output directory, what it holds, and its JSON. */
interface ExportFile {
  name: string;
  account: "production" | "staging" | "both";
  summary: string;
  content: unknown;
}

export async function exportCommand(options: ExportOptions, ctx: CommandContext): Promise<number> {
  const ou = checkStackSetOptions(options);
  refuseUnexportedFlags(options);
  const found = await resolveSetup(ctx, setupRequestOf("export", options));
  const target = resolveTarget("export", options, found, false);
  // The remembered setup when it is the one exported: its trust and further accounts are exported too.
  const state = found && setupIdOf(found) === setupIdOf(target) ? found : undefined;
  if (state?.trustSsoPermissionSets?.length) {
    // Its Staging template grants a user; the permission set's policy lives in Identity Center, which export does not write.
    throw invalidInput(
      `xacct export writes the Staging side as a user's inline policy; setup ${setupIdOf(state)} trusts permission sets (${state.trustSsoPermissionSets.join(", ")}), which are not exported yet.`,
      "Keep the setup as xacct setup made it, or export a setup whose Staging side is a user.",
    );
  }
  if (target.stagingRole !== undefined) {
    // Its templates put the Staging policy on a user (aws_iam_user_policy, AWS::IAM::UserPolicy): exported, they would grant the wrong principal.
    throw invalidInput(
      `xacct export writes the Staging side as a user's inline policy; a Staging role (role ${target.stagingRole}) is not exported yet.`,
      "Run xacct setup --staging-role directly, or export a setup whose Staging side is a user.",
    );
  }
  if (target.mode !== "role") {
    throw invalidInput(
      "xacct export writes the role-mode resources; resource-policy mode is not exported yet.",
      "Use --mode role, or run xacct setup --mode resource-policy directly.",
    );
  }
  const outDir = resolve(options.outDir);
  // Before any AWS call: files of export's names that export did not write stay as they are.
  const names = exportFileNames(options.format, ou !== undefined);
  await refuseSharedOutDir(outDir, names, ctx.env);
  await refuseFilesNotExported(outDir, names, options.force ?? false);
  const plan = await planFor(target, state, ctx);
  // After setup the resources exist: the export adopts them instead of creating them again.
  const account = (profile: string) => clientsFor(ctx, { profile }, plan.answers.region);
  const existing = await readExisting(plan, { production: account(plan.answers.productionProfile), staging: account(plan.answers.stagingProfile) });
  // Before any file: export adopts only what is this setup's, as setup takes over only what is.
  refuseForeignAdoption(existing, (await loadSetups(ctx.statePath)).map(setupIdOf));
  const adoptions = adoptionsOf(existing);
  const { files, pairs, imports } = options.format === "terraform" ? terraformExport(plan, adoptions) : cloudFormationExport(plan, ou !== undefined, adoptions);
  assertSameDocuments(pairs);
  await writeFiles(outDir, files, options.force ?? false, ctx.env);
  await removeStaleImports(outDir, files);

  const { out } = ctx;
  out.heading(`Exported ${options.format === "terraform" ? "Terraform" : "CloudFormation"} to ${outDir}`);
  for (const file of files) out.done(`${file.name.padEnd(22)} ${file.summary}`);
  out.line(`  The ${pairs.length} policy documents equal the ones setup writes for these answers (the defaults of the parameters).`);
  const leftOut = leftOutLines(adoptions, options.format);
  for (const line of leftOut) out.warn(line);
  if (leftOut.length === 0) {
    out.warn(
      options.format === "terraform"
        ? BUCKET_POLICY_WARNING
        : "AWS::S3::BucketPolicy replaces the bucket's whole policy: deploy with ManageBucketPolicy=false if the bucket has one.",
    );
  }
  const keyWarnings = keyPolicyNote(plan, options.format);
  for (const warning of keyWarnings) out.warn(warning);
  const how =
    options.format === "terraform"
      ? `applying adopts them (the import blocks in ${TERRAFORM_IMPORTS_FILE}; Terraform 1.5 or later) instead of creating them again`
      : "the steps below import them into the stacks (IMPORT change sets; they are marked DeletionPolicy Retain) instead of creating them again";
  for (const line of adoptionLines(adoptions, how)) out.line(`  ${line}`);
  if (options.format === "terraform" && files.some((file) => file.name === TERRAFORM_IMPORTS_FILE)) {
    out.line(
      `  ${importGuardSentence(plan)}: terraform plan fails when a variable differs from the exported value. To create another setup from these files, delete ${TERRAFORM_IMPORTS_FILE}.`,
    );
  }
  const commands = nextCommands(options, plan, outDir, ou, imports);
  out.heading(ou ? "Roll out the Staging StackSet (with the organization's management or delegated-admin credentials)" : "Deploy");
  for (const command of commands) out.line(`  ${command.replace(/\n/g, "\n  ")}`);

  Object.assign(ctx.result, {
    format: options.format,
    outDir,
    accounts: { production: plan.accounts.production.accountId, staging: plan.accounts.staging.accountId },
    files: files.map((f) => ({ path: join(outDir, f.name), account: f.account, summary: f.summary })),
    documents: pairs.map((p) => ({ name: p.name, location: p.location, sameAsSetup: true })),
    existing: adoptions.map((a) => ({ resource: a.resource, exists: a.exists })),
    commands,
  });
  return 0;
}

/** Flags export cannot honour are refused, not ignored: it writes the further accounts setup remembered, and no profile. */
function refuseUnexportedFlags(options: ExportOptions): void {
  if (options.outDir.trim() === "")
    throw invalidInput("--out-dir is empty; export needs a folder to write its files to.", "Give a folder with --out-dir, e.g. --out-dir xacct-export.");
  const stagingProfiles = options.stagingProfile === undefined ? [] : ([] as string[]).concat(options.stagingProfile);
  if (stagingProfiles.length > 1) {
    throw invalidInput(
      "export takes one --staging-profile: it exports the further Staging accounts setup remembered, not further --staging-profile flags.",
      "Run xacct setup with those --staging-profile flags first, then export that setup with --setup.",
    );
  }
}

/** --stackset needs --ou and CloudFormation; returns the checked OU ID when it applies. */
function checkStackSetOptions(options: ExportOptions): string | undefined {
  if (options.ou !== undefined && !options.stackset) throw invalidInput("--ou is only used with --stackset.", "Add --stackset, or drop --ou.");
  if (!options.stackset) return undefined;
  if (options.format !== "cloudformation") {
    throw invalidInput("--stackset makes a CloudFormation StackSet template; Terraform has no StackSet.", "Use --format cloudformation with --stackset.");
  }
  if (options.ou === undefined) {
    throw invalidInput("--stackset needs the organizational unit to deploy to.", "Give it with --ou ou-xxxx-xxxxxxxx.");
  }
  return checkOuId(options.ou);
}

/**
 * Setup's trust choices (principals, external ID, MFA, organization, source identity, session
 * length) are setup-only flags, so export follows what setup remembered for the same bucket
 * and role, and the recipe's plain trust otherwise.
 */
interface TrustAnswers {
  trust: TrustHardening;
  maxSessionDuration: number;
}

function rememberedTrust(state: SetupState | undefined): TrustAnswers {
  if (!state) return { trust: {}, maxSessionDuration: ONE_HOUR_SECONDS };
  const { externalId, requireMfa, allowSourceIdentity, maxSessionDuration, orgId, trustPrincipals, trustSsoPermissionSets } = state;
  return {
    trust: { externalId, requireMfa, allowSourceIdentity, orgId, principals: trustPrincipals, ssoPermissionSets: trustSsoPermissionSets },
    maxSessionDuration: maxSessionDuration ?? ONE_HOUR_SECONDS,
  };
}

/** The account IDs are all export needs from AWS; buckets are not listed, nothing is written. */
/**
 * `state`: the remembered setup exported, if any: its trust and further Staging accounts are
 * exported too, and it is exported from its own accounts only (another would move it).
 */
async function planFor(target: Target, state: SetupState | undefined, ctx: CommandContext): Promise<SetupPlan> {
  const trust = rememberedTrust(state);
  const moreStaging = state?.moreStaging;
  const view = await loadProfileView(ctx.env);
  requireProfile(view, target.productionProfile);
  requireProfile(view, target.stagingProfile);
  const clients = (profile: string) => clientsFor(ctx, { profile }, target.region);
  const { production, staging } = await identifySetupProfiles(
    { production: clients(target.productionProfile), staging: clients(target.stagingProfile) },
    target,
    state,
  );
  const answers = { ...target, ...trust, mode: "role" as const, endpoint: ctx.endpoint };
  const plan = buildSetupPlan(answers, { production: { ...production, ownedBuckets: new Set() }, staging, moreStaging: moreStaging ?? [] });
  // An SSE-KMS bucket: the role's policy and the key policy carry its key, as setup would write them.
  const keys = await readExportKeys(clients(target.productionProfile), target.bucket, target.productionProfile, production.accountId);
  const stagingAccountIds = [staging.accountId, ...(moreStaging ?? []).map((a) => a.accountId)];
  const kms = planKms({ answers, partition: plan.partition, productionAccountId: production.accountId, stagingAccountIds, roleArn: plan.roleArn }, keys);
  return kms ? buildSetupPlan(answers, plan.accounts, undefined, kms) : plan;
}

/** The bucket's keys, when it exists and uses KMS: a bucket not made yet has none. */
async function readExportKeys(clients: AwsClients, bucket: string, profile: string, productionAccountId: string): Promise<BucketKeyState[]> {
  try {
    return await readBucketKeys(clients, [await readBucketEncryption(clients, bucket, profile)], profile, productionAccountId);
  } catch (error) {
    if (error instanceof XacctError && error.awsCode === "NoSuchBucket") return [];
    throw error;
  }
}

/** What each export builds: its files, the documents to check, and (CloudFormation) what each stack imports. */
interface BuiltExport {
  files: ExportFile[];
  pairs: DocumentPair[];
  imports?: { production: CloudFormationImports; staging?: CloudFormationImports | undefined };
}

const IMPORT_FILE = { production: "production-import.json", staging: "staging-import.json" } as const;

function cloudFormationExport(plan: SetupPlan, stackset: boolean, adoptions: readonly KindAdoption[]): BuiltExport {
  const { bucket, roleName, policyName, stagingUser } = plan.answers;
  const imports = {
    production: cloudFormationImports(plan, adoptions, "production"),
    // A StackSet's Staging template makes a group in every account: nothing there to import.
    staging: stackset ? undefined : cloudFormationImports(plan, adoptions, "staging"),
  };
  const production = retainingImported(buildProductionTemplate(plan, !leftOutKinds(adoptions).has("bucket-policy")), imports.production);
  const staging = stackset ? buildStagingStackSetTemplate(plan) : retainingImported(buildStagingTemplate(plan), imports.staging!);
  const stagingFile: ExportFile = stackset
    ? {
        name: "staging-stackset.json",
        account: "staging",
        summary: `group and managed policy ${plan.inlinePolicyName}: members may assume ${roleName}`,
        content: staging,
      }
    : { name: "staging.json", account: "staging", summary: `inline policy ${plan.inlinePolicyName} on user ${stagingUser}`, content: staging };
  const importFiles = (["production", "staging"] as const).flatMap((side): ExportFile[] => {
    const list = imports[side]?.toImport ?? [];
    return list.length === 0
      ? []
      : [{ name: IMPORT_FILE[side], account: side, summary: `resources to import: ${list.map((r) => r.LogicalResourceId).join(", ")}`, content: list }];
  });
  return {
    files: [
      {
        name: "production.json",
        account: "production",
        summary: `bucket policy of ${bucket}, managed policy ${policyName}, role ${roleName}`,
        content: production,
      },
      stagingFile,
      ...importFiles,
    ],
    pairs: cloudFormationPairs(plan, production, staging, stagingFile.name),
    imports,
  };
}

function terraformExport(plan: SetupPlan, adoptions: readonly KindAdoption[]): BuiltExport {
  const leftOut = leftOutKinds(adoptions);
  const files = buildTerraformFiles(plan, leftOut);
  const summaries: Record<string, [ExportFile["account"], string]> = {
    "variables.tf.json": ["both", "accounts, bucket, names and profiles, defaulting to this setup's"],
    "providers.tf.json": ["both", "an aws provider per account, each refusing a profile of the wrong account"],
    "production.tf.json": ["production", `${leftOut.has("bucket-policy") ? "" : `bucket policy of ${plan.answers.bucket}, `}managed policy, role, attachment`],
    "staging.tf.json": ["staging", `inline policy ${plan.inlinePolicyName} on user ${plan.answers.stagingUser}`],
  };
  const imports = terraformImports(plan, adoptions);
  return {
    files: [
      ...Object.entries(files).map(([name, content]) => {
        const [account, summary] = summaries[name] ?? ["both", ""];
        return { name, account, summary, content };
      }),
      ...(imports
        ? [{ name: TERRAFORM_IMPORTS_FILE, account: "both" as const, summary: "import blocks: applying adopts what exists already", content: imports }]
        : []),
    ],
    pairs: terraformPairs(plan, files, leftOut),
  };
}

/** Import files of an earlier export that this one did not write: what they import may be gone. Only export's own are removed. */
async function removeStaleImports(outDir: string, written: ExportFile[]): Promise<void> {
  const names = [TERRAFORM_IMPORTS_FILE, IMPORT_FILE.production, IMPORT_FILE.staging].filter((name) => !written.some((file) => file.name === name));
  for (const name of names) {
    const filePath = join(outDir, name);
    const info = await lstat(filePath).catch(() => undefined);
    if (info?.isFile() && (await isExportedFile(filePath, info.size))) await rm(filePath, { force: true });
  }
}

async function writeFiles(outDir: string, files: ExportFile[], force: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await makeDirectory(outDir);
    await refuseSharedOutDir(
      outDir,
      files.map((file) => file.name),
      env,
    );
    await refuseNonRegularFiles(outDir, files);
    await refuseFilesNotExported(
      outDir,
      files.map((file) => file.name),
      force,
    );
    for (const file of files) await replaceFile(join(outDir, file.name), `${JSON.stringify(withExportMarker(file), null, 2)}\n`);
  } catch (error) {
    if (error instanceof XacctError) throw error;
    throw new XacctError(`Could not write the export to ${outDir}: ${(error as Error).message}`, {
      hint: "Choose a directory you can write to with --out-dir.",
      cause: error,
    });
  }
}

/** A new file under a random name, renamed over the old one: a hard link to another file is never written through. */
async function replaceFile(filePath: string, text: string): Promise<void> {
  const temp = `${filePath}.${randomBytes(6).toString("hex")}.xacct-tmp`;
  try {
    await writeFile(temp, text, { flag: WRITE_NEW_NO_FOLLOW });
    await rename(temp, filePath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Every exported file says it is xacct's, where each format allows a note: CloudFormation's
 * Metadata section, Terraform's "//" comment property. A later export replaces only such files.
 */
const EXPORT_MARKER = "Written by xacct export, which replaces this file when run again.";

function withExportMarker(file: ExportFile): unknown {
  // A resources-to-import list is a bare JSON array: it has no room for a note, and is recognised by its shape.
  if (Array.isArray(file.content)) return file.content;
  const content = file.content as Record<string, unknown>;
  if (file.name.endsWith(".tf.json")) return { "//": EXPORT_MARKER, ...content };
  return { ...content, Metadata: { ...(content["Metadata"] as object | undefined), xacct: EXPORT_MARKER } };
}

function exportFileNames(format: ExportFormat, stackset: boolean): string[] {
  if (format === "terraform") return ["variables.tf.json", "providers.tf.json", "production.tf.json", "staging.tf.json"];
  return ["production.json", stackset ? "staging-stackset.json" : "staging.json"];
}

/** A file export wrote carries its marker; anything else under its names is the user's. */
async function refuseFilesNotExported(outDir: string, names: string[], force: boolean): Promise<void> {
  if (force) return;
  for (const name of names) {
    const filePath = join(outDir, name);
    const info = await lstat(filePath).catch(() => undefined);
    if (!info || !info.isFile() || (await isExportedFile(filePath, info.size))) continue;
    throw invalidInput(
      `${filePath} already exists and xacct export did not write it (it has no xacct marker), so xacct will not overwrite it.`,
      "Choose another --out-dir, move the file, or pass --force to replace it.",
    );
  }
}

async function isExportedFile(filePath: string, size: number): Promise<boolean> {
  if (size > EXPORTED_FILE_LIMIT) return false;
  try {
    const content = JSON.parse(await readRegularFile(filePath)) as Record<string, unknown> | null;
    if (Array.isArray(content)) return filePath.endsWith("-import.json") && content.every(isResourceToImport);
    return content?.["//"] === EXPORT_MARKER || (content?.["Metadata"] as Record<string, unknown> | undefined)?.["xacct"] === EXPORT_MARKER;
  } catch {
    return false;
  }
}

const EXPORTED_FILE_LIMIT = 1 << 20;

/** An entry of a resources-to-import list as export writes it: those three keys and nothing else. */
function isResourceToImport(entry: unknown): boolean {
  if (typeof entry !== "object" || entry === null) return false;
  const keys = Object.keys(entry).sort().join(",");
  return keys === "LogicalResourceId,ResourceIdentifier,ResourceType";
}

/** The file's text if it is (still) a regular file of ours at most EXPORTED_FILE_LIMIT long: a pipe swapped in never blocks. */
async function readRegularFile(filePath: string): Promise<string> {
  const handle = await open(filePath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > EXPORTED_FILE_LIMIT) throw new Error("not a small regular file");
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(EXPORTED_FILE_LIMIT), 0, EXPORTED_FILE_LIMIT, 0);
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Only a new file, never through a symlink. */
const WRITE_NEW_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Export replaces its own files, but an out-dir may come from a cloned repository: a symlink
 * (or a pipe, a folder) under one of its names is refused before any file is written.
 */
async function refuseNonRegularFiles(outDir: string, files: ExportFile[]): Promise<void> {
  for (const file of files) {
    const info = await lstat(join(outDir, file.name)).catch(() => undefined);
    if (!info || info.isFile()) continue;
    throw new XacctError(
      `${join(outDir, file.name)} is ${info.isSymbolicLink() ? "a symbolic link" : "not a regular file"}; xacct export writes only its own files.`,
      {
        hint: "Remove it, or choose another --out-dir.",
      },
    );
  }
}

function nextCommands(options: ExportOptions, plan: SetupPlan, outDir: string, ou: string | undefined, imports: BuiltExport["imports"]): string[] {
  const { productionProfile, stagingProfile, region, roleName } = plan.answers;
  if (options.format === "terraform") return [`terraform -chdir=${displayShellWord(outDir)} init`, `terraform -chdir=${displayShellWord(outDir)} apply`];
  const stack = (side: "production" | "staging", profile: string) =>
    stackCommands({
      templatePath: join(outDir, `${side}.json`),
      importPath: join(outDir, IMPORT_FILE[side]),
      stackName: stackNameFor(side, roleName),
      profile,
      region,
      imports: imports?.[side],
    });
  const production = stack("production", productionProfile);
  if (ou === undefined) return [...production, ...stack("staging", stagingProfile)];
  const stackSet = { stackSetName: stackNameFor("staging", roleName), templatePath: join(outDir, "staging-stackset.json"), organizationalUnitId: ou, region };
  return [...production, ...stackSetCommands(stackSet)];
}
