/**
 * The read hops promise every object of the bucket (`bucket/*`), not one key: each is judged on
 * a few keys that would expose a grant, a Deny or an encryption-context condition covering only
 * some objects, and the worst key decides. Pure.
 */
import { bucketArn, partitionForRegion } from "../../policy/arn.js";
import type { LabeledPolicy } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { readProbeKeys } from "../object-probes.js";
import type { Hop, VerifyTarget } from "./types.js";

/** Every document whose statements may name part of the bucket, on either side, with the key policy and the organization's policies. */
function pathPolicies(docs: PathDocuments): LabeledPolicy[] {
  const kms = docs.kms && "key" in docs.kms ? docs.kms.keyPolicy : undefined;
  const org = [docs.organization?.production, docs.organization?.staging].flatMap((side) =>
    side?.kind === "read" ? [...(side.scps ?? []), ...(side.rcps ?? [])].flat() : [],
  );
  return [...docs.userPolicies, ...docs.rolePolicies, docs.bucketPolicy, docs.userBoundary, docs.roleBoundary, kms, ...org].filter(
    (p): p is LabeledPolicy => p !== undefined,
  );
}

/** The object keys the read hops are judged on. */
export function readKeys(docs: PathDocuments, target: VerifyTarget): string[] {
  return readProbeKeys(pathPolicies(docs), bucketArn(partitionForRegion(target.region), target.bucket), target.objectKeys ?? []);
}

/**
 * One hop judged on every key: the first key it fails for (when it holds for another, the
 * detail says the reader reads only some objects, naming the key, and what allowed the other),
 * else the first it cannot tell for, else the first.
 */
export function onEveryKey(bucket: string, keys: string[], hopFor: (key: string) => Hop): Hop {
  const judged = keys.map((key) => ({ key, hop: hopFor(key) }));
  const held = judged.find((j) => j.hop.ok === true);
  const worst = judged.find((j) => j.hop.ok === false) ?? judged.find((j) => j.hop.ok === null) ?? judged[0]!;
  if (worst.hop.ok !== false || !held) return worst.hop;
  const detail = `Reads only some objects: denied for ${bucket}/${worst.key}. ${worst.hop.detail} (For ${bucket}/${held.key}: ${held.hop.detail})`;
  return { ...worst.hop, detail };
}
