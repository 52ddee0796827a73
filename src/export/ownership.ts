/**
 * Export adopts only what is this setup's, by the tests setup uses: a role or managed policy
 * another setup made, a managed policy xacct did not make, or an inline policy whose content
 * is not xacct's is refused, as setup refuses it. A role xacct did not make (setup merged its
 * statement into it) or one with a path is refused too: an exported role owns its whole trust,
 * path, session limit and tags, so importing it would rewrite or replace the role; so is this
 * setup's role whose trust holds statements someone added since. Pure.
 */
import { invalidInput } from "../errors.js";
import { setupId, xacctTags, type SetupPlan } from "../plan.js";
import { notExactParts, type PolicyDocument } from "../policy/index.js";
import { foreignStatementNames, type ExistingView } from "../resources/resource.js";
import { mergedTrust } from "../resources/trust-statements.js";
import { refuseForeignInlinePolicy } from "../resources/inline-policy.js";
import { madeBySetup } from "../resources/state.js";
import { ownershipConflicts } from "../stages/changes.js";
import { conflictHint, describeConflict } from "../stages/owner-conflicts.js";
import type { KindAdoption } from "./adopt.js";

/** `rememberedIds`: the setups xacct remembers, so the hint names the teardown that frees a resource (as setup's does). */
export function refuseForeignAdoption({ plan, prod, staging }: ExistingView, rememberedIds: readonly string[] = []): void {
  const id = setupId(plan.answers);
  const conflicts = ownershipConflicts(plan, prod, rememberedIds);
  if (conflicts.length > 0) {
    throw invalidInput(
      `Export of setup ${id} would adopt what is not its own: ${conflicts.map(describeConflict).join("; ")}; applying it would rewrite or replace them.`,
      `${conflictHint(conflicts)} What a deployed stack or Terraform state made is updated from there.`,
    );
  }
  const role = prod.role;
  if (role && !madeBySetup(role.tags, id)) {
    throw invalidInput(
      `The role ${plan.answers.roleName} was not made by xacct (setup only merged its trust statement into it), and an exported role owns its whole trust, path, session limit and tags, so applying would rewrite or replace it; xacct does not export a setup on a reused role.`,
      "Keep this setup with xacct setup and teardown, or export a setup whose role xacct makes (--role-name).",
    );
  }
  if (role && role.arn !== "" && role.arn !== plan.roleArn) {
    throw invalidInput(
      `The role ${plan.answers.roleName} is ${role.arn}, with a path the exported role does not have, so applying would replace it (a new ARN and unique ID).`,
      "Keep this setup with xacct setup and teardown.",
    );
  }
  if (role) refuseOthersInTrust(plan, role.trust);
  if (staging.inlinePolicy) refuseForeignInlinePolicy(plan, staging.inlinePolicy);
}

/** This setup's role whose trust holds statements someone added since: the exported trust holds only this setup's, so applying would delete them. */
function refuseOthersInTrust(plan: SetupPlan, trust: PolicyDocument): void {
  const ours = plan.documents.trust.Statement.map((s) => JSON.stringify(s));
  // As setup would write it: merged, so this setup's statements (older Sids included) are replaced by the plan's.
  const others = mergedTrust(plan, { arn: "", trust, tags: xacctTags(plan), maxSessionDuration: plan.answers.maxSessionDuration }).Statement.filter(
    (s) => !ours.includes(JSON.stringify(s)),
  );
  const names = [...foreignStatementNames({ Statement: others }), ...notExactParts(trust)];
  if (names.length === 0) return;
  throw invalidInput(
    `The trust policy of role ${plan.answers.roleName} holds statements that are not this setup's (${names.join(", ")}); the exported role's trust holds only this setup's, so applying would delete them.`,
    "Take them out of the role's trust (or keep this setup with xacct setup and teardown), then export again.",
  );
}

/**
 * What export says of each shared document it found: one it leaves out (which statements keep
 * it out, and what applying does then), or one it adopts (from then on the stack or the
 * Terraform state owns the whole document).
 */
export function leftOutLines(adoptions: readonly KindAdoption[], format: "terraform" | "cloudformation"): string[] {
  return adoptions.flatMap((a) => {
    const others = a.othersStatements ?? [];
    if (a.exists && a.kind === "bucket-policy" && others.length === 0) {
      const owner = format === "terraform" ? "the Terraform state" : "the stack";
      return [
        `The ${a.resource} holds only this setup's statements, so applying adopts it, and from then on ${owner} owns the whole policy: statements others add to it later are replaced on the next apply.`,
      ];
    }
    if (others.length === 0) return [];
    const how =
      format === "terraform"
        ? "the export has no aws_s3_bucket_policy and no import for it"
        : "ManageBucketPolicy defaults to false and it is not in the resources to import";
    return [
      `The ${a.resource} holds statements that are not this setup's (${others.join(", ")}); exported, it would replace the whole policy and delete them, so ${how}. ` +
        "Applying leaves that policy as it is: this setup's statements in it stay as xacct setup merged them (xacct setup adds them, xacct teardown takes them out).",
    ];
  });
}
