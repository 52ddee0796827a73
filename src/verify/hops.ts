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
import { permissionSetOnlyHop } from "./hops/permission-set-trust.js";
import { assumeHops } from "./hops/assume.js";
import { BEYOND_READING, firstReach, reachHop, roleScopeHop, stagingReach } from "./hops/beyond.js";
import { guardedOutsiderReadHops } from "./hops/bucket-outsiders.js";
import { computeDirectHops } from "./hops/direct.js";
import { anyRequestOf, judging, orgLayer, outsiderTarget } from "./hops/judge.js";
import { kmsHops, missingKeyHop } from "./hops/kms.js";
import { kmsDecryptRequest } from "./kms-request.js";
import { GENERIC_PROBE_KEY } from "./object-probes.js";
import { onEveryKey, readKeys } from "./hops/any-object.js";
import { ANY_SESSION_NAME, rolePath, type RolePath } from "./hops/path.js";
import { locateHop, readHops } from "./hops/read.js";
import { organizationPoliciesHop } from "./hops/organization.js";
import { organizationHop, productionOthersHop, stagingAsPlannedHop, thirdAccountAssumeHop } from "./hops/trust-outsiders.js";
import type { Hop, VerifyTarget } from "./hops/types.js";
import { federatedHop, serviceHop } from "./trust-kinds.js";

export type { Hop, HopId, VerifyTarget } from "./hops/types.js";

export function computeHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  if (target.mode === "resource-policy") {
    const direct = computeDirectHops(docs, target);
    return [...direct.slice(0, 2), ...kmsPathHops(docs, target), locateHop(docs, target), ...organization(docs), ...direct.slice(2)];
  }
  const hops = roleModeHops(docs, target);
  return withSessionNameNote(hops, roleModeHops(docs, { ...target, sessionName: ANY_SESSION_NAME }), target);
}

function roleModeHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const path = rolePath(target, docs);
  return [
    ...assumeHops(docs, target, path),
    ...readHops(docs, target, path),
    ...kmsPathHops(docs, target),
    locateHop(docs, target),
    ...organization(docs),
    ...negativeHops(docs, target, path),
  ];
}

/**
 * The session name is judged as `xacct assume` sends it by default; a caller may pick another
 * (--session-name). A hop whose verdict would differ for another name says which name it judged.
 */
function withSessionNameNote(hops: Hop[], otherwise: Hop[], target: VerifyTarget): Hop[] {
  const note = ` Judged for the role session name ${target.sessionName}, which \`xacct assume\` and the profiles setup writes send; another name (--session-name) may get a different answer.`;
  return hops.map((hop, i) => (otherwise[i]?.id === hop.id && otherwise[i]?.ok !== hop.ok ? { ...hop, detail: `${hop.detail}${note}` } : hop));
}

function organization(docs: PathDocuments): Hop[] {
  const hop = organizationPoliciesHop(docs);
  return hop ? [hop] : [];
}

/**
 * SSE-KMS: reading an object of a bucket encrypted with a KMS key needs kms:Decrypt on that key
 * too, asked for by S3 on the reader's behalf: the reader's own policies, and the key policy.
 * Judged on the reader's request as the read hops build it (the role's session, or the Staging
 * user), with the reader's SCPs and Production's RCPs. None when the bucket uses no KMS key.
 */
function kmsPathHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const kms = docs.kms;
  if (!kms) return [];
  const roleMode = target.mode !== "resource-policy";
  const reader = roleMode ? target.roleName : target.stagingUser;
  if ("unreadable" in kms) {
    return [
      {
        id: "key-policy-admits",
        title: `the bucket's KMS key lets ${reader} decrypt through S3`,
        ok: null,
        detail: `Cannot tell: ${kms.unreadable}`,
        fix: "Let the Production profile read the bucket's encryption and its KMS key (s3:GetEncryptionConfiguration, kms:DescribeKey, kms:GetKeyPolicy), then run verify again; xacct treats this check as not holding.",
      },
    ];
  }
  if ("missingKey" in kms) return [missingKeyHop(roleMode ? "role" : "resource-policy", reader, kms)];
  const path = rolePath(target, docs);
  const side = roleMode ? "production" : "staging";
  const hopsFor = (objectKey: string, bucketKeyEnabled: boolean) => {
    const base = roleMode ? path.onObject("s3:GetObject", undefined, objectKey) : path.onObject("s3:GetObject", path.user, objectKey);
    const read = { key: kms.key, bucket: target.bucket, objectKey, bucketKeyEnabled };
    return kmsHops({
      mode: roleMode ? "role" : "resource-policy",
      reader,
      request: kmsDecryptRequest(base.principal, { context: base.context, open: base.open! }, read),
      key: kms.key,
      keyPolicy: kms.keyPolicy,
      readerPolicies: roleMode ? docs.rolePolicies : docs.userPolicies,
      readerBoundary: roleMode ? docs.roleBoundary : docs.userBoundary,
      limits: { ...orgLayer(docs, side, "scps"), ...orgLayer(docs, "production", "rcps") },
      grants: kms.grants,
    });
  };
  const keys = readKeys(docs, target);
  const perKey = new Map(keys.map((key) => [key, hopsFor(key, false)]));
  const onObjects = perKey.get(keys[0]!)!.map((_, i) => onEveryKey(target.bucket, keys, (key) => perKey.get(key)![i]!));
  // With S3 Bucket Keys the encryption context names the bucket; objects written before they were
  // turned on (or copied with their own context) keep the object's ARN, so both must be admitted.
  // An object `--key` names was read with its own setting: its context is known.
  if (!kms.encryption.bucketKeyEnabled) return onObjects;
  const onBucket = hopsFor(GENERIC_PROBE_KEY, true);
  if (kms.objectKey !== undefined) return onBucket;
  return onBucket.map((hop, i) => (hop.ok === true ? olderObjects(onObjects[i]!, hop) : hop));
}

