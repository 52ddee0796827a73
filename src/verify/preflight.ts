/**
 * Pre-flight for setup: before any write, judge the documents as setup will leave them (its
 * statements merged into what exists) together with everything else that already exists (other statements in the bucket policy, the user's and the role's other
 * policies, Block Public Access) and refuse a plan that would not grant the intended access or
 * would grant more. Reads only what setup has not read already.
 */
import type { AwsClients } from "../aws/clients.js";
import { withAwsContext } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import type { SetupPlan } from "../plan.js";
import { defaultSessionName } from "../session-name.js";
import type { LabeledPolicy } from "../policy-eval/index.js";
import type { Change } from "../stages/changes.js";
import type { ProductionState } from "../stages/current.js";
import { readBucketAcl } from "./bucket-acl.js";
import { readBoundary, readCanonicalId, readRoleInlinePolicies, readStagingSide, type PathDocuments } from "./documents.js";
import { permissionSetRoleArn, permissionSetsOf, principalWords, stagingPrincipalOf } from "../resources/staging-principal.js";
import { buildAssumeRolePolicy } from "../policy/index.js";
import { computeHops, requestContext, type Hop } from "./hops.js";
import { managedDocumentsExcept } from "./managed.js";
import { preflightWords } from "./preflight-causes.js";

export async function preflightDocuments(
  prod: AwsClients,
  staging: AwsClients,
  plan: SetupPlan,
  changes: Change[],
  current: ProductionState,
  userExists: boolean,
  /** The Staging user's boundary and ARN (with its path), from the GetUser setup already made. */
  userBoundaryArn?: string | undefined,
  userArn?: string | undefined,
): Promise<PathDocuments> {
  const { roleName, bucket } = plan.answers;
  const side = principalWords(stagingPrincipalOf(plan.answers));
  const after = (id: Change["id"]) => {
    const document = changes.find((c) => c.id === id)?.after;
    if (!document) throw new Error(`pre-flight: no ${id} change to judge`);
    return document;
  };
  // Settings as they will be: hardened when setup creates or hardens the bucket.
  const hardened = changes.some((c) => c.id === "bucket-hardening" && c.kind !== "none");
  const ownership = hardened ? "BucketOwnerEnforced" : current.bucketSettings?.objectOwnership;
  const sets = permissionSetsOf(plan.answers);
  const [user, roleInline, roleAttached, bucketAcl, roleBoundary, stagingCanonicalId] = await Promise.all([
    // Permission sets: their roles are Identity Center's, not read; judged as carrying the policy setup prints.
    sets.length > 0
      ? { exists: true, policies: [] as LabeledPolicy[] }
      : userExists
        ? withAwsContext({ action: `reading the policies of ${side}`, profile: plan.answers.stagingProfile }, () =>
            readStagingSide(staging.iam, plan.answers, { boundaryArn: userBoundaryArn, skipInline: plan.inlinePolicyName }),
          )
        : { exists: false, policies: [] as LabeledPolicy[] },
    current.role && plan.answers.mode === "role"
      ? withAwsContext({ action: `reading the inline policies of role ${roleName}`, profile: plan.answers.productionProfile }, () =>
          readRoleInlinePolicies(prod.iam, roleName),
        )
      : [],
    plan.answers.mode === "role"
      ? managedDocumentsExcept(prod, current.attachedPolicyArns, plan.policyArn, `role ${roleName}`, plan.answers.productionProfile)
      : [],
    // ACLs count only where they stay on: an existing bucket setup leaves as it is.
    ownership !== "BucketOwnerEnforced" && current.bucketExists
      ? withAwsContext({ action: `reading the ACL of bucket ${bucket}`, profile: plan.answers.productionProfile }, () => readBucketAcl(prod, bucket))
      : [],
    current.role && plan.answers.mode === "role"
      ? withAwsContext({ action: `reading the permissions boundary of role ${roleName}`, profile: plan.answers.productionProfile }, () =>
          readBoundary(prod.iam, current.role?.boundaryArn, `role ${roleName}`),
        )
      : undefined,
    withAwsContext({ action: "reading the Staging account's S3 canonical user ID", profile: plan.answers.stagingProfile }, () => readCanonicalId(staging)),
  ]);
  const blocked = hardened || (current.bucketSettings?.publicAccessBlocked ?? false);
  const ownInline = `inline policy ${plan.inlinePolicyName} of ${side}`;
  const stagingSide =
    sets.length > 0
      ? {
          userArn: permissionSetRoleArn(plan.partition, plan.accounts.staging.accountId, sets[0]!),
          userPolicies: [
            {
              label: `the policy permission set ${sets[0]} must carry (not read: it lives in Identity Center)`,
              document: buildAssumeRolePolicy({ roleArn: plan.roleArn, allowSourceIdentity: plan.answers.trust.allowSourceIdentity }),
            },
          ],
        }
      : {
          userArn: userArn ?? ("arn" in user ? user.arn : undefined),
          userPolicies: [...user.policies.filter((p) => p.label !== ownInline), { label: ownInline, document: after("inline-policy") }],
        };
  // Every document as setup will leave it: the changes hold them merged with what exists
  // (an existing role's whole trust, the whole bucket policy), never the plan's part alone.
  return {
    userExists: true,
    userArn: stagingSide.userArn,
    userBoundary: "boundary" in user ? user.boundary : undefined,
    roleBoundary,
    productionCanonicalId: plan.accounts.production.canonicalUserId,
    stagingCanonicalId,
    userPolicies: stagingSide.userPolicies,
    ...(plan.answers.mode === "role"
      ? {
          trust: { label: `trust policy of role ${roleName}`, document: after("role") },
          rolePolicies: [
            ...roleInline,
            ...roleAttached,
            { label: `managed policy ${plan.answers.policyName} of role ${roleName}`, document: after("managed-policy") },
          ],
        }
      : { trust: undefined, rolePolicies: [] }),
    bucketPolicy: { label: `bucket policy of ${bucket}`, document: after("bucket-policy") },
    kms: keyAsItWillBe(current, changes),
    publicAccessBlock: { BlockPublicAcls: blocked, IgnorePublicAcls: blocked, BlockPublicPolicy: blocked, RestrictPublicBuckets: blocked },
    objectOwnership: ownership,
    bucketAcl,
  };
}

