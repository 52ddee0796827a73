/**
 * The KMS keys of an SSE-KMS bucket. Reading its objects needs kms:Decrypt on the key too: the
 * reader's own policy gets it (plan.ts merges it into the role's managed policy or the Staging
 * user's inline policy), and the key policy must admit the reader. Where it does not already
 * (role mode: a key policy that lets Production's IAM policies decide does), this setup's
 * statement is merged into it by Sid, every other statement kept; teardown takes out only that
 * statement, never the key. One instance per key, so a second key is one more item.
 */
import type { AwsClients } from "../aws/clients.js";
import { describeKey, encryptionKeyId, readKeyPolicy, usesKms, type Encryption } from "../aws/kms.js";
import { XacctError } from "../errors.js";
import { setupId, type KmsPlan, type SetupAnswers, type SetupPlan } from "../plan.js";
import {
  inexactRewriteNote,
  isKeyStatementSid,
  isXacctKeyStatement,
  keyPolicyPrincipals,
  keyStatementSid,
  mergeKeyStatement,
  plannedKmsGrants,
  refuseOversizedKeyPolicy,
  refuseUnsafeKeyMerge,
  removeKeyStatement,
  type KeySetup,
  type KmsKey,
  type Partition,
  type PolicyDocument,
  type PolicyStatement,
} from "../policy/index.js";
import { keyStateProblem } from "../verify/hops/key-state.js";
import { displayShellWord } from "../shell-words.js";
import { keyPolicyAdmitsReader } from "../verify/hops/kms.js";
import { readerDecryptRequest } from "../verify/kms-request.js";
import { defaultSessionName } from "../session-name.js";
import { writeKeyPolicy } from "./key-policy-write.js";
import { documentChange, keptNow, type Change, type Removal, type ResourceKind, type TeardownTarget } from "./resource.js";
import type { BucketKeyState } from "./state.js";

export const keyPolicy: ResourceKind = {
  id: "key-policy",
  account: "production",
  hiddenWhenNone: true,
  change: ({ plan, prod }) => [
    ...(plan.kms?.keyStatements ?? []).map((setup) => keyPolicyChange(setup, setup.keyPolicy)),
    ...keysNoLongerNeeded(plan, prod.bucketKeys),
  ],
  apply: ({ clients, plan, lockDirectory }, change) => {
    const profile = plan.answers.productionProfile;
    const setup = plan.kms?.keyStatements.find((s) => change.resource.endsWith(s.keyArn));
    if (!setup) {
      // A key this setup no longer needs: only its own statement leaves.
      const keyArn = change.resource.replace(/^.* /, "");
      const ours = ownStatement(change.before!, setupId(plan.answers), keyArn)!;
      const undo = `put statement ${ours.Sid} back into the key policy of ${keyArn}, keeping every other (${putKeyPolicyCommand(keyArn, profile)})`;
      return {
        title: `Key policy of ${keyArn}: this setup's statement ${ours.Sid} removed (the key is no longer needed)`,
        undo,
        undoUpdate: undo,
        write: async (c) => {
          await writeKeyPolicy(clients, {
            setup: { setupId: setupId(plan.answers), keyArn, region: keyRegion(keyArn), statement: ours },
            planned: c.before!,
            action: "remove",
            lockDirectory,
            profile,
          });
          return "updated";
        },
      };
    }
    return {
      title: `Key policy of ${setup.keyArn}: ${readerName(plan)} may decrypt through S3`,
      undo: removeStatementUndo(setup, profile),
      undoUpdate: removeStatementUndo(setup, profile),
      write: async (c) => {
        // Merged again into the key policy as it is now, under a lock, and read back (key-policy-write.ts).
        await writeKeyPolicy(clients, { setup, planned: c.before!, action: "merge", lockDirectory, profile });
        return "updated";
      },
    };
  },
  // Neither export carries the key policy: aws_kms_key_policy resets the whole key policy to
  // AWS's default on destroy (everyone else's statements with it), and CloudFormation can set
  // only the policy of a key its stack creates. Both say to let setup merge the statement.
  terraform: () => [],
  removal: ({ target, prod }) => prod.bucketKeys.flatMap((k) => (k.keyPolicy ? [keyStatementRemoval(target, k.key.arn, k.key.region, k.keyPolicy)] : [])),
  remove: ({ clients, target, lockDirectory, profile }, removal) => {
    const keyArn = removal.resource.replace(/^.* /, "");
    return {
      title: `Remove this setup's statement from the key policy of ${keyArn}`,
      remove: async () => {
        // The key policy as it is now: only this setup's statement leaves; the key always stays.
        const now = await readKeyPolicy(clients, keyArn, profile);
        const sid = keyStatementSid(setupId(target));
        const region = keyArn.split(":")[3] ?? "";
        const ours = now.Statement.find((s) => s.Sid === sid && isXacctKeyStatement(s, region));
        if (!ours) return "absent";
        const inexact = inexactRewriteNote(now);
        if (inexact) return keptNow(`it ${inexact}`);
        await writeKeyPolicy(clients, {
          setup: { setupId: setupId(target), keyArn, region, statement: ours },
          planned: now,
          action: "remove",
          lockDirectory,
          profile,
        });
        return "updated";
      },
    };
  },
};

