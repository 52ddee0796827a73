/** The principals and requests of the role path: the Staging user, and the role's session. Pure. */
import { bucketArn, partitionForRegion, userArn } from "../../policy/arn.js";
import type { evaluate } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { sessionRequestContext, userRequestContext, type PrincipalFacts } from "../request-context.js";
import { principalTagKeysNamed } from "../tag-keys.js";
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
  return { ...facts, tagKeysNamed: principalTagKeysNamed(all.map((p) => p?.document)) };
}

/** The Staging user as AWS sees it: IAM's ARN with its path when read (a new user has none), with its account's canonical ID. */
export function stagingUserOf(target: VerifyTarget, docs: PathDocuments): Principal {
  const arn = docs.userArn ?? userArn(partitionForRegion(target.region), target.stagingAccountId, target.stagingUser);
  return { arn, accountId: target.stagingAccountId, ...(docs.stagingCanonicalId === undefined ? {} : { canonicalUserId: docs.stagingCanonicalId }) };
}

/**
 * A session name no caller can send (it is no valid name), for judging the path as if the caller
 * picked its own: sts:RoleSessionName and aws:userid are then open, and no policy names the session.
 */
export const ANY_SESSION_NAME = "(any session name)";

export function rolePath(target: VerifyTarget, docs: PathDocuments): RolePath {
  const named = target.sessionName !== ANY_SESSION_NAME;
  const roleFacts = named ? factsOf(docs, "role") : { ...factsOf(docs, "role"), uniqueId: undefined };
  const partition = partitionForRegion(target.region);
  const canonical = docs.productionCanonicalId === undefined ? {} : { canonicalUserId: docs.productionCanonicalId };
  const session = {
    arn: `arn:${partition}:sts::${target.productionAccountId}:assumed-role/${target.roleName}/${target.sessionName}`,
    accountId: target.productionAccountId,
    ...canonical,
  };
  const mfa = target.assumeContext?.["aws:MultiFactorAuthPresent"] === true;
  const user = stagingUserOf(target, docs);
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
      ...userRequestContext(
        principal,
        target.region,
        target.productionAccountId,
        { ...(named ? { "sts:RoleSessionName": target.sessionName } : {}), ...target.assumeContext },
        factsFor(principal),
      ),
    }),
    onObject: (action, principal = session, key = GENERIC_PROBE_KEY) => ({
      principal,
      action,
      resource: `${bucketArn(partition, target.bucket)}/${key}`,
      resourceAccountId: target.productionAccountId,
      ...(principal === session
        ? sessionRequestContext(session, target.roleArn, target.region, mfa, roleFacts)
        : userRequestContext(principal, target.region, target.productionAccountId, S3_SIGNING, factsFor(principal))),
    }),
  };
}
