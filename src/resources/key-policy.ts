/**
 * The KMS keys of an SSE-KMS bucket. Reading its objects needs kms:Decrypt on the key too: the
 * reader's own policy gets it (plan.ts merges it into the role's managed policy or the Staging
 * user's inline policy), and the key policy must admit the reader. Where it does not already
 * (role mode: a key policy that lets Production's IAM policies decide does), this setup's
 * statement is merged into it by Sid, every other statement kept; teardown takes out only that
 * statement, never the key. One instance per key, so a second key is one more item.
 */
import type { AwsClients } from "../aws/clients.js";
import { describeKey, encryptionKeyId, readKeyPolicy, readObjectEncryption, usesKms, type Encryption } from "../aws/kms.js";
import { XacctError } from "../errors.js";
import { setupId, type KmsPlan, type SetupAnswers, type SetupPlan } from "../plan.js";
import {
  inexactRewriteNote,
  isXacctKeyStatement,
  keyPolicyPrincipals,
  keyStatementSid,
  mergeKeyStatement,
  plannedKmsGrants,
  refuseOversizedKeyPolicy,
  refuseUnsafeKeyMerge,
  removeKeyStatement,
  type KeySetup,
  type Partition,
  type PolicyDocument,
} from "../policy/index.js";
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
  change: ({ plan }) => (plan.kms?.keyStatements ?? []).map((setup) => keyPolicyChange(setup, setup.keyPolicy)),
  apply: ({ clients, plan, lockDirectory }, change) => {
    const setup = plan.kms!.keyStatements.find((s) => change.resource.endsWith(s.keyArn))!;
    return {
      title: `Key policy of ${setup.keyArn}: ${readerName(plan)} may decrypt through S3`,
      undo: `xacct teardown --yes  # removes only xacct's statement ${setup.statement.Sid} from the key policy`,
      write: async (c) => {
        // Merged again into the key policy as it is now, under a lock, and read back (key-policy-write.ts).
        await writeKeyPolicy(clients, { setup, planned: c.before!, action: "merge", lockDirectory, profile: plan.answers.productionProfile });
        return "updated";
      },
    };
  },
  // CloudFormation can set the policy only of a key its stack creates: export/cloudformation.ts says so.
  terraform: ({ templated, plan }) =>
    (plan.kms?.keyStatements ?? []).map((setup, index) => {
      const own = templated.kms?.keyStatements[index] ?? setup;
      return {
        file: "production.tf.json",
        type: "aws_kms_key_policy",
        name: `xacct_bucket_key${index === 0 ? "" : `_${index + 1}`}`,
        body: { "//": keyPolicyWarning(setup.keyArn), provider: "aws.production", key_id: setup.keyArn, policy: JSON.stringify(mergeKeyStatement(own.keyPolicy, own)) },
        document: { name: "keyPolicy", field: "policy", expected: mergeKeyStatement(setup.keyPolicy, setup) },
      };
    }),
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
        await writeKeyPolicy(clients, { setup: { setupId: setupId(target), keyArn, region, statement: ours }, planned: now, action: "remove", lockDirectory, profile });
        return "updated";
      },
    };
  },
};

export function keyPolicyWarning(keyArn: string): string {
  return `aws_kms_key_policy replaces the WHOLE key policy of ${keyArn} with this one: the policy as it was when exported, with xacct's statement merged in. If it has changed since, export again, or leave this resource out and let \`xacct setup\` merge the statement.`;
}

/** What the exported template says about a key whose policy it cannot carry. */
export function keyPolicyNote(plan: SetupPlan): string[] {
  return (plan.kms?.keyStatements ?? []).map((s) => `The key policy of ${s.keyArn} needs xacct's statement ${s.statement.Sid} (CloudFormation cannot change the policy of a key its stack did not create): run \`xacct setup\`, which merges it.`);
}