/** What an export says about a key whose policy it does not carry (why depends on the format). */
export function keyPolicyNote(plan: SetupPlan, format: "terraform" | "cloudformation" = "cloudformation"): string[] {
  const why =
    format === "terraform"
      ? "Terraform's aws_kms_key_policy would replace the whole key policy, and reset it to AWS's default on destroy, wiping everyone else's statements"
      : "CloudFormation cannot change the policy of a key its stack did not create";
  return (plan.kms?.keyStatements ?? []).map(
    (s) =>
      `The key policy of ${s.keyArn} needs xacct's statement ${s.statement.Sid} (${why}): run \`xacct setup\`, which merges it and leaves every other statement as it is.`,
  );
}

/** KMS has no call that removes one statement: the undo says which, and the command that writes the edited policy. */
function removeStatementUndo(setup: KeySetup, profile: string): string {
  return `remove statement ${setup.statement.Sid} from the key policy of ${setup.keyArn}, keeping every other (${putKeyPolicyCommand(setup.keyArn, profile)})`;
}

function putKeyPolicyCommand(keyArn: string, profile: string): string {
  return `aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://key-policy.json --profile ${displayShellWord(profile)}`;
}

function keyRegion(keyArn: string): string {
  return keyArn.split(":")[3] ?? "";
}

/** This setup's statement in a key policy, as xacct writes it (or wrote it before). */
function ownStatement(policy: PolicyDocument, id: string, keyArn: string): PolicyStatement | undefined {
  const sid = keyStatementSid(id);
  return policy.Statement.find((s) => s.Sid === sid && isXacctKeyStatement(s, keyRegion(keyArn)));
}

/** Keys setup remembered (or the bucket no longer uses) that still hold this setup's statement: it comes out, shown in the plan. */
function keysNoLongerNeeded(plan: SetupPlan, keys: readonly BucketKeyState[]): Change[] {
  const needed = new Set((plan.kms?.keyStatements ?? []).map((s) => s.keyArn));
  const id = setupId(plan.answers);
  return keys.flatMap(({ key, keyPolicy }) => {
    if (!keyPolicy || needed.has(key.arn) || !ownStatement(keyPolicy, id, key.arn)) return [];
    const { after } = removeKeyStatement(keyPolicy, { setupId: id, keyArn: key.arn, region: key.region });
    return [
      {
        id: "key-policy",
        account: "production",
        kind: "update",
        verb: "remove",
        resource: `xacct's statement from the key policy of ${key.arn}`,
        note: "this setup no longer needs that key",
        before: keyPolicy,
        after,
      } satisfies Change,
    ];
  });
}

function keyPolicyChange(setup: KeySetup, current: PolicyDocument): Change {
  refuseUnsafeKeyMerge(current, setup);
  const after = mergeKeyStatement(current, setup);
  refuseOversizedKeyPolicy(after, setup.keyArn);
  const kind = documentChange(current, after) === "none" ? "none" : "update";
  const adds = !current.Statement.some((s) => s.Sid === setup.statement.Sid);
  return {
    id: "key-policy",
    account: "production",
    kind,
    ...(kind === "update" && adds ? { verb: "add" as const } : {}),
    resource: `xacct's statement in the key policy of ${setup.keyArn}`,
    before: current,
    after,
  };
}

