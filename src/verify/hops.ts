/**
 * The path from the Staging user to an object, as hops a person can check one by one. Pure:
 * the documents in, a verdict per hop out, each failure naming the statement responsible and
 * the fix. Decisions come from xacct's policy evaluator, never from what an emulator allows.
 *
 * Each family of hops lives in its own file under hops/: the way in (assume), reading (read),
 * nothing beyond reading (beyond), no one else (trust-outsiders, bucket-outsiders), and the
 * resource-policy path (direct), whether the organization policies were read (organization).
 * This file orders them.
 */
import type { ContextValue, LabeledPolicy } from "../policy-eval/index.js";
import type { PathDocuments } from "./documents.js";
import { assumeHops } from "./hops/assume.js";
import { BEYOND_READING, firstReach, reachHop, roleScopeHop, stagingReach } from "./hops/beyond.js";
import { guardedOutsiderReadHops } from "./hops/bucket-outsiders.js";
import { computeDirectHops } from "./hops/direct.js";
import { anyRequestOf, judging, outsiderTarget } from "./hops/judge.js";
import { rolePath, type RolePath } from "./hops/path.js";
import { locateHop, readHops } from "./hops/read.js";
import { organizationPoliciesHop } from "./hops/organization.js";
import { organizationHop, productionOthersHop, stagingAsPlannedHop, thirdAccountAssumeHop } from "./hops/trust-outsiders.js";
import type { Hop, VerifyTarget } from "./hops/types.js";
import { federatedHop, serviceHop } from "./trust-kinds.js";

export type { Hop, HopId, VerifyTarget } from "./hops/types.js";

export function computeHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  if (target.mode === "resource-policy") {
    const direct = computeDirectHops(docs, target);
    return [...direct.slice(0, 2), ...kmsHops(docs, target), locateHop(docs, target), ...organization(docs), ...direct.slice(2)];
  }
  const path = rolePath(target, docs);
  return [...assumeHops(docs, target, path), ...readHops(docs, target, path), ...kmsHops(docs, target), locateHop(docs, target), ...organization(docs), ...negativeHops(docs, target, path)];
}

function organization(docs: PathDocuments): Hop[] {
  const hop = organizationPoliciesHop(docs);
  return hop ? [hop] : [];
}

/**
 * SSE-KMS: reading an object of a bucket encrypted with a customer managed key needs
 * kms:Decrypt on that key too ("role-may-decrypt" / "user-may-decrypt", "key-policy-admits").
 * The KMS hop (kms-hop.ts) plugs in here, right after the read hops; none while the path
 * documents carry no key. Its request is the reader's, as the read hops build it (role mode:
 * rolePath's session, factsOf(docs, "role"); resource-policy mode: the Staging user), on the
 * key's ARN; its limits are the reader's SCPs and Production's RCPs (orgLayer), and each hop
 * goes through judging() so a statement it cannot judge makes it "cannot tell".
 */
function kmsHops(_docs: PathDocuments, _target: VerifyTarget): Hop[] {
  return [];
}


/** Nothing more: no write or delete, no read around the role, no third account, not public. */
function negativeHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const bucketPolicy = docs.bucketPolicy;
  const roleSet = { identity: docs.rolePolicies, permissionsBoundary: docs.roleBoundary, ...(bucketPolicy ? { resource: bucketPolicy } : {}) };
  const asRole = (action: string, resource: string) => anyRequestOf({ ...path.onObject(action), resource }, target.roleArn);
  const hops: Hop[] = BEYOND_READING.map(({ verb, kinds, what }) => {
    const title = `${target.roleName} cannot ${what} ${target.bucket}`;
    return judging(`role-cannot-${verb}`, title, () => reachHop(`role-cannot-${verb}`, title, firstReach(roleSet, asRole, kinds, target), target.roleName,
      (statements) => `Narrow ${statements} to reading (s3:GetObject): the plan lets ${target.roleName} read, nothing else.`));
  });
  hops.push(roleScopeHop(docs.rolePolicies, target, path));
  if (bucketPolicy) {
    // The role is the only way in: the bucket must not also let Staging in directly (e.g. left from resource-policy mode),
    // beyond locating and listing it, which this setup's own statement grants.
    const planned = ["s3:listbucket", "s3:getbucketlocation"];
    const title = `Staging cannot read or change ${target.bucket} without the role`;
    hops.push(judging("staging-cannot-read-directly", title, () => {
      const reach = stagingReach(bucketPolicy, target, ["read", "list", "write", "delete", "administer"], planned, docs.stagingCanonicalId);
      return reachHop("staging-cannot-read-directly", title, reach, reach?.who ?? "",
        (statements) => `Remove ${statements} from the bucket policy: in role mode, Staging reaches objects only through ${target.roleName}.`);
    }));
  }
  if (docs.trust) hops.push(...trustOutsiderHops(docs.trust, docs, target, path));
  hops.push(...guardedOutsiderReadHops(docs, target));
  return hops;
}

/** Who else the trust admits: other accounts, the organization, providers, services, Production's principals. */
function trustOutsiderHops(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const role = target.roleName;
  const orgId = outsiderTarget(target).orgId;
  const hops: (Hop | undefined)[] = [
    judging("third-account-cannot-assume", `a third account cannot assume ${role}`, () => thirdAccountAssumeHop(trust, docs, target, path)),
    orgId ? judging("organization-members-cannot-assume", `no other account of organization ${orgId} can assume ${role}`, () => organizationHop(trust, docs, target, path, orgId)) : undefined,
    judging("federated-cannot-assume", `no identity provider's users outside Production can assume ${role}`, () => federatedHop(trust, target)),
    judging("service-cannot-assume", `no AWS service can assume ${role} for another account's resources`, () => serviceHop(trust, target)),
    judging("trust-admits-staging-as-planned", `the trust policy of ${role} admits Staging only as planned`, () => stagingAsPlannedHop(trust, target, path)),
    judging("production-others-cannot-assume", `no other principal of Production can assume ${role}`, () => productionOthersHop(trust, docs, target, path)),
  ];
  return hops.filter((h): h is Hop => h !== undefined);
}


/**
 * The assume request a correct caller sends: the external ID setup made, MFA, membership of
 * the organization the trust names. `overrides` model a wrong caller (verify's flags).
 */
export function requestContext(
  remembered: { externalId?: string | undefined; orgId?: string | undefined; requireMfa?: boolean | undefined } | undefined,
  overrides: { externalId?: string | undefined; mfa?: boolean | undefined } = {},
): Record<string, ContextValue> {
  // Access keys carry no MFA: the key is sent (true) only when the setup requires MFA, so
  // assuming goes through `xacct assume --mfa-serial`, or when asked for.
  const mfa = overrides.mfa ?? remembered?.requireMfa ?? false;
  const context: Record<string, ContextValue> = mfa ? { "aws:MultiFactorAuthPresent": true } : {};
  const externalId = overrides.externalId ?? remembered?.externalId;
  if (externalId) context["sts:ExternalId"] = externalId;
  if (remembered?.orgId) context["aws:PrincipalOrgID"] = remembered.orgId;
  return context;
}
