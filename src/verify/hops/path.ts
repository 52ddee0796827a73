/** The principals and requests of the role path: the Staging user, and the role's session. Pure. */
import { bucketArn, partitionForRegion, userArn } from "../../policy/arn.js";
import type { evaluate } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { sessionRequestContext, userRequestContext, VERIFY_SESSION_NAME, type PrincipalFacts } from "../request-context.js";
import { GENERIC_PROBE_KEY } from "../object-probes.js";
import { S3_SIGNING } from "./judge.js";
import type { VerifyTarget } from "./types.js";

export type Principal = { arn: string; accountId: string };

/** The principals and requests of the role path, shared by its hops. */
export interface RolePath {
  partition: ReturnType<typeof partitionForRegion>;
  user: Principal;
  assume: (principal: Principal) => Parameters<typeof evaluate>[0];
  /** `key`: the object (default the generic probe key; the read hops try several, see any-object.ts). */
  onObject: (action: string, principal?: Principal, key?: string) => Parameters<typeof evaluate>[0];
}

/**
 * What xacct read about the Staging user or the role, with the aws:PrincipalTag/… keys the
 * documents name (in conditions or policy variables), so a tag the principal lacks is known absent.
 */
export function factsOf(docs: PathDocuments, who: "user" | "role"): PrincipalFacts {
  const facts = who === "user" ? docs.userFacts : docs.roleFacts;
  if (!facts) return {};
  const all = [...docs.userPolicies, ...docs.rolePolicies, docs.trust, docs.bucketPolicy, docs.userBoundary, docs.roleBoundary];
  const text = JSON.stringify(all.map((p) => p?.document));
  const tagKeysNamed = [...new Set([...text.matchAll(/aws:PrincipalTag\/[^"}\s]+/gi)].map((m) => m[0]))];
  return { ...facts, tagKeysNamed };
}

export function rolePath(target: VerifyTarget, docs: PathDocuments): RolePath {
  const partition = partitionForRegion(target.region);
  const canonical = docs.productionCanonicalId === undefined ? {} : { canonicalUserId: docs.productionCanonicalId };
  const session = { arn: `arn:${partition}:sts::${target.productionAccountId}:assumed-role/${target.roleName}/${VERIFY_SESSION_NAME}`, accountId: target.productionAccountId, ...canonical };
  const mfa = target.assumeContext?.["aws:MultiFactorAuthPresent"] === true;
  const user = { arn: userArn(partition, target.stagingAccountId, target.stagingUser), accountId: target.stagingAccountId, ...(docs.stagingCanonicalId === undefined ? {} : { canonicalUserId: docs.stagingCanonicalId }) };
  const userFacts = factsOf(docs, "user");
  // Facts read about the Staging user belong to it alone, not to a user of the same name elsewhere.
  const factsFor = (principal: Principal) => (principal.arn === user.arn ? userFacts : {});
  return {
    partition,
    user,
    assume: (principal) => ({
      principal,
      action: "sts:AssumeRole",
      resource: target.roleArn,
      resourceAccountId: target.productionAccountId,
      ...userRequestContext(principal, target.region, target.productionAccountId, { "sts:RoleSessionName": VERIFY_SESSION_NAME, ...target.assumeContext }, factsFor(principal)),
    }),
    onObject: (action, principal = session, key = GENERIC_PROBE_KEY) => ({
      principal,
      action,
      resource: `${bucketArn(partition, target.bucket)}/${key}`,
      resourceAccountId: target.productionAccountId,
      ...(principal === session
        ? sessionRequestContext(session, target.roleArn, target.region, mfa, factsOf(docs, "role"))
        : userRequestContext(principal, target.region, target.productionAccountId, S3_SIGNING, factsFor(principal))),
    }),
  };
}