function keyStatementRemoval(target: TeardownTarget, keyArn: string, region: string, policy: PolicyDocument): Removal {
  const resource = `xacct's statement in the key policy of ${keyArn}`;
  const setup = { setupId: setupId(target), keyArn, region };
  let removed: string[];
  let after: PolicyDocument;
  try {
    ({ removed, after } = removeKeyStatement(policy, setup));
  } catch (error) {
    if (!(error instanceof XacctError)) throw error;
    return { id: "key-policy", account: "production", kind: "keep", resource, note: "it is the key policy's only statement: edit the key policy yourself" };
  }
  if (removed.length === 0) {
    const edited = policy.Statement.find((s) => s.Sid === keyStatementSid(setup.setupId));
    if (!edited) return { id: "key-policy", account: "production", kind: "none", resource };
    return {
      id: "key-policy",
      account: "production",
      kind: "keep",
      resource,
      note: `xacct's statement ${edited.Sid} was edited since setup wrote it, so its content is not xacct's any more and xacct leaves it: it may still let the reader decrypt; remove it from the key policy yourself`,
    };
  }
  const inexact = inexactRewriteNote(policy);
  if (inexact)
    return { id: "key-policy", account: "production", kind: "keep", resource, note: `the key policy ${inexact}: remove ${removed.join(", ")} yourself` };
  return {
    id: "key-policy",
    account: "production",
    kind: "update",
    resource,
    note: "only this setup's statement is removed; the key stays",
    before: policy,
    after,
  };
}

function readerName(plan: SetupPlan): string {
  return plan.answers.mode === "role" ? `role ${plan.answers.roleName}` : `Staging account ${plan.accounts.staging.accountId}`;
}

const AWS_ALIAS = /(^|:)alias\/aws\//;

/**
 * The keys reading needs: the bucket's default key, and the key of the object `--test-key`
 * names when it has its own. Each is resolved (DescribeKey) and, unless AWS manages it, its
 * key policy read.
 */
export async function readBucketKeys(
  clients: AwsClients,
  encryptions: readonly (Encryption | undefined)[],
  profile: string,
  productionAccountId?: string,
): Promise<BucketKeyState[]> {
  const keys: BucketKeyState[] = [];
  for (const encryption of encryptions.filter(usesKms)) {
    const keyId = encryptionKeyId(encryption);
    // A key of another account, named by ARN: its owner decides who may look it up, so it is
    // not looked up; planKms refuses it from the ARN alone.
    const elsewhere = productionAccountId ? foreignKey(keyId, productionAccountId) : undefined;
    if (elsewhere) {
      if (!keys.some((k) => k.key.arn === elsewhere.arn)) keys.push({ key: elsewhere, keyPolicy: undefined, bucketKeyEnabled: encryption.bucketKeyEnabled });
      continue;
    }
    const described = await describeKey(clients, keyId, profile);
    // Aliases under alias/aws/ are AWS's own: the key behind one is AWS managed, whatever else answers.
    const key = AWS_ALIAS.test(keyId) ? { ...described, manager: "AWS" as const } : described;
    if (keys.some((k) => k.key.arn === key.arn)) continue;
    const keyPolicy = key.manager === "AWS" ? undefined : await readKeyPolicy(clients, key.arn, profile);
    keys.push({ key, keyPolicy, bucketKeyEnabled: encryption.bucketKeyEnabled });
  }
  return keys;
}

const KMS_ARN = /^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/.+$/;

/** A key or alias ARN of an account other than Production, as a key (never looked up). */
function foreignKey(keyId: string, productionAccountId: string): KmsKey | undefined {
  const match = KMS_ARN.exec(keyId);
  if (!match || match[2] === productionAccountId) return undefined;
  return { arn: keyId, accountId: match[2]!, region: match[1]!, manager: "CUSTOMER" };
}

/** Keys setup remembered, not read already; one that no longer exists has nothing of xacct's to take out. */
export async function readRememberedKeys(
  clients: AwsClients,
  arns: readonly string[],
  known: readonly BucketKeyState[],
  profile: string,
): Promise<BucketKeyState[]> {
  const keys: BucketKeyState[] = [];
  for (const arn of arns.filter((a) => !known.some((k) => k.key.arn === a))) {
    try {
      const key = await describeKey(clients, arn, profile);
      keys.push({ key, keyPolicy: await readKeyPolicy(clients, key.arn, profile), bucketKeyEnabled: false, remembered: true });
    } catch (error) {
      if (error instanceof XacctError && error.awsCode === "NotFoundException") continue;
      throw error;
    }
  }
  return keys;
}

