/**
 * Teardown's removals as steps. Each delete asks AWS again, at that moment, whether the
 * resource is still this setup's (its tags, its content) and keeps it otherwise, saying why.
 */
import {
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListPolicyVersionsCommand,
  UpdateAssumeRolePolicyCommand,
  type Tag,
} from "@aws-sdk/client-iam";
import { DeleteBucketCommand, DeleteBucketPolicyCommand, DeleteObjectsCommand, ListObjectVersionsCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing, withAwsContext } from "../aws/errors.js";
import { setupId } from "../plan.js";
import { inexactRewriteNote, isOneOf, parsePolicyDocument } from "../policy/index.js";
import { removeSetupStatements } from "./bucket-statements.js";
import { madeBySetup, readBucketPolicy, readBucketTags, readRole, type ProductionState } from "./current.js";
import type { Step, StepOutcome, StepStatus } from "./steps.js";
import { bucketSetupOf, countObjectVersions, foreignStatementNames, stagingPolicyCandidates, trustWithoutOurs, type Removal, type RemovalId, type TeardownTarget } from "./teardown.js";

/**
 * The removals as steps. Each delete asks AWS again, at that moment, whether the resource is
 * still this setup's (tags, content) and keeps it otherwise: the plan may have been on screen
 * for a while, and someone may have taken the resource over since.
 */
