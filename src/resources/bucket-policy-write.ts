/**
 * Writing this setup's statements into a bucket policy others share. S3 has no conditional
 * PutBucketPolicy, so two setups (or a person) writing at once can lose one another's
 * statements. So: one xacct process at a time per bucket on this machine (a lock file), the
 * merge redone on the policy as it is at that moment (where only other setups' statements may
 * have come or gone since the plan), and the policy read back after the write: this setup's
 * statements and the others' the plan showed must be there. If another writer keeps getting
 * in between, setup stops and says so instead of reporting success.
 */
import { dirname, join } from "node:path";
import { cacheDirectory } from "../credentials-cache-read.js";
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";
import { unlessMissing } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import {
  isXacctBucketStatement,
  parsePolicyDocument,
  refuseInexactRewrite,
  sameDocument,
  sameGrant,
  type PolicyDocument,
  type PolicyStatement,
} from "../policy/index.js";
import { mergeSetupStatements, refuseUnsafeBucketMerge, type BucketSetup } from "./bucket-statements.js";
import type { Change } from "./resource.js";
import { withPolicyLock } from "./policy-lock.js";

/** Writes that find the policy changed under them are redone at most this many times. */
export const BUCKET_POLICY_ATTEMPTS = 4;

export interface BucketPolicyWrite {
  setup: BucketSetup;
  change: Change;
  /** Where xacct processes on this machine meet to take turns (one lock file per bucket). */
  lockDirectory: string;
}

export async function readBucketPolicy(clients: AwsClients, bucket: string): Promise<PolicyDocument | undefined> {
  const out = await unlessMissing(["NoSuchBucketPolicy"], () => clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
  return out?.Policy ? parsePolicyDocument(out.Policy, `bucket policy of ${bucket}`) : undefined;
}

export function bucketPolicyLockDirectory(env: NodeJS.ProcessEnv, home: string): string {
  // The same cache root as the session cache (a relative XDG_CACHE_HOME is ignored), so every run meets at one lock.
  return join(dirname(cacheDirectory(env, home)), "locks");
}

export async function writeBucketPolicy(clients: AwsClients, write: BucketPolicyWrite): Promise<void> {
  const { setup, change } = write;
  // The others' statements as the plan showed them: they must survive every write.
  const ownSids = new Set(setup.statements.map((s) => s.Sid));
  const others = (change.after?.Statement ?? []).filter((s) => !ownSids.has(s.Sid));
  await withPolicyLock(write.lockDirectory, "bucket policy", setup.bucket, async () => {
    for (let attempt = 1; attempt <= BUCKET_POLICY_ATTEMPTS; attempt++) {
      const now = await readBucketPolicy(clients, setup.bucket);
      refuseOtherChanges(now, others, change, setup);
      refuseUnsafeBucketMerge(now, setup);
      refuseInexactRewrite(now, change.resource);
      const merged = mergeSetupStatements(now, setup);
      if (!now || !sameDocument(now, merged)) {
        await clients.s3.send(new PutBucketPolicyCommand({ Bucket: setup.bucket, Policy: JSON.stringify(merged) }));
      }
      const written = await readBucketPolicy(clients, setup.bucket);
      if (holdsAll(written, [...setup.statements, ...others])) return;
    }
    const missing = setup.statements.map((s) => s.Sid).join(", ");
    throw new XacctError(
      `The ${change.resource} was changed by someone else each of the ${BUCKET_POLICY_ATTEMPTS} times setup wrote it; this setup's statements ${missing} may not be in it.`,
      { hint: "Another setup or person is writing that bucket policy at the same time: let them finish, then run setup again." },
    );
  });
}

/**
 * Apart from xacct setups' own statements (other setups on the same bucket come and go, each
 * with its own Sids), the policy must be as the plan showed it: a change by anyone else since
 * is not for xacct to write over, nor to keep without having shown it.
 */
function refuseOtherChanges(now: PolicyDocument | undefined, others: readonly PolicyStatement[], change: Change, setup: BucketSetup): void {
  const notSetups = (s: PolicyStatement) => !isXacctBucketStatement(s, setup.partition, setup.bucket);
  const shown = others.filter(notSetups);
  const current = (now?.Statement ?? []).filter(notSetups);
  const lost = shown.filter((s) => !holdsAll(now, [s]));
  const added = current.filter((s) => !holdsAll({ Statement: shown }, [s]));
  if (lost.length === 0 && added.length === 0) return;
  const named = [...lost, ...added].map((s) => `statement ${s.Sid ?? "without Sid"}`).join(", ");
  throw new XacctError(`The ${change.resource} changed since the plan was shown (${named}); xacct will not write over that change.`, {
    hint: "Run setup again: the new plan merges into the document as it is now.",
  });
}

function holdsAll(policy: PolicyDocument | undefined, statements: readonly PolicyStatement[]): boolean {
  return statements.every((wanted) => (policy?.Statement ?? []).some((s) => s.Sid === wanted.Sid && sameGrant(s, wanted)));
}