/** `testKey`: the object setup's --test-key names; the read hops judge it too. */
export function preflightHops(docs: PathDocuments, plan: SetupPlan, testKey?: string): Hop[] {
  return computeHops(docs, {
    objectKeys: testKey === undefined ? undefined : [testKey],
    mode: plan.answers.mode,
    moreStagingAccountIds: plan.accounts.moreStaging?.map((a) => a.accountId),
    region: plan.answers.region,
    productionAccountId: plan.accounts.production.accountId,
    stagingAccountId: plan.accounts.staging.accountId,
    stagingUser: stagingSideName(plan.answers),
    ssoPermissionSets: permissionSetsOf(plan.answers),
    roleName: plan.answers.roleName,
    roleArn: plan.roleArn,
    bucket: plan.answers.bucket,
    sessionName: defaultSessionName(plan.answers.stagingProfile),
    assumeContext: requestContext(plan.answers.trust),
  });
}

/**
 * One error naming every hop the plan would leave broken, in setup's terms (preflight-causes.ts);
 * hops broken by one cause are named together. `unchanged`: nothing was to change, the documents in place fail.
 */
export function refusePlan(failed: Hop[], about: { plan?: SetupPlan; userArn?: string | undefined; unchanged?: boolean } = {}): XacctError {
  const { plan, userArn, unchanged = false } = about;
  const said = failed.map((hop) => {
    const words = preflightWords(hop, plan, userArn);
    return { title: hop.title, why: `${words.detail}${words.fix ? ` Fix: ${words.fix}` : ""}` };
  });
  const causes = [...new Set(said.map((s) => s.why))];
  const list = causes
    .map(
      (why) =>
        `${said
          .filter((s) => s.why === why)
          .map((s) => s.title)
          .join(", and ")} (${why})`,
    )
    .join("; ");
  const checks = failed.length === 1 ? "this check fails" : "these checks fail";
  const what = unchanged
    ? `Setup has nothing to change, but with the documents as they are, ${checks}`
    : `Setup refused before changing anything: with this plan, ${checks}`;
  return new XacctError(`${what}: ${list}`, {
    hint: unchanged
      ? "Fix what is named (the same setup command with --plan shows every check), or run it with --no-preflight to go on without this check."
      : "Fix what is named, or run the same setup command with --no-preflight to apply the plan anyway.",
  });
}

/**
 * The bucket's default KMS key with its key policy as setup will leave it (xacct's statement
 * merged in), so the KMS hops judge the plan. An AWS managed key is left out: its fixed policy
 * admits every principal of its account through S3, and other accounts are refused earlier.
 */
function keyAsItWillBe(current: ProductionState, changes: Change[]): PathDocuments["kms"] {
  const read = current.bucketKeys[0];
  if (!read || read.key.manager === "AWS") return undefined;
  const change = changes.find((c) => c.id === "key-policy" && c.resource.endsWith(read.key.arn));
  const document = change?.after ?? read.keyPolicy;
  return {
    encryption: { algorithm: "aws:kms", keyId: read.key.arn, bucketKeyEnabled: read.bucketKeyEnabled },
    key: read.key,
    keyPolicy: document && { label: `key policy of ${read.key.arn}`, document },
  };
}

/** How hops name the Staging side: the user by its name (the recipe's words), a Staging role as "role NAME". */
export function stagingSideName(side: {
  stagingUser: string;
  stagingRole?: string | undefined;
  trust?: { ssoPermissionSets?: string[] | undefined };
  ssoPermissionSets?: string[] | undefined;
}): string {
  const sets = permissionSetsOf(side);
  if (sets.length > 0) return `permission set${sets.length === 1 ? "" : "s"} ${sets.join(", ")}`;
  return side.stagingRole !== undefined ? `role ${side.stagingRole}` : side.stagingUser;
}
