/** No one outside the sides reaches the bucket: not a third account, not the public. Pure. */
import type { PolicySet } from "../../policy-eval/index.js";
import { effectiveAclGrants } from "../bucket-acl.js";
import type { PathDocuments } from "../documents.js";
import { accountOutsiders, anonymousOutsider, organizationMember, type Outsider } from "../outsiders.js";
import type { S3ActionKind } from "../s3-actions.js";
import { bucketServiceHops } from "./bucket-services.js";
import { firstReach, NETWORK_FIX, outsiderRequest, reachHop, surestReach, throughNetworkDetail, type Reach } from "./beyond.js";
import { ANY_IDENTITY, grantingStatements, judgingAll, OUTSIDER_CHOOSES, outsiderTarget } from "./judge.js";
import type { Hop, VerifyTarget } from "./types.js";

/** The outsider hops, each "cannot tell" when a statement cannot be judged. */
export function guardedOutsiderReadHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  return [
    ...judgingAll(
      [
        { id: "bucket-not-public", title: `${target.bucket} is not public` },
        { id: "no-third-account-reads", title: `no third account can read or change ${target.bucket}` },
      ],
      () => outsiderReadHops(docs, target),
    ),
    ...judgingAll([{ id: "services-cannot-reach-bucket", title: `no AWS service can act on ${target.bucket} for another account's resources` }], () =>
      bucketServiceHops(docs, target),
    ),
  ];
}

/**
 * No one outside the sides may read, list, write, delete or administer the bucket through its
 * policy: not the public (an account no policy names, anonymous requests), where Block Public
 * Access overrides a grant; and, reported apart, not an account the bucket policy names.
 */
export function outsiderReadHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const policies: PolicySet = { identity: [ANY_IDENTITY], ...(docs.bucketPolicy ? { resource: docs.bucketPolicy } : {}) };
  const all: S3ActionKind[] = ["read", "list", "write", "delete", "administer"];
  const reachOf = (o: Outsider) => {
    const reach = firstReach(policies, outsiderRequest(o, target), all, target);
    return reach ? { ...reach, who: o.who } : undefined;
  };
  const outsideOf = outsiderTarget(target);
  // The organization the trust names (--org-id) may assume the role; no bucket statement of
  // xacct's grants it anything, so one that does lets a third account in.
  const trustedMember = outsideOf.orgId ? [organizationMember(docs, outsideOf, outsideOf.orgId)] : [];
  const outsiders = [...accountOutsiders(docs, outsideOf), ...trustedMember, anonymousOutsider(outsideOf)];
  const publicGrant = surestReach(outsiders.filter((o) => o.publicInS3Terms).map(reachOf));
  const namedGrant = surestReach(outsiders.filter((o) => !o.publicInS3Terms).map(reachOf));
  const hops = [publicHop(target, publicGrant, docs)];
  const aclGrant = effectiveAclGrants(docs.bucketAcl, docs.objectOwnership, !!docs.publicAccessBlock?.IgnorePublicAcls)?.find((g) => g.to === "account");
  if (!namedGrant && aclGrant) {
    hops.push({
      id: "no-third-account-reads",
      title: `no third account can read or change ${target.bucket}`,
      ok: false,
      detail: `The bucket ACL grants ${aclGrant.permission} to ${aclGrant.who}; ACLs are in effect (object ownership ${docs.objectOwnership ?? "not set"}).`,
      fix: `Remove that grant from the bucket ACL if that account should not reach the bucket, or set object ownership to BucketOwnerEnforced (ACLs off).`,
    });
  }
  if (namedGrant) {
    hops.push(
      reachHop(
        "no-third-account-reads",
        `no third account can read or change ${target.bucket}`,
        namedGrant,
        namedGrant.who!,
        (statements) => `Narrow or remove ${statements} if that account should not reach the bucket.`,
      ),
    );
  }
  return hops;
}

export function publicHop(target: VerifyTarget, grant: Reach | undefined, docs: PathDocuments): Hop {
  const block = docs.publicAccessBlock;
  const blocked = !!block && [block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets].every(Boolean);
  const title = `${target.bucket} is not public`;
  if (grant?.networkOnly) {
    // Block Public Access does not count a grant limited to a VPC, an endpoint or an address as public: it does not override it.
    const statements = grantingStatements(grant.result);
    return {
      id: "bucket-not-public",
      title,
      ok: null,
      detail: throughNetworkDetail(grant, grant.who ?? "Another account", statements),
      fix: NETWORK_FIX(statements),
    };
  }
  if (grant) {
    const statements = grantingStatements(grant.result);
    return {
      id: "bucket-not-public",
      title,
      ok: blocked,
      detail: `${grant.who ?? "Another account"} may ${grant.action} on ${grant.resource}, allowed by ${statements}.${blocked ? " Block Public Access overrides it." : ` ${OUTSIDER_CHOOSES}`}`,
      ...(blocked ? {} : { fix: `Narrow the Principal of ${statements}, and turn on Block Public Access for ${target.bucket}.` }),
    };
  }
  const acl = publicAclHop(target, docs, title);
  if (acl) return acl;
  const objectAcls =
    docs.objectOwnership !== "BucketOwnerEnforced" && !block?.IgnorePublicAcls
      ? " Object ACLs are not read: with ACLs on and public ACLs not ignored, an object's own ACL can still make it public (--harden-bucket turns ACLs off)."
      : "";
  return {
    id: "bucket-not-public",
    title,
    ok: true,
    // A grant to named accounts or to an organization is not public in S3's terms: "no third account" reports it.
    detail:
      (blocked
        ? "No statement or ACL grants the public; Block Public Access is on."
        : "No statement or bucket ACL grants the public (Block Public Access is not fully on).") + objectAcls,
  };
}

/** The bucket ACL's part of "not public": a grant to everyone, where ACLs take effect; undefined when there is none. */
export function publicAclHop(target: VerifyTarget, docs: PathDocuments, title: string): Hop | undefined {
  const effective = effectiveAclGrants(docs.bucketAcl, docs.objectOwnership, !!docs.publicAccessBlock?.IgnorePublicAcls);
  const fix = `Make the bucket ACL private (aws s3api put-bucket-acl --bucket ${target.bucket} --acl private), or run \`xacct setup --harden-bucket\` (BucketOwnerEnforced turns ACLs off).`;
  if (effective === undefined) {
    return {
      id: "bucket-not-public",
      title,
      ok: false,
      detail: `Cannot tell: ACLs are in effect (object ownership ${docs.objectOwnership ?? "not set"}) and the bucket ACL was not read.`,
      fix,
    };
  }
  const everyone = effective.find((g) => g.to === "everyone");
  if (!everyone) return undefined;
  return {
    id: "bucket-not-public",
    title,
    ok: false,
    detail: `The bucket ACL grants ${everyone.permission} to ${everyone.who}, and neither object ownership (ACLs off) nor Block Public Access (IgnorePublicAcls) overrides it.`,
    fix,
  };
}
