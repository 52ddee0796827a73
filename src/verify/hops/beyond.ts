/** Nothing beyond reading: no write, delete or administration, no grant outside the bucket. Pure. */
import { bucketArn, partitionForRegion } from "../../policy/arn.js";
import type { PolicyStatement } from "../../policy/documents.js";
import { isDecryptThroughS3, parseKeyArn } from "../../policy/kms.js";
import { describeStatement, evaluate, type EvaluationRequest, type EvaluationResult, type LabeledPolicy, type PolicySet } from "../../policy-eval/index.js";
import { probeKeys, standInVariables } from "../object-probes.js";
import type { PathDocuments } from "../documents.js";
import type { OrgFacts } from "../outsider-orgs.js";
import { stagingPrincipals, withoutNetwork, withoutUnknown, type Outsider } from "../outsiders.js";
import { actionsNamedBy, type S3ActionKind } from "../s3-actions.js";
import { ANY_IDENTITY, grantingStatements, outsiderTarget } from "./judge.js";
import type { RolePath } from "./path.js";
import type { Hop, HopId, VerifyTarget } from "./types.js";

/** What "reading only" rules out, one hop each: the plan reads objects and lists the bucket. */
export const BEYOND_READING: ReadonlyArray<{ verb: "write" | "delete" | "administer"; kinds: S3ActionKind[]; what: string }> = [
  { verb: "write", kinds: ["write"], what: "write or restore objects of" },
  { verb: "delete", kinds: ["delete"], what: "delete objects or versions of" },
  { verb: "administer", kinds: ["administer"], what: "change the policy, ACLs, retention or settings of" },
];

/** An action someone may take on the bucket or one of its objects, and what allowed it. */
export interface Reach {
  action: string;
  resource: string;
  result: EvaluationResult;
  who?: string;
  /** Reached only from a network a statement names (a VPC, an endpoint, an address): xacct cannot tell who connects through it. */
  networkOnly?: boolean;
  /** Reached only if a fact xacct could not read goes the reacher's way: what that fact is. */
  unknownFact?: string;
}

/**
 * The first S3 action of `kinds` (but not `planned`) that `request` may take on the bucket or
 * any of its objects. Only actions some Allow statement names are tried; object actions are
 * tried on a key no document names and on a key inside every part of the bucket an Allow names.
 */
export function firstReach(
  policies: PolicySet,
  request: (action: string, resource: string) => EvaluationRequest,
  kinds: S3ActionKind[],
  target: VerifyTarget,
  planned: string[] = [],
): Reach | undefined {
  const identity = policies.identity.filter((p) => p !== ANY_IDENTITY).map(standInVariables);
  const resource = policies.resource ? standInVariables(policies.resource) : undefined;
  const real = [...identity, ...(resource ? [resource] : [])];
  const bucket = bucketArn(partitionForRegion(target.region), target.bucket);
  const candidates = new Map(
    real
      .flatMap((p) => p.document.Statement.filter((st) => st.Effect === "Allow").flatMap(actionsNamedBy))
      .filter((a) => kinds.includes(a.kind) && !planned.includes(a.action.toLowerCase()))
      .map((a) => [`${a.on} ${a.action.toLowerCase()}`, a]),
  );
  if (candidates.size === 0) return undefined;
  // A boundary is a fact about the principal: what it holds back stays held back.
  const boundary =
    policies.permissionsBoundary && policies.permissionsBoundary !== ANY_IDENTITY
      ? { permissionsBoundary: standInVariables(policies.permissionsBoundary) }
      : {};
  const judged: PolicySet = {
    identity: policies.identity.includes(ANY_IDENTITY) ? [ANY_IDENTITY, ...identity] : identity,
    ...boundary,
    ...(resource ? { resource } : {}),
  };
  const keys = probeKeys(real, bucket);
  let throughNetwork: Reach | undefined;
  for (const { action, on } of candidates.values()) {
    for (const arn of on === "bucket" ? [bucket] : keys.map((k) => `${bucket}/${k}`)) {
      const asked = request(action, arn);
      const result = evaluate(asked, judged);
      if (result.decision !== "Allow") continue;
      if (!asked.open || evaluate({ ...asked, open: withoutNetwork(asked.open) }, judged).decision === "Allow") return { action, resource: arn, result };
      throughNetwork ??= { action, resource: arn, result, networkOnly: true };
    }
  }
  return throughNetwork;
}

