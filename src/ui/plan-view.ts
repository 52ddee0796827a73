/**
 * Shows a plan before anything is written: the accounts, then per resource what changes.
 * New documents are shown whole; changed ones statement by statement (matched by Sid), with
 * other people's statements listed as kept.
 */
import { permissionSetsOf } from "../resources/staging-principal.js";
import type { SetupPlan } from "../plan.js";
import type { PolicyDocument, PolicyStatement } from "../policy/index.js";
import { sameDocument, shownText } from "../policy/index.js";
import type { Change, ChangeKind } from "../stages/changes.js";
import type { Output } from "./output.js";
import { counted } from "./words.js";

export function showAccounts(out: Output, plan: Pick<SetupPlan, "answers" | "accounts">): void {
  const { production, staging } = plan.accounts;
  out.heading("Accounts");
  out.line(`  Production  ${production.accountId}  ${out.color.dim(production.arn)}  (profile ${plan.answers.productionProfile})`);
  if (production.canonicalUserId) out.line(`              canonical user ID ${production.canonicalUserId}`);
  out.line(`  Staging     ${staging.accountId}  ${out.color.dim(staging.arn)}  (profile ${plan.answers.stagingProfile})`);
  const more = plan.accounts.moreStaging?.length ?? 0;
  if (more > 0) out.line(`              and ${counted(more, "more Staging account")}`);
}

const MARK: Record<ChangeKind | "delete" | "keep" | "gone", (out: Output) => string> = {
  gone: (out) => out.color.dim("= gone  "),
  create: (out) => out.color.green("+ create"),
  update: (out) => out.color.yellow("~ update"),
  none: (out) => out.color.dim("= keep  "),
  delete: (out) => out.color.red("- delete"),
  keep: (out) => out.color.dim("= leave "),
};

const VERB: Record<"add" | "remove", (out: Output) => string> = {
  add: (out) => out.color.green("+ add   "),
  remove: (out) => out.color.red("- remove"),
};

export function showChange(
  out: Output,
  change: {
    kind: ChangeKind | "delete" | "keep" | "gone";
    verb?: "add" | "remove" | undefined;
    resource: string;
    note?: string;
    before?: PolicyDocument | undefined;
    after?: PolicyDocument | undefined;
  },
): void {
  const note = out.color.dim(`  (${change.note ?? (change.kind === "none" ? "no change" : "")})`);
  const mark = change.kind === "update" && change.verb ? VERB[change.verb](out) : MARK[change.kind](out);
  out.line(`  ${mark} ${change.resource}${change.note || change.kind === "none" ? note : ""}`);
  if (change.kind === "create" && change.after) out.json(change.after, "        ");
  if (change.kind === "update" && change.before && change.after) showStatementDiff(out, change.before, change.after);
}

export function showSetupChanges(out: Output, plan: SetupPlan, changes: Change[]): void {
  out.heading(`Stage 1 · Production account ${plan.accounts.production.accountId}`);
  for (const change of changes.filter((c) => c.account === "production")) showChange(out, change);
  out.heading(`Stage 2 · Staging account ${plan.accounts.staging.accountId}`);
  for (const change of changes.filter((c) => c.account === "staging")) showChange(out, change);
  showPermissionSets(out, plan);
  const more = plan.accounts.moreStaging ?? [];
  if (more.length > 0) {
    const reachable = more.filter((a) => a.profile);
    out.heading(`Stage 2 · ${counted(more.length, "more Staging account")}, trusted and granted in the documents above`);
    if (reachable.length > 0) {
      out.line(
        `  ${out.color.green("ensure")} inline policy ${plan.inlinePolicyName} of user ${plan.answers.stagingUser} in ${counted(reachable.length, "account")} reached by profile:`,
      );
      out.line(`      ${reachable.map((a) => `${a.accountId} (${a.profile})`).join(", ")}`);
    }
    const unreachable = more.filter((a) => !a.profile).map((a) => a.accountId);
    if (unreachable.length > 0) out.line(`  ${out.color.dim(`no profile here, so their users are granted elsewhere: ${unreachable.join(", ")}`)}`);
    showOrganizationWide(out, plan);
  }
  out.heading("Stage 3 · Test");
  if (plan.answers.mode === "resource-policy") {
    out.line(`  read from the bucket with profile ${plan.answers.stagingProfile} itself: no role, no temporary credentials`);
    return;
  }
  out.line(`  assume ${plan.roleArn} as profile ${plan.answers.stagingProfile} and save the temporary credentials as a profile`);
  if (permissionSetsOf(plan.answers).length > 0) {
    out.line(
      `  ${out.color.yellow("note")} only if profile ${plan.answers.stagingProfile} (${plan.accounts.staging.arn}) is a session of that permission set's role: the trust admits no one else; otherwise stage 3 is left to you.`,
    );
    return;
  }
  // A Staging role: the profile is an admin's, never the role's own session (it is assumed by whoever runs as that role).
  if (plan.answers.stagingRole !== undefined) {
    out.line(
      `  ${out.color.yellow("note")} only if profile ${plan.answers.stagingProfile} (${plan.accounts.staging.arn}) is a session of role ${plan.answers.stagingRole}, the Staging side; otherwise stage 3 is left to you.`,
    );
  } else if (!plan.accounts.staging.arn.endsWith(`:user/${plan.answers.stagingUser}`)) {
    out.line(
      `  ${out.color.yellow("note")} profile ${plan.answers.stagingProfile} is ${plan.accounts.staging.arn}, not user ${plan.answers.stagingUser}: ` +
        "stage 3 works only if that identity may assume the role too.",
    );
  }
}

