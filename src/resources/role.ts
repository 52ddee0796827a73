/**
 * The role Staging assumes (role mode): created with xacct's trust and tags, or an existing
 * role with xacct's statement merged into its trust; its maximum session; and its deletion by
 * teardown, only when it is this setup's and nothing of anyone else's hangs off it.
 */
import { CreateRoleCommand, DeleteRoleCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { DEFAULTS, setupId, xacctTags, type SetupPlan } from "../plan.js";
import { LIMITS, othersSize, size, type Overflow } from "../policy/limits.js";
import { parsePolicyDocument, policyDocument, refuseInexactRewrite, sameDocument, type PolicyDocument } from "../policy/index.js";
import { displayShellWord } from "../shell-words.js";
import type { StepStatus } from "../stages/steps.js";
import { ONE_HOUR_SECONDS } from "../session-duration.js";
import { documentChange, keptNow, tagMap, NO_LONGER, type Change, type Removal, type ResourceKind } from "./resource.js";
import { madeBySetup, removalByTags, type RoleState } from "./state.js";
import { mergedTrust, trustWithoutOurs } from "./trust-statements.js";

/** Names in exported templates, stable so that a later export updates in place. */
export const EXPORT_NAME = { terraform: "cross_account", cloudformation: "CrossAccountRole" } as const;

export const role: ResourceKind = {
  id: "role",
  account: "production",
  roleOnly: true,
  change: ({ plan, prod }) => {
    const after = mergedTrust(plan, prod.role);
    return {
      id: "role",
      account: "production",
      kind: documentChange(prod.role?.trust, after),
      resource: `role ${plan.answers.roleName} (trust policy)`,
      before: prod.role?.trust,
      after,
    };
  },
  overflow: ({ plan, change, accounts }) => trustOverflow(plan, change.after ?? plan.documents.trust, accounts),
  apply: ({ clients, plan }) => ({
    title: `Role ${plan.answers.roleName}, trusted by Staging account ${plan.accounts.staging.accountId}`,
    undo: `aws iam delete-role --role-name ${plan.answers.roleName} --profile ${displayShellWord(plan.answers.productionProfile)}`,
    write: (c) => writeRole(clients, plan, c),
  }),
  removal: ({ target, prod, deps }) => {
    const removal: Removal = {
      id: "role",
      account: "production",
      ...removalByTags(!!prod.role, prod.role?.tags ?? [], setupId(target)),
      resource: `role ${target.roleName}`,
    };
    const foreignAttached = prod.attachedPolicyArns.filter((arn) => arn !== target.policyArn);
    if (removal.kind === "delete" && (foreignAttached.length > 0 || deps.roleInlinePolicies.length > 0)) {
      Object.assign(removal, { kind: "keep", note: `other policies are attached to it: ${[...foreignAttached, ...deps.roleInlinePolicies].join(", ")}` });
    }
    return removal;
  },
  adoption: ({ plan, prod }) => ({
    resource: `role ${plan.answers.roleName}`,
    exists: prod.role !== undefined,
    terraformId: plan.answers.roleName,
    cloudformationId: { RoleName: plan.answers.roleName },
  }),
  terraform: ({ templated: p, plan }) => [
    {
      file: "production.tf.json",
      type: "aws_iam_role",
      name: EXPORT_NAME.terraform,
      body: {
        provider: "aws.production",
        name: p.answers.roleName,
        description: `xacct: lets account ${p.accounts.staging.accountId} read ${p.answers.bucket}`,
        assume_role_policy: JSON.stringify(p.documents.trust),
        max_session_duration: plan.answers.maxSessionDuration,
        tags: tagMap(p),
      },
      document: { name: "trust", field: "assume_role_policy", expected: plan.documents.trust },
    },
  ],
  cloudformation: ({ templated: p, plan }) => [
    {
      template: "production",
      logicalId: EXPORT_NAME.cloudformation,
      resource: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: p.answers.roleName,
          Description: `xacct: lets account ${p.accounts.staging.accountId} read ${p.answers.bucket}`,
          AssumeRolePolicyDocument: p.documents.trust,
          MaxSessionDuration: plan.answers.maxSessionDuration,
          Tags: xacctTags(p),
        },
      },
      document: { name: "trust", field: "AssumeRolePolicyDocument", expected: plan.documents.trust },
    },
  ],
  remove: ({ clients, target, removals }) => ({
    title: `Role ${target.roleName}`,
    remove: async () => {
      const role = await readRole(clients, target.roleName);
      if (!role) return "absent";
      if (!madeBySetup(role.tags, setupId(target))) return keptNow(NO_LONGER);
      const othersTrusted = trustWithoutOurs(role.trust, target).rest;
      if (othersTrusted.length > 0) return keptNow(`its trust policy admits others too now: ${othersTrusted.join(", ")}`);
      // IAM deletes no role with a policy attached: one kept above keeps the role too.
      if (removals.find((r) => r.id === "attach")?.kind === "keep") return keptNow(`${target.policyName} stays attached to it`);
      await clients.iam.send(new DeleteRoleCommand({ RoleName: target.roleName }));
      return "deleted";
    },
  }),
};

