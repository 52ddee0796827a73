/** Shows a setup plan before anything is written: every resource and every document. */
import type { SetupPlan } from "../plan.js";
import type { Output } from "./output.js";

export function showAccounts(out: Output, plan: Pick<SetupPlan, "answers" | "accounts">): void {
  const { production, staging } = plan.accounts;
  out.heading("Accounts");
  out.line(`  Production  ${production.accountId}  ${out.color.dim(production.arn)}  (profile ${plan.answers.productionProfile})`);
  if (production.canonicalUserId) out.line(`              canonical user ID ${production.canonicalUserId}`);
  out.line(`  Staging     ${staging.accountId}  ${out.color.dim(staging.arn)}  (profile ${plan.answers.stagingProfile})`);
}

export function showPlan(out: Output, plan: SetupPlan): void {
  const { answers, documents } = plan;
  const verb = (exists: boolean) => (exists ? out.color.yellow("reuse ") : out.color.green("create"));
  out.heading(`Stage 1 · Production account ${plan.accounts.production.accountId}`);
  out.line(`  ${verb(plan.bucketExists)} bucket ${answers.bucket} in ${answers.region}`);
  out.line(`  ${out.color.green("merge ")} bucket policy statement (other statements are kept):`);
  out.json(documents.bucketStatement, "      ");
  out.line(`  ${out.color.green("ensure")} managed policy ${plan.policyArn}:`);
  out.json(documents.readObjects, "      ");
  out.line(`  ${out.color.green("ensure")} role ${plan.roleArn} with trust policy:`);
  out.json(documents.trust, "      ");
  out.line(`  ${out.color.green("attach")} ${answers.policyName} to ${answers.roleName}`);
  out.heading(`Stage 2 · Staging account ${plan.accounts.staging.accountId}`);
  if (plan.createStagingUser) out.line(`  ${out.color.green("create")} user ${answers.stagingUser} (it does not exist yet)`);
  out.line(`  ${out.color.green("ensure")} inline policy ${plan.inlinePolicyName} on user ${answers.stagingUser}:`);
  out.json(documents.assumeRole, "      ");
  out.heading("Stage 3 · Test");
  out.line(`  assume ${plan.roleArn} as profile ${answers.stagingProfile} and save the temporary credentials as a profile`);
  if (!plan.accounts.staging.arn.endsWith(`:user/${answers.stagingUser}`)) {
    out.line(
      `  ${out.color.yellow("note")} profile ${answers.stagingProfile} is ${plan.accounts.staging.arn}, not user ${answers.stagingUser}: ` +
        "stage 3 works only if that identity may assume the role too.",
    );
  }
}