/**
 * Refuses, before any write, a key KMS will not decrypt with (disabled, scheduled for deletion,
 * without key material, …): granting on it would promise a read that fails.
 */
export function refuseUnusableKeys(bucketKeys: readonly BucketKeyState[]): void {
  for (const { key } of bucketKeys) {
    const problem = keyStateProblem(key);
    if (problem) throw new XacctError(`Setup refused before changing anything: ${problem.detail.replace(/^Cannot tell: /, "")}`, { hint: problem.fix });
  }
}

/** What planning the KMS grants needs to know of the setup. */
export interface KmsPlanInput {
  answers: Pick<SetupAnswers, "mode" | "bucket" | "roleName" | "region" | "stagingUser" | "stagingProfile" | "trust">;
  partition: Partition;
  productionAccountId: string;
  stagingAccountIds: string[];
  roleArn: string;
  /** The object `--test-key` names: its path is in the encryption context S3 sends KMS. */
  objectKey?: string | undefined;
}

/**
 * The grants the bucket's keys need, or undefined for a bucket without KMS. Refuses, before
 * any write, a key xacct cannot grant on: an AWS managed key in resource-policy mode, or one
 * outside Production. A key-policy statement is planned only where the key policy (without
 * this setup's statement) does not already admit the reader.
 */
export function planKms(input: KmsPlanInput, keysRead: readonly BucketKeyState[]): KmsPlan | undefined {
  const bucketKeys = keysRead.filter((k) => !k.remembered);
  if (bucketKeys.length === 0) return undefined;
  const { answers } = input;
  const id = setupId(answers);
  const [stagingAccountId, ...moreStagingAccountIds] = input.stagingAccountIds;
  const sharing = { mode: answers.mode, productionAccountId: input.productionAccountId, stagingAccountIds: input.stagingAccountIds };
  const principals = keyPolicyPrincipals(
    answers.mode === "role"
      ? { mode: "role", roleArn: input.roleArn }
      : {
          mode: "resource-policy",
          partition: input.partition,
          stagingAccountId: stagingAccountId!,
          moreStagingAccountIds,
          principals: answers.trust.principals,
        },
  );
  const reader = {
    mode: answers.mode,
    region: answers.region,
    productionAccountId: input.productionAccountId,
    roleArn: input.roleArn,
    stagingAccountId: stagingAccountId!,
    stagingUser: answers.stagingUser,
    sessionName: defaultSessionName(answers.stagingProfile),
  };
  const bucketKeyEnabled = bucketKeys.some((k) => k.bucketKeyEnabled);
  const plan: KmsPlan = { decrypt: [], keyStatements: [], ...(bucketKeyEnabled ? { bucketKeyEnabled } : {}) };
  const scope = { partition: input.partition, bucket: answers.bucket, bucketKeyEnabled };
  for (const { key, keyPolicy, bucketKeyEnabled } of bucketKeys) {
    // With Bucket Keys, objects written before they were on keep the object's context: both must be admitted.
    const requests = [false, ...(bucketKeyEnabled ? [true] : [])].map((bucketContext) =>
      readerDecryptRequest(reader, { key, bucket: answers.bucket, objectKey: input.objectKey ?? "*", bucketKeyEnabled: bucketContext }),
    );
    // Without every xacct statement (any setup's): each setup has its own, so one teardown never cuts another's reads.
    const others = keyPolicy ? { ...keyPolicy, Statement: keyPolicy.Statement.filter((s) => !isKeyStatementSid(s.Sid)) } : undefined;
    const admits =
      others !== undefined &&
      others.Statement.length > 0 &&
      requests.every((request) => keyPolicyAdmitsReader(request, { label: `key policy of ${key.arn}`, document: others }));
    const grants = plannedKmsGrants({ key, bucket: answers.bucket, setupId: id, sharing, principals, keyPolicyAdmitsReader: admits, scope });
    if (grants.decrypt) plan.decrypt.push(key);
    if (grants.keyStatement && keyPolicy)
      plan.keyStatements.push({ setupId: id, keyArn: key.arn, region: key.region, statement: grants.keyStatement, keyPolicy });
  }
  return plan;
}
