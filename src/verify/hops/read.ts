/** Reading through the role: its policies allow it, the bucket does not deny it, Staging may list. Pure. */
import { bucketArn, bucketObjectsArn, partitionForRegion } from "../../policy/arn.js";
import { bucketStatementSids } from "../../policy/ownership.js";
import { setupId } from "../../plan.js";
import type { PathDocuments } from "../documents.js";
import { userRequestContext } from "../request-context.js";
import { ANY_IDENTITY, cannotTell, denyingStatements, evaluateIntended, judging, orgLayer, S3_SIGNING, verdict } from "./judge.js";
import { onEveryKey, readKeys } from "./any-object.js";
import { factsOf, stagingUserOf, type RolePath } from "./path.js";
import type { Hop, VerifyTarget } from "./types.js";

/**
 * The setup's own bucket statement: Staging may find the bucket's region and list it. Judged
 * by what the bucket policy grants, so a statement removed by someone (or by another setup's
 * teardown) is noticed even where reads still work.
 */
export function locateHop(docs: PathDocuments, target: VerifyTarget): Hop {
  const partition = partitionForRegion(target.region);
  const title = `the bucket policy of ${target.bucket} lets account ${target.stagingAccountId} locate and list it`;
  const sid = bucketStatementSids(setupId(target)).locate;
  const fix = `Run \`xacct setup\` again: it writes statement ${sid} into the bucket policy.`;
  if (!docs.bucketPolicy) return { id: "bucket-lets-staging-list", title, ok: false, detail: "The bucket has no policy.", fix };
  const bucketPolicy = docs.bucketPolicy;
  const user = stagingUserOf(target, docs);
  return judging("bucket-lets-staging-list", title, () => {
    const results = ["s3:GetBucketLocation", "s3:ListBucket"].map((action) =>
      evaluateIntended(
        {
          principal: user,
          action,
          resource: bucketArn(partition, target.bucket),
          resourceAccountId: target.productionAccountId,
          ...userRequestContext(user, target.region, target.productionAccountId, S3_SIGNING, factsOf(docs, "user")),
        },
        // The user's boundary matters even as a stand-in: a Deny with NotPrincipal then always applies.
        {
          identity: [ANY_IDENTITY],
          permissionsBoundary: docs.userBoundary && ANY_IDENTITY,
          resource: bucketPolicy,
          ...orgLayer(docs, "staging", "scps"),
          ...orgLayer(docs, "production", "rcps"),
        },
      ),
    );
    const refused = results.find((r) => r.decision !== "Allow") ?? results.find((r) => r.adverse);
    return refused
      ? verdict("bucket-lets-staging-list", title, refused.decision === "Allow", refused, fix)
      : { id: "bucket-lets-staging-list", title, ok: true, detail: results[1]!.reason };
  });
}

/** The role may read the objects, and the bucket does not deny it. */
export function readHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const keys = readKeys(docs, target);
  return [
    onEveryKey(target.bucket, keys, (key) => roleReadHop(docs, target, path, key)),
    onEveryKey(target.bucket, keys, (key) => bucketSideHop(docs, target, path, key)),
  ];
}

function roleReadHop(docs: PathDocuments, target: VerifyTarget, path: RolePath, key: string): Hop {
  const bucketPolicy = docs.bucketPolicy;
  const title = `${target.roleName} may s3:GetObject on ${target.bucket}/*`;
  return judging("role-may-read", title, () => {
    // Same account: the role's own policies grant the read (or, failing that, a bucket policy
    // statement naming the role); a bucket-policy Deny is judged in the next hop on its own.
    const boundary = { permissionsBoundary: docs.roleBoundary, ...orgLayer(docs, "production", "scps") };
    const ownRead = evaluateIntended(path.onObject("s3:GetObject", undefined, key), { identity: docs.rolePolicies, ...boundary });
    const combinedRead = evaluateIntended(path.onObject("s3:GetObject", undefined, key), {
      identity: docs.rolePolicies,
      ...boundary,
      ...(bucketPolicy ? { resource: bucketPolicy } : {}),
    });
    const read = ownRead.decision !== "Allow" && combinedRead.decision === "Allow" ? combinedRead : ownRead;
    return verdict(
      "role-may-read",
      title,
      read.decision === "Allow",
      read,
      `Attach a policy allowing s3:GetObject on ${bucketObjectsArn(path.partition, target.bucket)} to ${target.roleName}: run \`xacct setup\`.`,
    );
  });
}

function bucketSideHop(docs: PathDocuments, target: VerifyTarget, path: RolePath, key: string): Hop {
  const bucketPolicy = docs.bucketPolicy;
  const title = `the bucket policy and settings of ${target.bucket} do not deny it`;
  return judging("bucket-allows-read", title, () => {
    // A boundary's presence matters to the bucket side too: a Deny with NotPrincipal then always applies.
    const bucketSide = bucketPolicy
      ? evaluateIntended(path.onObject("s3:GetObject", undefined, key), {
          identity: [ANY_IDENTITY],
          permissionsBoundary: docs.roleBoundary && ANY_IDENTITY,
          resource: bucketPolicy,
          ...orgLayer(docs, "production", "rcps"),
        })
      : undefined;
    const bucketDenies = bucketSide?.decision === "ExplicitDeny";
    const mayDeny = !bucketDenies && bucketSide?.adverse?.decision === "ExplicitDeny" ? bucketSide.adverse : undefined;
    if (mayDeny) return cannotTell("bucket-allows-read", title, mayDeny);
    return {
      id: "bucket-allows-read",
      title,
      ok: !bucketDenies,
      detail: bucketDenies ? `Denied by ${denyingStatements(bucketSide)}.` : ownershipNote(docs.objectOwnership),
      ...(bucketDenies ? { fix: `Narrow or remove ${denyingStatements(bucketSide)} so it does not apply to ${target.roleName}.` } : {}),
    };
  });
}

export function ownershipNote(ownership: string | undefined): string {
  if (ownership === "BucketOwnerEnforced") return "No statement denies it; object ownership is enforced (ACLs off).";
  return `No statement denies it. Note: object ownership is ${ownership ?? "not set"}, so objects uploaded by other accounts may stay theirs and be unreadable; BucketOwnerEnforced avoids that.`;
}
