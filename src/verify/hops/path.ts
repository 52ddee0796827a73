/** The principals and requests of the role path: the Staging user, and the role's session. Pure. */
import { bucketArn, partitionForRegion, userArn } from "../../policy/arn.js";
import type { evaluate } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { sessionRequestContext, userRequestContext } from "../request-context.js";
import { S3_SIGNING } from "./judge.js";
import type { VerifyTarget } from "./types.js";

export type Principal = { arn: string; accountId: string };

/** The principals and requests of the role path, shared by its hops. */
export interface RolePath {
  partition: ReturnType<typeof partitionForRegion>;
  user: Principal;
  assume: (principal: Principal) => Parameters<typeof evaluate>[0];
  onObject: (action: string, principal?: Principal) => Parameters<typeof evaluate>[0];
}

export function rolePath(target: VerifyTarget, docs: PathDocuments): RolePath {
  const partition = partitionForRegion(target.region);
  const canonical = docs.productionCanonicalId === undefined ? {} : { canonicalUserId: docs.productionCanonicalId };
  const session = { arn: `arn:${partition}:sts::${target.productionAccountId}:assumed-role/${target.roleName}/xacct-verify`, accountId: target.productionAccountId, ...canonical };
  const mfa = target.assumeContext?.["aws:MultiFactorAuthPresent"] === true;
  return {
    partition,
    user: { arn: userArn(partition, target.stagingAccountId, target.stagingUser), accountId: target.stagingAccountId, ...(docs.stagingCanonicalId === undefined ? {} : { canonicalUserId: docs.stagingCanonicalId }) },
    assume: (principal) => ({
      principal,
      action: "sts:AssumeRole",
      resource: target.roleArn,
      resourceAccountId: target.productionAccountId,
      ...userRequestContext(principal, target.region, target.productionAccountId, target.assumeContext ?? {}),
    }),
    onObject: (action, principal = session) => ({
      principal,
      action,
      resource: `${bucketArn(partition, target.bucket)}/xacct-verify-probe`,
      resourceAccountId: target.productionAccountId,
      ...(principal === session
        ? sessionRequestContext(session, target.roleArn, target.region, mfa)
        : userRequestContext(principal, target.region, target.productionAccountId, S3_SIGNING)),
    }),
  };
}

