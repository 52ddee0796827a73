/** Resource-policy mode: the Staging user reads straight through the bucket policy. Pure. */
import { bucketArn, bucketObjectsArn, partitionForRegion } from "../../policy/arn.js";
import { policyDocument } from "../../policy/documents.js";
import type { LabeledPolicy } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { userRequestContext } from "../request-context.js";
import { stagingAccountOrg } from "../outsiders.js";
import { BEYOND_READING, firstReachIn, reachHop, stagingReach } from "./beyond.js";
import { guardedOutsiderReadHops } from "./bucket-outsiders.js";
import { ANY_IDENTITY, anyRequestOf, evaluateIntended, judging, missing, orgLayer, outsiderTarget, S3_SIGNING, verdict } from "./judge.js";
import { ownershipNote } from "./read.js";
import { onEveryKey, readKeys } from "./any-object.js";
import { GENERIC_PROBE_KEY } from "../object-probes.js";
import { factsOf, stagingUserOf } from "./path.js";
import type { Hop, VerifyTarget } from "./types.js";

/**
 * Resource-policy mode: the Staging user reads the bucket with its own credentials, so both
 * its own policies and the bucket policy must allow (a cross-account request), and nothing more.
 */
export function computeDirectHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const partition = partitionForRegion(target.region);
  const user = stagingUserOf(target, docs);
  const onObject = (action: string, principal: { arn: string; accountId: string }, key = GENERIC_PROBE_KEY) => ({
    principal,
    action,
    resource: `${bucketArn(partition, target.bucket)}/${key}`,
    resourceAccountId: target.productionAccountId,
    ...userRequestContext(principal, target.region, target.productionAccountId, S3_SIGNING, principal.arn === user.arn ? factsOf(docs, "user") : {}),
  });
  const bucketPolicy = docs.bucketPolicy;
  const anyBucket: LabeledPolicy = {
    label: "(the bucket policy, assumed to admit)",
    assumed: true,
    document: policyDocument([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:*", Resource: "*" }]),
  };
  const both = { identity: docs.userPolicies, permissionsBoundary: docs.userBoundary, ...(bucketPolicy ? { resource: bucketPolicy } : {}) };
  const keys = readKeys(docs, target);
  const mayRead = `${target.stagingUser} may s3:GetObject on ${target.bucket}/*`;
  const admits = `the bucket policy of ${target.bucket} lets ${target.stagingUser} read objects`;
  const hops: Hop[] = [
    onEveryKey(target.bucket, keys, (key) =>
      judging("user-may-read", mayRead, () => {
        const own = evaluateIntended(onObject("s3:GetObject", user, key), {
          identity: docs.userPolicies,
          permissionsBoundary: docs.userBoundary,
          resource: anyBucket,
          ...orgLayer(docs, "staging", "scps"),
        });
        return verdict(
          "user-may-read",
          mayRead,
          own.decision === "Allow",
          own,
          docs.userExists
            ? `Give ${target.stagingUser} s3:GetObject on ${bucketObjectsArn(partition, target.bucket)}: run \`xacct setup --mode resource-policy\`.`
            : `User ${target.stagingUser} does not exist: run \`xacct setup --mode resource-policy\`.`,
        );
      }),
    ),
    onEveryKey(target.bucket, keys, (key) =>
      judging("bucket-admits-user", admits, () => {
        if (!bucketPolicy)
          return missing(
            "bucket-admits-user",
            admits,
            `Bucket ${target.bucket} has no bucket policy, so nothing grants Staging's request.`,
            "Grant it: run `xacct setup --mode resource-policy`.",
          );
        const admitted = evaluateIntended(onObject("s3:GetObject", user, key), {
          identity: [ANY_IDENTITY],
          permissionsBoundary: docs.userBoundary && ANY_IDENTITY,
          resource: bucketPolicy,
          ...orgLayer(docs, "production", "rcps"),
        });
        const hop = verdict(
          "bucket-admits-user",
          admits,
          admitted.decision === "Allow",
          admitted,
          `Grant account ${target.stagingAccountId} s3:GetObject in the bucket policy: run \`xacct setup --mode resource-policy\`.`,
        );
        return { ...hop, detail: `${hop.detail} ${ownershipNote(docs.objectOwnership)}` };
      }),
    ),
  ];
  for (const { verb, kinds, what } of BEYOND_READING) {
    const title = `Staging cannot ${what} ${target.bucket}`;
    hops.push(
      judging(`user-cannot-${verb}`, title, () => {
        // Any principal of Staging, not only this user: the bucket policy is what must not grant more.
        const reach = bucketPolicy ? stagingReach(bucketPolicy, target, kinds, [], docs) : undefined;
        const asUser = (action: string, resource: string) => anyRequestOf({ ...onObject(action, user), resource }, user.arn);
        const own =
          reach ?? firstReachIn(stagingAccountOrg(outsiderTarget(target), target.stagingAccountId, docs.organization?.stagingOrg), both, asUser, kinds, target);
        return reachHop(
          `user-cannot-${verb}`,
          title,
          own,
          reach?.who ?? target.stagingUser,
          (statements) => `Narrow ${statements} to reading (s3:GetObject): the plan lets Staging read, nothing else.`,
        );
      }),
    );
  }
  hops.push(...guardedOutsiderReadHops(docs, target));
  return hops;
}