/** An existing role's maximum session changes through UpdateRole; a new role gets it with CreateRole. */
export const roleSession: ResourceKind = {
  id: "role-session",
  account: "production",
  roleOnly: true,
  change: ({ plan, prod }) => {
    if (!prod.role) return undefined;
    // A role xacct did not make keeps its own maximum unless one is asked for.
    if (!madeBySetup(prod.role.tags, setupId(plan.answers)) && plan.answers.maxSessionDuration === DEFAULTS.maxSessionDuration) return undefined;
    const wanted = plan.answers.maxSessionDuration;
    const differs = prod.role.maxSessionDuration !== wanted;
    return {
      id: "role-session",
      account: "production",
      kind: differs ? "update" : "none",
      resource: `maximum session duration of role ${plan.answers.roleName}`,
      ...(differs ? { note: `${prod.role.maxSessionDuration} s → ${wanted} s` } : {}),
    };
  },
  apply: ({ clients, plan, current }) => ({
    title: `Role ${plan.answers.roleName} allows sessions of up to ${plan.answers.maxSessionDuration} s`,
    undo: `aws iam update-role --role-name ${plan.answers.roleName} --max-session-duration ${current.role?.maxSessionDuration ?? ONE_HOUR_SECONDS} --profile ${displayShellWord(plan.answers.productionProfile)}`,
    write: async () => {
      await clients.iam.send(new UpdateRoleCommand({ RoleName: plan.answers.roleName, MaxSessionDuration: plan.answers.maxSessionDuration }));
      return "updated";
    },
  }),
};

/** A role's trust, tags and maximum session; undefined when there is no such role. */
export async function readRole(clients: AwsClients, roleName: string): Promise<RoleState | undefined> {
  const out = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
  if (!out?.Role) return undefined;
  return {
    arn: out.Role.Arn ?? "",
    trust: parsePolicyDocument(out.Role.AssumeRolePolicyDocument ?? "{}", `trust policy of role ${roleName}`),
    tags: out.Role.Tags ?? [],
    maxSessionDuration: out.Role.MaxSessionDuration ?? ONE_HOUR_SECONDS,
    boundaryArn: out.Role.PermissionsBoundary?.PermissionsBoundaryArn,
  };
}

/**
 * A shared document (bucket policy, role trust) is written as merged when the plan was made;
 * if someone changed it since, writing the merge would undo their change: stop instead.
 */
function refuseIfChanged(change: Change, now: PolicyDocument | undefined): void {
  refuseInexactRewrite(now, change.resource);
  const unchanged = change.before && now ? sameDocument(change.before, now) : change.before === now;
  if (unchanged) return;
  throw new XacctError(`The ${change.resource} changed since the plan was shown; xacct will not write over that change.`, {
    hint: "Run setup again: the new plan merges into the document as it is now.",
  });
}

async function writeRole(clients: AwsClients, plan: SetupPlan, change: Change): Promise<StepStatus> {
  const document = JSON.stringify(change.after);
  const roleName = plan.answers.roleName;
  if (change.kind === "update") {
    refuseIfChanged(change, (await readRole(clients, roleName))?.trust);
    await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: document }));
    return "updated";
  }
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: document,
      Description: `xacct: lets account ${plan.accounts.staging.accountId} read ${plan.answers.bucket}`,
      MaxSessionDuration: plan.answers.maxSessionDuration,
      Tags: xacctTags(plan),
    }),
  );
  return "created";
}

function trustOverflow(plan: SetupPlan, trust: PolicyDocument, accounts: number): Overflow | undefined {
  const length = size(trust);
  if (length <= LIMITS.trust) return undefined;
  const what = `the trust policy of ${plan.answers.roleName}`;
  const ours = plan.documents.trust.Statement;
  // The role's other statements alone leave no room for even a one-account statement: they are its owner's to trim.
  if (othersSize(trust, ours, size) + size(policyDocument(ours)) - size(policyDocument([])) > LIMITS.trust && size(plan.documents.trust) <= LIMITS.trust) {
    return {
      what,
      length,
      limit: LIMITS.trust,
      hint: `The role's own trust statements take most of the room: make room in it (or ask AWS to raise the quota to 4096), or choose another role with --role-name.`,
    };
  }
  return {
    what,
    length,
    limit: LIMITS.trust,
    hint:
      accounts > 1
        ? "Name the whole organization instead of listing accounts: --org-id o-… (aws:PrincipalOrgID), or trust fewer accounts per role."
        : "Trust fewer principals (--trust-principal), or ask AWS to raise the trust policy quota to 4096.",
  };
}