/** --org-id with several Staging accounts: the trust names the organization, so say who that lets in. */
function showOrganizationWide(out: Output, plan: SetupPlan): void {
  const orgId = plan.answers.trust.orgId;
  const wide =
    plan.answers.mode === "role" &&
    orgId &&
    plan.documents.trust.Statement.some((s) => s.Principal !== undefined && s.Principal !== "*" && s.Principal.AWS === "*");
  if (!wide) return;
  out.line(
    `  ${out.color.yellow("note")} the trust names organization ${orgId} rather than each Staging account: every principal of every account in it, ` +
      `Production's included, may assume ${plan.answers.roleName}. Name the accounts with --trust-principal to narrow it.`,
  );
}

function statementKey(statement: PolicyStatement, index: number): string {
  return statement.Sid ?? `#${index + 1}`;
}

function showStatementDiff(out: Output, before: PolicyDocument, after: PolicyDocument): void {
  const old = new Map(before.Statement.map((s, i) => [statementKey(s, i), s]));
  const now = new Map(after.Statement.map((s, i) => [statementKey(s, i), s]));
  for (const [key, statement] of old) {
    if (!now.has(key)) {
      out.line(`        ${out.color.red(`- statement ${shownText(key)}`)}`);
      out.json(statement, "            ");
    }
  }
  for (const [key, statement] of now) {
    const previous = old.get(key);
    if (!previous) {
      out.line(`        ${out.color.green(`+ statement ${shownText(key)}`)}`);
      out.json(statement, "            ");
    } else if (!sameDocument({ Version: "2012-10-17", Statement: [previous] }, { Version: "2012-10-17", Statement: [statement] })) {
      out.line(`        ${out.color.yellow(`~ statement ${shownText(key)}, was:`)}`);
      out.json(previous, "            ");
      out.line(`        ${out.color.yellow("  becomes:")}`);
      out.json(statement, "            ");
    } else {
      out.line(`        ${out.color.dim(`= statement ${shownText(key)} (unchanged)`)}`);
    }
  }
}

/**
 * Permission sets: the trust admits their roles, and xacct writes nothing in Staging (those roles
 * are Identity Center's). The policy each must carry, exactly, to paste into Identity Center.
 */
export function showPermissionSets(out: Output, plan: SetupPlan): void {
  const sets = permissionSetsOf(plan.answers);
  if (sets.length === 0) return;
  const account = plan.accounts.staging.accountId;
  for (const set of sets) {
    out.line(
      `  ${out.color.yellow("manual")} permission set ${set} (IAM Identity Center): xacct writes nothing in Staging; the trust admits its roles in account ${account},`,
    );
    out.line(`         arn:${plan.partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com/[REGION/]AWSReservedSSO_${set}_<16 characters>.`);
  }
  const named = plan.answers.trust.principals ?? [];
  if (named.length > 0)
    out.line(
      `  ${out.color.yellow("note")} the trust admits ${named.join(", ")} by ARN (aws:PrincipalArn), not by unique ID: one deleted and made again with that name is trusted again.`,
    );
  out.line(
    `  Add this inline policy to ${sets.length === 1 ? "the permission set" : "each permission set"} in IAM Identity Center (Permission sets → ${sets.join(", ")} → Inline policy):`,
  );
  out.line(JSON.stringify(plan.documents.stagingPolicy, null, 2));
}