/** The bucket-context hop held: the object-context one decides, said of objects written before Bucket Keys. */
function olderObjects(onObject: Hop, onBucket: Hop): Hop {
  if (onObject.ok === true) return onBucket;
  const would = onObject.ok === false ? "would be unreadable" : "may be unreadable";
  return {
    ...onObject,
    detail: `With S3 Bucket Keys on, reads are admitted for the bucket's encryption context, but objects written before Bucket Keys were enabled (or copied with their own encryption context) keep the object's ARN as their context and ${would}: ${onObject.detail}`,
    fix: `Admit both contexts (kms:EncryptionContext:aws:s3:arn the bucket ARN and bucket/*), or re-encrypt the older objects (copy them onto themselves). ${onObject.fix ?? ""}`.trim(),
  };
}

/** Nothing more: no write or delete, no read around the role, no third account, not public. */
function negativeHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const bucketPolicy = docs.bucketPolicy;
  const roleSet = { identity: docs.rolePolicies, permissionsBoundary: docs.roleBoundary, ...(bucketPolicy ? { resource: bucketPolicy } : {}) };
  const asRole = (action: string, resource: string) => anyRequestOf({ ...path.onObject(action), resource }, target.roleArn);
  const hops: Hop[] = BEYOND_READING.map(({ verb, kinds, what }) => {
    const title = `${target.roleName} cannot ${what} ${target.bucket}`;
    return judging(`role-cannot-${verb}`, title, () =>
      reachHop(
        `role-cannot-${verb}`,
        title,
        firstReach(roleSet, asRole, kinds, target),
        target.roleName,
        (statements) => `Narrow ${statements} to reading (s3:GetObject): the plan lets ${target.roleName} read, nothing else.`,
      ),
    );
  });
  hops.push(roleScopeHop(docs.rolePolicies, target, path));
  if (bucketPolicy) {
    // The role is the only way in: the bucket must not also let Staging in directly (e.g. left from resource-policy mode),
    // beyond locating and listing it, which this setup's own statement grants.
    const planned = ["s3:listbucket", "s3:getbucketlocation"];
    const title = `Staging cannot read or change ${target.bucket} without the role`;
    hops.push(
      judging("staging-cannot-read-directly", title, () => {
        const reach = stagingReach(bucketPolicy, target, ["read", "list", "write", "delete", "administer"], planned, docs);
        return reachHop(
          "staging-cannot-read-directly",
          title,
          reach,
          reach?.who ?? "",
          (statements) => `Remove ${statements} from the bucket policy: in role mode, Staging reaches objects only through ${target.roleName}.`,
        );
      }),
    );
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
    orgId
      ? judging("organization-members-cannot-assume", `no other account of organization ${orgId} can assume ${role}`, () =>
          organizationHop(trust, docs, target, path, orgId),
        )
      : undefined,
    judging("federated-cannot-assume", `no identity provider's users outside Production can assume ${role}`, () => federatedHop(trust, target)),
    judging("service-cannot-assume", `no AWS service can assume ${role} for another account's resources`, () => serviceHop(trust, target)),
    judging("trust-admits-staging-as-planned", `the trust policy of ${role} admits Staging only as planned`, () => stagingAsPlannedHop(trust, target, path)),
    target.ssoPermissionSets?.length
      ? judging("trust-admits-only-permission-set", `the trust policy of ${role} admits no one of Staging but its permission sets`, () =>
          permissionSetOnlyHop(trust, target, path),
        )
      : undefined,
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