/** The first reach that depends on nothing xacct cannot tell (the network, an unread fact), else the first that does. */
export function surestReach(reaches: (Reach | undefined)[]): Reach | undefined {
  return reaches.find((r) => r && !r.networkOnly && !r.unknownFact) ?? reaches.find((r) => r !== undefined);
}

/** Said of a reach that needs a network a statement names. */
export function throughNetworkDetail(reach: Reach, who: string, statements: string): string {
  return `Cannot tell: ${who} may ${reach.action} on ${reach.resource} if it connects through the network ${statements} name${statements.includes(", ") ? "" : "s"} (aws:SourceVpc, aws:SourceVpce or aws:SourceIp). Another account, or the public, may reach AWS through a shared VPC, an endpoint or that address; a network condition alone is no identity boundary.`;
}

export const NETWORK_FIX = (statements: string) =>
  `Pair the network condition of ${statements} with aws:PrincipalAccount or aws:PrincipalOrgID, so only your accounts qualify; xacct treats this check as not holding.`;

/**
 * What any principal of a Staging account may do through the bucket policy alone, beyond
 * `planned`. From the documents: the Staging account's S3 canonical ID (a bucket policy may
 * name it instead of its ARN) and its organization as read. A reach that needs a fact xacct
 * could not read (which organization or unit the account is in) is marked so: "cannot tell".
 */
export function stagingReach(
  bucketPolicy: LabeledPolicy,
  target: VerifyTarget,
  kinds: S3ActionKind[],
  planned: string[],
  docs: Pick<PathDocuments, "stagingCanonicalId" | "organization">,
): Reach | undefined {
  const policies = { identity: [ANY_IDENTITY], resource: bucketPolicy };
  return surestReach(
    stagingPrincipals(outsiderTarget(target), docs.organization?.stagingOrg).map((outsider) => {
      const canonical = outsider.principal.accountId === target.stagingAccountId ? docs.stagingCanonicalId : undefined;
      const staging = canonical ? { ...outsider, principal: { ...outsider.principal, canonicalUserId: canonical } } : outsider;
      const reach = firstReach(policies, outsiderRequest(staging, target), kinds, target, planned);
      if (!reach || !staging.unknown) return reach && { ...reach, who: staging.who };
      const regardless = firstReach(policies, outsiderRequest(withoutUnknown(staging), target), kinds, target, planned);
      return regardless ? { ...regardless, who: staging.who } : { ...reach, who: staging.who, unknownFact: staging.unknown.what };
    }),
  );
}

/**
 * `firstReach` for a principal whose organization is `org`: its facts applied, and a reach that
 * needs what xacct could not read about it (`org.unknown`) marked so.
 */
export function firstReachIn(
  org: OrgFacts,
  policies: PolicySet,
  request: (action: string, resource: string) => EvaluationRequest,
  kinds: S3ActionKind[],
  target: VerifyTarget,
): Reach | undefined {
  const within =
    (unread: string[]) =>
    (action: string, resource: string): EvaluationRequest => {
      const asked = request(action, resource);
      const absent = [...(asked.open?.absent ?? []), ...org.absent, ...unread];
      return { ...asked, context: { ...asked.context, ...org.context }, open: { ...asked.open, absent } };
    };
  const reach = firstReach(policies, within([]), kinds, target);
  if (!reach || !org.unknown) return reach;
  return firstReach(policies, within(org.unknown.keys), kinds, target) ?? { ...reach, unknownFact: org.unknown.what };
}

