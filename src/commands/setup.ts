/**
 * `xacct setup`: the wizard through the three stages. Questions come from the wizard (or
 * flags), facts from AWS, documents from the policy builder, changes from the stages.
 */
import { GetUserCommand } from "@aws-sdk/client-iam";
import { makeClients, type AwsClients } from "../aws/clients.js";
import { isAwsError, withAwsContext } from "../aws/errors.js";
import { getCallerIdentity, getS3Owner } from "../aws/identity.js";
import { loadProfileView, requireProfile } from "../awsconfig/sdk-view.js";
import { XacctError } from "../errors.js";
import { buildSetupPlan, DEFAULTS, type DiscoveredAccounts, type SetupAnswers, type SetupPlan } from "../plan.js";
import { productionSteps } from "../stages/production.js";
import { stagingSteps } from "../stages/staging.js";
import { runSteps, type StepRecord } from "../stages/steps.js";
import { saveState } from "../state.js";
import { showAccounts, showPlan } from "../ui/plan-view.js";
import { askBucket, askNames, askProfile, askRegion } from "../wizard/setup-questions.js";
import { checkObjectKey, checkProfileName } from "../validate/index.js";
import { assumeAndWrite } from "./assume.js";
import { testGet } from "./test-get.js";
import type { CommandContext } from "./context.js";

export interface SetupOptions {
  productionProfile?: string;
  stagingProfile?: string;
  bucket?: string;
  roleName?: string;
  policyName?: string;
  stagingUser?: string;
  region?: string;
  tempProfile?: string;
  testKey?: string;
  yes?: boolean;
}

export async function setupCommand(options: SetupOptions, ctx: CommandContext): Promise<void> {
  const { out, prompter } = ctx;
  const tempProfile = checkProfileName(options.tempProfile ?? DEFAULTS.profileName);
  if (options.testKey !== undefined) checkObjectKey(options.testKey);
  const view = await loadProfileView(ctx.env);
  const productionProfile = await askProfile(prompter, "Production", options.productionProfile, view.names);
  const stagingProfile = await askProfile(prompter, "Staging", options.stagingProfile, view.names.filter((n) => n !== productionProfile));
  const region = await askRegion(prompter, options.region, requireProfile(view, productionProfile)["region"] ?? DEFAULTS.region, ctx.interactive);
  requireProfile(view, stagingProfile);

  const prod = makeClients({ profile: productionProfile, region, endpoint: ctx.endpoint }, ctx.env);
  const staging = makeClients({ profile: stagingProfile, region, endpoint: ctx.endpoint }, ctx.env);
  const [prodIdentity, stagingIdentity] = await Promise.all([
    getCallerIdentity(prod, productionProfile),
    getCallerIdentity(staging, stagingProfile),
  ]);
  if (prodIdentity.accountId === stagingIdentity.accountId) {
    throw new XacctError(
      `Profiles ${productionProfile} and ${stagingProfile} are both in account ${prodIdentity.accountId}; cross-account access needs two different accounts.`,
      { exitCode: 2, hint: "Choose a Staging profile whose credentials belong to the other account." },
    );
  }
  const owner = await getS3Owner(prod, productionProfile);

  const bucket = await askBucket(prompter, options.bucket);
  const names = await askNames(prompter, options, ctx.interactive);
  const stagingUserExists = await userExists(staging, names.stagingUser, stagingProfile);
  if (!stagingUserExists && ctx.interactive && !options.yes) {
    const create = await prompter.confirm({
      message: `User ${names.stagingUser} does not exist in Staging account ${stagingIdentity.accountId}. Create it?`,
      flag: "--yes",
    });
    if (!create) throw new XacctError("Setup stopped: the Staging user does not exist and was not created.", { hint: "Name an existing user with --staging-user." });
  }
  const accounts: DiscoveredAccounts = {
    production: { ...prodIdentity, canonicalUserId: owner.canonicalUserId, ownedBuckets: owner.ownedBuckets },
    staging: stagingIdentity,
    stagingUserExists,
  };
  let answers: SetupAnswers = { productionProfile, stagingProfile, region, bucket, ...names, endpoint: ctx.endpoint };
  let plan = buildSetupPlan(answers, accounts);
  showAccounts(out, plan);

  let done: StepRecord[];
  for (;;) {
    showPlan(out, plan);
    if (!(await confirmPlan(ctx, options))) {
      out.line("Nothing was changed.");
      return;
    }
    out.heading("Applying");
    try {
      done = await runSteps([...productionSteps(prod, plan), ...stagingSteps(staging, plan)], out);
      break;
    } catch (error) {
      // A taken bucket name fails the very first step, before anything changed: ask again.
      if (!(error instanceof XacctError) || error.awsCode !== "BucketAlreadyExists" || !ctx.interactive) throw error;
      out.warn(`The name ${plan.answers.bucket} belongs to another AWS account. Please choose another.`);
      answers = { ...answers, bucket: await askBucket(prompter, undefined, "Another bucket name:") };
      plan = buildSetupPlan(answers, accounts);
    }
  }
  await rememberSetup(ctx, plan);

  out.heading("Stage 3 · Test");
  const roleIsNew = done.some((step) => step.id === "role" && step.status === "created");
  await assumeAndWrite(
    { profile: stagingProfile, roleArn: plan.roleArn, region, writeProfile: tempProfile, roleIsNew },
    ctx,
  );
  const key = options.testKey ?? (await offerTestKey(ctx, options));
  if (key) await testGet({ key, profile: tempProfile, bucket: plan.answers.bucket, region }, ctx);
  out.line();
  out.done(`Setup complete. Staging reads s3://${plan.answers.bucket}/* through ${plan.roleArn}.`);
}

async function userExists(clients: AwsClients, userName: string, profile: string): Promise<boolean> {
  return withAwsContext({ action: `looking up user ${userName} in the Staging account`, profile }, async () => {
    try {
      await clients.iam.send(new GetUserCommand({ UserName: userName }));
      return true;
    } catch (error) {
      if (isAwsError(error, "NoSuchEntity")) return false;
      throw error;
    }
  });
}

async function confirmPlan(ctx: CommandContext, options: SetupOptions): Promise<boolean> {
  if (options.yes) return true;
  ctx.out.line();
  return ctx.prompter.confirm({ message: "Apply this plan?", flag: "--yes", default: false });
}

async function offerTestKey(ctx: CommandContext, options: SetupOptions): Promise<string | undefined> {
  if (!ctx.interactive || options.yes) return undefined;
  const key = await ctx.prompter.input({
    message: "Key of an object to download as a test (leave empty to skip):",
    flag: "--test-key",
    default: "",
  });
  return key.trim() === "" ? undefined : checkObjectKey(key.trim());
}

async function rememberSetup(ctx: CommandContext, plan: SetupPlan): Promise<void> {
  await saveState(
    {
      productionProfile: plan.answers.productionProfile,
      stagingProfile: plan.answers.stagingProfile,
      region: plan.answers.region,
      bucket: plan.answers.bucket,
      roleName: plan.answers.roleName,
      roleArn: plan.roleArn,
      policyArn: plan.policyArn,
      stagingUser: plan.answers.stagingUser,
      productionAccountId: plan.accounts.production.accountId,
      stagingAccountId: plan.accounts.staging.accountId,
      endpoint: plan.answers.endpoint,
      updatedAt: new Date().toISOString(),
    },
    ctx.statePath,
  );
}