export function teardownSteps(
  prodClients: AwsClients,
  stagingClients: AwsClients,
  removals: Removal[],
  target: TeardownTarget,
  _prod: ProductionState,
  where: { production: { account: string; profile: string }; staging: { account: string; profile: string } },
): Step[] {
  const iam = prodClients.iam;
  const id = setupId(target);
  const run = (removalId: RemovalId, title: string, remove: (r: Removal) => Promise<StepStatus | StepOutcome>): Step => ({
    id: removalId,
    title,
    run: async () => {
      const removal = removals.find((r) => r.id === removalId)!;
      if (removal.kind === "none") return "absent";
      if (removal.kind === "keep") return "kept";
      const side = where[removal.account];
      const outcome = await withAwsContext({ action: `removing ${removal.resource} in ${side.account}`, profile: side.profile }, () => remove(removal));
      // Kept after all: the plan's line for it, and --json's, say so and why.
      if (typeof outcome !== "string" && outcome.status === "kept") Object.assign(removal, { kind: "keep", note: outcome.note });
      return outcome;
    },
  });
  const keptNow = (note: string): StepOutcome => ({ status: "kept", note });
  const NO_LONGER = "AWS no longer shows it as this setup's";
  const steps = [
    run("attach", `Detach ${target.policyName} from role ${target.roleName}`, async () => {
      const policy = await readPolicyOwnership(prodClients, target.policyArn);
      if (!policy || !madeBySetup(policy.tags, id)) return keptNow(`the managed policy: ${NO_LONGER}`);
      await iam.send(new DetachRolePolicyCommand({ RoleName: target.roleName, PolicyArn: target.policyArn }));
      return "deleted";
    }),
    run("managed-policy", `Delete managed policy ${target.policyName}`, async () => {
      const policy = await readPolicyOwnership(prodClients, target.policyArn);
      if (!policy) return "absent";
      if (!madeBySetup(policy.tags, id)) return keptNow(NO_LONGER);
      if (policy.attachmentCount > 0) return keptNow("it is attached to other roles, users or groups now");
      const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: target.policyArn }));
      for (const version of (versions.Versions ?? []).filter((v) => !v.IsDefaultVersion)) {
        await iam.send(new DeletePolicyVersionCommand({ PolicyArn: target.policyArn, VersionId: version.VersionId }));
      }
      await iam.send(new DeletePolicyCommand({ PolicyArn: target.policyArn }));
      return "deleted";
    }),
    run("role", `Delete role ${target.roleName}`, async () => {
      const role = await readRole(prodClients, target.roleName);
      if (!role) return "absent";
      if (!madeBySetup(role.tags, id)) return keptNow(NO_LONGER);
      const trust = trustWithoutOurs(role.trust, target);
      const othersTrusted = trust.rest;
      if (othersTrusted.length > 0) return keptNow(`its trust policy admits others too now: ${othersTrusted.join(", ")}`);
      // IAM deletes no role with a policy attached: one kept above keeps the role too.
      if (removals.find((r) => r.id === "attach")?.kind === "keep") return keptNow(`${target.policyName} stays attached to it`);
      await iam.send(new DeleteRoleCommand({ RoleName: target.roleName }));
      return "deleted";
    }),
    run("role-trust", `Remove xacct's statement from the trust policy of role ${target.roleName}`, async () => {
      const role = await readRole(prodClients, target.roleName);
      if (!role) return "absent";
      const now = trustWithoutOurs(role.trust, target);
      if (now.kind !== "update") return now.kind === "none" ? "absent" : keptNow(now.note ?? NO_LONGER);
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: target.roleName, PolicyDocument: JSON.stringify(now.after) }));
      return "updated";
    }),
    run("bucket-policy", `Remove this setup's statements from the policy of bucket ${target.bucket}`, async () => {
      // The policy as it is now: statements others added since the plan was shown stay.
      const policy = await readBucketPolicy(prodClients, target.bucket);
      const now = policy ? removeSetupStatements(policy, bucketSetupOf(target)) : undefined;
      if (!now || now.removed.length === 0) return "absent";
      const inexact = inexactRewriteNote(policy);
      if (inexact) return keptNow(`it ${inexact}`);
      if (now.after) await prodClients.s3.send(new PutBucketPolicyCommand({ Bucket: target.bucket, Policy: JSON.stringify(now.after) }));
      else await prodClients.s3.send(new DeleteBucketPolicyCommand({ Bucket: target.bucket }));
      return now.after ? "updated" : "deleted";
    }),
    run("bucket", `Delete bucket ${target.bucket}`, async () => {
      if (!madeBySetup(await readBucketTags(prodClients, target.bucket), id)) return keptNow(`${NO_LONGER}; its objects were not touched`);
      // This setup's statements left in the step before: whatever the policy still holds is someone else's grant.
      const policy = await readBucketPolicy(prodClients, target.bucket);
      const others = foreignStatementNames(policy ? removeSetupStatements(policy, bucketSetupOf(target)).after : undefined);
      if (others.length > 0) return keptNow(`its policy holds statements that are not this setup's now: ${others.join(", ")}; its objects were not touched`);
      const objects = await countObjectVersions(prodClients, target.bucket);
      if (objects > 0 && !target.deleteObjects) return keptNow("it holds objects now; give --delete-objects to delete them too");
      if (target.deleteObjects) await emptyBucket(prodClients, target.bucket);
      await prodClients.s3.send(new DeleteBucketCommand({ Bucket: target.bucket }));
      return "deleted";
    }),
    run("inline-policy", `Delete inline policy ${target.inlinePolicyName} of user ${target.stagingUser}`, async () => {
      const out = await unlessMissing(["NoSuchEntity"], () =>
        stagingClients.iam.send(new GetUserPolicyCommand({ UserName: target.stagingUser, PolicyName: target.inlinePolicyName })),
      );
      if (!out?.PolicyDocument) return "absent";
      if (!isOneOf(parsePolicyDocument(out.PolicyDocument), stagingPolicyCandidates(target))) return keptNow("its content is no longer what xacct wrote");
      await stagingClients.iam.send(new DeleteUserPolicyCommand({ UserName: target.stagingUser, PolicyName: target.inlinePolicyName }));
      return "deleted";
    }),
    run("user", `Delete user ${target.stagingUser}`, async () => {
      const user = await unlessMissing(["NoSuchEntity"], () => stagingClients.iam.send(new GetUserCommand({ UserName: target.stagingUser })));
      if (!user?.User) return "absent";
      if (!madeBySetup(user.User.Tags ?? [], id)) return keptNow(NO_LONGER);
      // Anything given to the user since the plan makes IAM refuse the delete (DeleteConflict).
      await stagingClients.iam.send(new DeleteUserCommand({ UserName: target.stagingUser }));
      return "deleted";
    }),
  ];
  // Resources this mode never had (no role in resource-policy mode) have no step.
  return steps.filter((step) => removals.some((r) => r.id === step.id));
}

/** Whose a managed policy is and how many attach it, in one call; undefined when it is gone. */
async function readPolicyOwnership(clients: AwsClients, policyArn: string): Promise<{ tags: Tag[]; attachmentCount: number } | undefined> {
  const out = await unlessMissing(["NoSuchEntity"], () => clients.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
  return out?.Policy ? { tags: out.Policy.Tags ?? [], attachmentCount: out.Policy.AttachmentCount ?? 0 } : undefined;
}

/** Deletes every object version and delete marker, a page of up to 1000 at a time. */
async function emptyBucket(clients: AwsClients, bucket: string): Promise<void> {
  for (;;) {
    const page = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length === 0) return;
    await clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}