export function outsiderRequest(outsider: Outsider, target: VerifyTarget): (action: string, resource: string) => EvaluationRequest {
  return (action, resource) => ({
    principal: outsider.principal,
    action,
    resource,
    resourceAccountId: target.productionAccountId,
    context: outsider.context,
    open: outsider.open,
  });
}

/** A "cannot" hop: ✔ when nothing was reached, else which action, where, and by which statement. */
export function reachHop(id: HopId, title: string, reach: Reach | undefined, who: string, fix: (statements: string) => string): Hop {
  if (!reach) return { id, title, ok: true, detail: "Not allowed by any policy on the path, for any object." };
  const statements = grantingStatements(reach.result);
  if (reach.networkOnly) return { id, title, ok: null, detail: throughNetworkDetail(reach, who, statements), fix: NETWORK_FIX(statements) };
  if (reach.unknownFact) {
    return {
      id,
      title,
      ok: null,
      detail: `Cannot tell: ${who} may ${reach.action} on ${reach.resource}, allowed by ${statements}, depending on ${reach.unknownFact}.`,
      fix: `Check whether ${statements} admit${statements.includes(", ") ? "" : "s"} that account by its organization; xacct treats this check as not holding. ${fix(statements)}`,
    };
  }
  return { id, title, ok: false, detail: `${who} may ${reach.action} on ${reach.resource}, allowed by ${statements}.`, fix: fix(statements) };
}

/**
 * Whoever may assume the role gets all of its permissions, so the role may grant nothing but
 * this bucket: every Allow of its policies names only the bucket's objects (what it may do to
 * them is judged by the hops above), or the bucket itself for listing and locating it.
 */
export function roleScopeHop(rolePolicies: LabeledPolicy[], target: VerifyTarget, path: RolePath): Hop {
  const bucket = bucketArn(path.partition, target.bucket);
  const locate = ["s3:listbucket", "s3:getbucketlocation"];
  const withinBucket = (statement: PolicyStatement) => {
    if (statement.NotResource !== undefined || statement.Resource === undefined) return false;
    const actions = statement.NotAction === undefined ? [statement.Action ?? []].flat().map((a) => a.toLowerCase()) : undefined;
    const onBucket = actions !== undefined && actions.every((a) => locate.includes(a));
    return [statement.Resource].flat().every((r) => r.startsWith(`${bucket}/`) || (r === bucket && onBucket));
  };
  // kms:Decrypt through S3 only, on Production's keys: S3 asks for it only for reads the role
  // may make, which the hops above bound to this bucket (an SSE-KMS bucket needs it).
  const decryptsForS3 = (statement: PolicyStatement) =>
    isDecryptThroughS3(statement) && [statement.Resource ?? []].flat().every((arn) => parseKeyArn(arn)?.accountId === target.productionAccountId);
  const beyond = rolePolicies.flatMap((policy) =>
    policy.document.Statement.flatMap((statement, statementIndex) =>
      statement.Effect === "Allow" && !withinBucket(statement) && !decryptsForS3(statement)
        ? [describeStatement({ policy: policy.label, statementIndex, effect: "Allow", ...(statement.Sid === undefined ? {} : { sid: statement.Sid }) })]
        : [],
    ),
  );
  const title = `${target.roleName} grants nothing beyond ${target.bucket}`;
  if (beyond.length === 0) {
    const decrypts = rolePolicies.some((policy) => policy.document.Statement.some((s) => s.Effect === "Allow" && decryptsForS3(s)));
    const detail = decrypts
      ? "Every statement of its policies names only the bucket, or lets S3 decrypt its objects with Production's key (kms:Decrypt through S3 only)."
      : "Every statement of its policies names only the bucket.";
    return { id: "role-grants-nothing-else", title, ok: true, detail };
  }
  return {
    id: "role-grants-nothing-else",
    title,
    ok: false,
    detail: `Whoever assumes it also gets what ${beyond.join(", ")} allow${beyond.length === 1 ? "s" : ""}.`,
    fix: `Use a role of this setup's own (--role-name), or narrow ${beyond.join(", ")} to ${target.bucket}.`,
  };
}