function keyPolicyChange(setup: KeySetup, current: PolicyDocument): Change {
  refuseUnsafeKeyMerge(current, setup);
  const after = mergeKeyStatement(current, setup);
  refuseOversizedKeyPolicy(after, setup.keyArn);
  return { id: "key-policy", account: "production", kind: documentChange(current, after) === "none" ? "none" : "update", resource: `xacct's statement in the key policy of ${setup.keyArn}`, before: current, after };
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
  if (removed.length === 0) return { id: "key-policy", account: "production", kind: "none", resource };
  const inexact = inexactRewriteNote(policy);
  if (inexact) return { id: "key-policy", account: "production", kind: "keep", resource, note: `the key policy ${inexact}: remove ${removed.join(", ")} yourself` };
  return { id: "key-policy", account: "production", kind: "update", resource, note: "only this setup's statement is removed; the key stays", before: policy, after };
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
export async function readBucketKeys(clients: AwsClients, encryptions: readonly (Encryption | undefined)[], profile: string): Promise<BucketKeyState[]> {
  const keys: BucketKeyState[] = [];
  for (const encryption of encryptions.filter(usesKms)) {
    const keyId = encryptionKeyId(encryption);
    const described = await describeKey(clients, keyId, profile);
    // Aliases under alias/aws/ are AWS's own: the key behind one is AWS managed, whatever else answers.
    const key = AWS_ALIAS.test(keyId) ? { ...described, manager: "AWS" as const } : described;
    if (keys.some((k) => k.key.arn === key.arn)) continue;
    const keyPolicy = key.manager === "AWS" ? undefined : await readKeyPolicy(clients, key.arn, profile);
    keys.push({ key, keyPolicy, bucketKeyEnabled: encryption.bucketKeyEnabled });
  }
  return keys;
}

/** Keys setup remembered, not read already; one that no longer exists has nothing of xacct's to take out. */
export async function readRememberedKeys(clients: AwsClients, arns: readonly string[], known: readonly BucketKeyState[], profile: string): Promise<BucketKeyState[]> {
  const keys: BucketKeyState[] = [];
  for (const arn of arns.filter((a) => !known.some((k) => k.key.arn === a))) {
    try {
      const key = await describeKey(clients, arn, profile);
      keys.push({ key, keyPolicy: await readKeyPolicy(clients, key.arn, profile), bucketKeyEnabled: false });
    } catch (error) {
      if (error instanceof XacctError && error.awsCode === "NotFoundException") continue;
      throw error;
    }
  }
  return keys;
}

/** One object's encryption; undefined when the object does not exist (the test download says so later). */
export async function readTestObjectEncryption(clients: AwsClients, bucket: string, key: string, profile: string): Promise<Encryption | undefined> {
  try {
    return await readObjectEncryption(clients, bucket, key, profile);
  } catch (error) {
    if (error instanceof XacctError && (error.awsCode === "NotFound" || error.awsCode === "NoSuchKey")) return undefined;
    throw error;
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
export function planKms(input: KmsPlanInput, bucketKeys: readonly BucketKeyState[]): KmsPlan | undefined {
  if (bucketKeys.length === 0) return undefined;
  const { answers } = input;
  const id = setupId(answers);
  const [stagingAccountId, ...moreStagingAccountIds] = input.stagingAccountIds;
  const sharing = { mode: answers.mode, productionAccountId: input.productionAccountId, stagingAccountIds: input.stagingAccountIds };
  const principals = keyPolicyPrincipals(
    answers.mode === "role"
      ? { mode: "role", roleArn: input.roleArn }
      : { mode: "resource-policy", partition: input.partition, stagingAccountId: stagingAccountId!, moreStagingAccountIds, principals: answers.trust.principals },
  );
  const reader = { mode: answers.mode, region: answers.region, productionAccountId: input.productionAccountId, roleArn: input.roleArn, stagingAccountId: stagingAccountId!, stagingUser: answers.stagingUser, sessionName: defaultSessionName(answers.stagingProfile) };
  const plan: KmsPlan = { decrypt: [], keyStatements: [] };
  for (const { key, keyPolicy, bucketKeyEnabled } of bucketKeys) {
    const request = readerDecryptRequest(reader, { key, bucket: answers.bucket, objectKey: input.objectKey ?? "*", bucketKeyEnabled });
    const others = keyPolicy ? { ...keyPolicy, Statement: keyPolicy.Statement.filter((s) => s.Sid !== keyStatementSid(id)) } : undefined;
    const admits = others !== undefined && others.Statement.length > 0 && keyPolicyAdmitsReader(request, { label: `key policy of ${key.arn}`, document: others });
    const grants = plannedKmsGrants({ key, bucket: answers.bucket, setupId: id, sharing, principals, keyPolicyAdmitsReader: admits });
    if (grants.decrypt) plan.decrypt.push(key);
    if (grants.keyStatement && keyPolicy) plan.keyStatements.push({ setupId: id, keyArn: key.arn, region: key.region, statement: grants.keyStatement, keyPolicy });
  }
  return plan;
}
