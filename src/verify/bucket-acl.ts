/**
 * The bucket's ACL, as far as "not public" and "no third account" care: who besides the owner
 * it grants. ACLs take effect only where object ownership is not BucketOwnerEnforced; Block
 * Public Access's IgnorePublicAcls makes S3 ignore grants to everyone (AllUsers,
 * AuthenticatedUsers). Reading it is separate (`readBucketAcl`) from judging it (pure).
 */
import { GetBucketAclCommand, type Grant } from "@aws-sdk/client-s3";
import type { AwsClients } from "../aws/clients.js";

export interface AclGrant {
  /** "everyone": AllUsers or AuthenticatedUsers (any AWS account); "account": a canonical user that is not the owner. */
  to: "everyone" | "account";
  who: string;
  permission: string;
}

const EVERYONE = /\/global\/(AllUsers|AuthenticatedUsers)$/;

/** The grants of the bucket ACL to anyone but its owner (S3's log delivery group is a service, left out). */
export async function readBucketAcl(clients: AwsClients, bucket: string): Promise<AclGrant[]> {
  const out = await clients.s3.send(new GetBucketAclCommand({ Bucket: bucket }));
  return foreignGrants(out.Grants ?? [], out.Owner?.ID);
}

export function foreignGrants(grants: Grant[], ownerId: string | undefined): AclGrant[] {
  return grants.flatMap((g): AclGrant[] => {
    const permission = g.Permission ?? "?";
    const uri = g.Grantee?.URI;
    if (uri) return EVERYONE.test(uri) ? [{ to: "everyone", who: EVERYONE.exec(uri)![1]!, permission }] : [];
    const id = g.Grantee?.ID;
    if (id && id !== ownerId) return [{ to: "account", who: `canonical user ${id}`, permission }];
    if (g.Grantee?.EmailAddress) return [{ to: "account", who: `account of ${g.Grantee.EmailAddress}`, permission }];
    return [];
  });
}

/**
 * The grants that take effect: none when ACLs are off (BucketOwnerEnforced); grants to
 * everyone not when Block Public Access ignores public ACLs.
 */
export function effectiveAclGrants(grants: AclGrant[] | undefined, ownership: string | undefined, ignorePublicAcls: boolean): AclGrant[] | undefined {
  if (ownership === "BucketOwnerEnforced") return [];
  if (grants === undefined) return undefined;
  return grants.filter((g) => g.to === "account" || !ignorePublicAcls);
}
