/**
 * The role's read-only managed policy (role mode): created with xacct's tags, updated by a new
 * default version (IAM keeps five), and deleted with all its versions only when it is this
 * setup's and attached nowhere else.
 */
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPolicyVersionsCommand,
  type Tag,
} from "@aws-sdk/client-iam";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing } from "../aws/errors.js";
import { setupId, xacctTags, type SetupPlan } from "../plan.js";
import { parsePolicyDocument } from "../policy/index.js";
import { displayShellWord } from "../shell-words.js";
import type { StepStatus } from "../stages/steps.js";
import { documentChange, keptNow, NO_LONGER, tagMap, type Change, type Removal, type ResourceKind } from "./resource.js";
import { EXPORT_NAME as ROLE_EXPORT_NAME } from "./role.js";
import { madeBySetup, removalByTags, type ManagedPolicyState, type ProductionState } from "./state.js";

/** Names in exported templates, stable so that a later export updates in place. */
export const EXPORT_NAME = { terraform: "read_objects", cloudformation: "ReadObjectsPolicy" } as const;

export const managedPolicy: ResourceKind = {
  id: "managed-policy",
  account: "production",
  roleOnly: true,
  change: ({ plan, prod }) => ({
    id: "managed-policy",
    account: "production",
    kind: documentChange(prod.managedPolicy?.document, plan.documents.readObjects),
    resource: `managed policy ${plan.answers.policyName}`,
    before: prod.managedPolicy?.document,
    after: plan.documents.readObjects,
  }),
  apply: ({ clients, plan, current }) => ({
    title: `Managed policy ${plan.answers.policyName}: s3:GetObject on ${plan.answers.bucket}/*`,
    undo: `aws iam delete-policy --policy-arn ${plan.policyArn} --profile ${displayShellWord(plan.answers.productionProfile)}`,
    undoUpdate: current.managedPolicy
      ? `aws iam set-default-policy-version --policy-arn ${plan.policyArn} --version-id ${current.managedPolicy.defaultVersionId} --profile ${displayShellWord(plan.answers.productionProfile)}`
      : undefined,
    write: (c) => writeManagedPolicy(clients, plan, c, current),
  }),
  removal: ({ target, prod, deps }) => {
    const removal: Removal = {
      id: "managed-policy",
      account: "production",
      ...removalByTags(!!prod.managedPolicy, prod.managedPolicy?.tags ?? [], setupId(target)),
      resource: `managed policy ${target.policyName} and all its versions`,
    };
    if (removal.kind === "delete" && deps.policyUsedElsewhere)
      Object.assign(removal, { kind: "keep", note: "it is attached to other roles, users or groups too" });
    return removal;
  },
  adoption: ({ plan, prod }) => ({
    resource: `managed policy ${plan.answers.policyName}`,
    exists: prod.managedPolicy !== undefined,
    terraformId: plan.policyArn,
    cloudformationId: { PolicyArn: plan.policyArn },
  }),
  terraform: ({ templated: p, plan }) => [
    {
      file: "production.tf.json",
      type: "aws_iam_policy",
      name: EXPORT_NAME.terraform,
      body: {
        provider: "aws.production",
        name: p.answers.policyName,
        description: `xacct: read objects of ${p.answers.bucket}`,
        policy: JSON.stringify(p.documents.readObjects),
        tags: tagMap(p),
      },
      document: { name: "readObjects", field: "policy", expected: plan.documents.readObjects },
    },
  ],
  cloudformation: ({ templated: p, plan }) => [
    {
      template: "production",
      logicalId: EXPORT_NAME.cloudformation,
      resource: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          ManagedPolicyName: p.answers.policyName,
          Description: `xacct: read objects of ${p.answers.bucket}`,
          PolicyDocument: p.documents.readObjects,
          // The attachment lives here, not in the role's ManagedPolicyArns, so the role can exist first.
          Roles: [{ Ref: ROLE_EXPORT_NAME.cloudformation }],
        },
      },
      document: { name: "readObjects", field: "PolicyDocument", expected: plan.documents.readObjects },
    },
  ],
  remove: ({ clients, target }) => ({
    title: `Managed policy ${target.policyName}`,
    remove: async () => {
      const policy = await readPolicyOwnership(clients, target.policyArn);
      if (!policy) return "absent";
      if (!madeBySetup(policy.tags, setupId(target))) return keptNow(NO_LONGER);
      if (policy.attachmentCount > 0) return keptNow("it is attached to other roles, users or groups now");
      const versions = await clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: target.policyArn }));
      for (const version of (versions.Versions ?? []).filter((v) => !v.IsDefaultVersion)) {
        await clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: target.policyArn, VersionId: version.VersionId }));
      }
      await clients.iam.send(new DeletePolicyCommand({ PolicyArn: target.policyArn }));
      return "deleted";
    },
  }),
};

export async function readManagedPolicy(clients: AwsClients, policyArn: string): Promise<ManagedPolicyState | undefined> {
  const policy = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
  const defaultVersionId = policy?.Policy?.DefaultVersionId;
  if (!defaultVersionId) return undefined;
  const [version, versions] = await Promise.all([
    clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: defaultVersionId })),
    clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn })),
  ]);
  return {
    document: parsePolicyDocument(version.PolicyVersion?.Document ?? "{}"),
    defaultVersionId,
    versions: (versions.Versions ?? []).map((v) => ({
      id: v.VersionId ?? "",
      isDefault: v.IsDefaultVersion ?? false,
      created: v.CreateDate?.getTime() ?? 0,
    })),
    tags: policy?.Policy?.Tags ?? [],
    attachmentCount: policy?.Policy?.AttachmentCount ?? 0,
  };
}

/** Whose a managed policy is and how many attach it, in one call; undefined when it is gone. */
export async function readPolicyOwnership(clients: AwsClients, policyArn: string): Promise<{ tags: Tag[]; attachmentCount: number } | undefined> {
  const out = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
  return out?.Policy ? { tags: out.Policy.Tags ?? [], attachmentCount: out.Policy.AttachmentCount ?? 0 } : undefined;
}

async function writeManagedPolicy(clients: AwsClients, plan: SetupPlan, change: Change, current: ProductionState): Promise<StepStatus> {
  const document = JSON.stringify(change.after);
  if (change.kind === "create") {
    await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: plan.answers.policyName,
        PolicyDocument: document,
        Description: `xacct: read objects of ${plan.answers.bucket}`,
        Tags: xacctTags(plan),
      }),
    );
    return "created";
  }
  // IAM keeps at most five versions of a managed policy: drop the oldest non-default one.
  const versions = current.managedPolicy?.versions ?? [];
  if (versions.length >= 5) {
    const oldest = versions.filter((v) => !v.isDefault).sort((a, b) => a.created - b.created)[0];
    if (oldest) await clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: plan.policyArn, VersionId: oldest.id }));
  }
  await clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: plan.policyArn, PolicyDocument: document, SetAsDefault: true }));
  return "updated";
}
