/**
 * The path from the Staging user to an object, as hops a person can check one by one. Pure:
 * the documents in, a verdict per hop out, each failure naming the statement responsible and
 * the fix. Decisions come from xacct's policy evaluator, never from what an emulator allows.
 */
import { accountRootArn, bucketArn, bucketObjectsArn, partitionForRegion, userArn } from "../policy/arn.js";
import { policyDocument, SID, type PolicyStatement } from "../policy/documents.js";
import { bucketStatementSids, trustStatementSid } from "../policy/ownership.js";
import { setupId } from "../plan.js";
import { describeStatement, evaluate, type ContextValue, type EvaluationRequest, type EvaluationResult, type LabeledPolicy, type PolicySet } from "../policy-eval/index.js";
import type { PathDocuments } from "./documents.js";
import { effectiveAclGrants } from "./bucket-acl.js";
import { probeKeys, standInVariables } from "./object-probes.js";
import { accountOutsiders, anonymousOutsider, organizationMember, stagingPrincipals, type Outsider, type OutsiderTarget } from "./outsiders.js";
import { actionsNamedBy, type S3ActionKind } from "./s3-actions.js";
import { sessionRequestContext, userRequestContext } from "./request-context.js";
import { federatedHop, serviceHop } from "./trust-kinds.js";

export interface VerifyTarget {
  /** Further Staging accounts the trust must admit too. */
  moreStagingAccountIds?: string[] | undefined;
  /** Which path to check: through the role (default) or straight through the bucket policy. */
  mode?: "role" | "resource-policy";
  region: string;
  productionAccountId: string;
  stagingAccountId: string;
  stagingUser: string;
  roleName: string;
  roleArn: string;
  bucket: string;
  /** Condition keys of the assume request (e.g. sts:ExternalId, aws:MultiFactorAuthPresent). */
  assumeContext?: Record<string, ContextValue>;
}

export interface Hop {
  id: string;
  title: string;
  /** null: xacct cannot tell (a statement depends on a fact it cannot read); never counted as holding. */
  ok: boolean | null;
  /** Why, in one or two sentences, naming the deciding statements. */
  detail: string;
  /** What to do when it fails. */
  fix?: string;
  /** Holds, but lets in more than the named accounts, as the options chose: summaries must say so. */
  widens?: string;
}

/** Stand-ins that isolate one side of a cross-account check, so each hop judges one document set. */
const ANY_IDENTITY: LabeledPolicy = {
  label: "(the caller's own permissions, assumed to allow)",
  document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]),
};
const ANY_TRUST: LabeledPolicy = {
  label: "(the role's trust, assumed to admit)",
  document: policyDocument([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]),
};

function outsiderTarget(target: VerifyTarget): OutsiderTarget {
  const orgId = target.assumeContext?.["aws:PrincipalOrgID"];
  return {
    partition: partitionForRegion(target.region),
    productionAccountId: target.productionAccountId,
    stagingAccountIds: [target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])],
    orgId: typeof orgId === "string" ? orgId : undefined,
  };
}

/** The statements of real documents that allowed a request (not the stand-ins above). */
function grantingStatements(result: EvaluationResult): string {
  return result.deciding.filter((d) => d.policy !== ANY_IDENTITY.label && d.policy !== ANY_TRUST.label).map(describeStatement).join(", ");
}

function denyingStatements(result: EvaluationResult): string {
  return result.deciding.map(describeStatement).join(", ");
}

export function computeHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  if (target.mode === "resource-policy") {
    const direct = computeDirectHops(docs, target);
    return [...direct.slice(0, 2), locateHop(docs, target), ...direct.slice(2)];
  }
  const path = rolePath(target, docs);
  return [...assumeHops(docs, target, path), ...readHops(docs, target, path), locateHop(docs, target), ...negativeHops(docs, target, path)];
}

/**
 * The setup's own bucket statement: Staging may find the bucket's region and list it. Judged
 * by what the bucket policy grants, so a statement removed by someone (or by another setup's
 * teardown) is noticed even where reads still work.
 */
function locateHop(docs: PathDocuments, target: VerifyTarget): Hop {
  const partition = partitionForRegion(target.region);
  const title = `the bucket policy of ${target.bucket} lets account ${target.stagingAccountId} locate and list it`;
  const sid = bucketStatementSids(setupId(target)).locate;
  const fix = `Run \`xacct setup\` again: it writes statement ${sid} into the bucket policy.`;
  if (!docs.bucketPolicy) return { id: "bucket-lets-staging-list", title, ok: false, detail: "The bucket has no policy.", fix };
  const user = { arn: userArn(partition, target.stagingAccountId, target.stagingUser), accountId: target.stagingAccountId };
  const results = ["s3:GetBucketLocation", "s3:ListBucket"].map((action) =>
    evaluateIntended(
      { principal: user, action, resource: bucketArn(partition, target.bucket), resourceAccountId: target.productionAccountId, ...userRequestContext(user, target.region, target.productionAccountId, S3_SIGNING) },
      { identity: [ANY_IDENTITY], resource: docs.bucketPolicy! },
    ),
  );
  const refused = results.find((r) => r.decision !== "Allow") ?? results.find((r) => r.adverse);
  return refused ? verdict("bucket-lets-staging-list", title, refused.decision === "Allow", refused, fix) : { id: "bucket-lets-staging-list", title, ok: true, detail: results[1]!.reason };
}

type Principal = { arn: string; accountId: string };

/** The principals and requests of the role path, shared by its hops. */
interface RolePath {
  partition: ReturnType<typeof partitionForRegion>;
  user: Principal;
  assume: (principal: Principal) => Parameters<typeof evaluate>[0];
  onObject: (action: string, principal?: Principal) => Parameters<typeof evaluate>[0];
}

function rolePath(target: VerifyTarget, docs: PathDocuments): RolePath {
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

const S3_SIGNING = { "s3:authType": "REST-HEADER", "s3:signatureversion": "AWS4-HMAC-SHA256" };

/** An evaluation of an intended request, and, when facts xacct cannot read could turn it, the result with them going against it. */
type Judged = EvaluationResult & { adverse?: EvaluationResult };

function evaluateIntended(request: EvaluationRequest, policies: PolicySet): Judged {
  const favourable = evaluate(request, policies);
  if (!request.open) return favourable;
  const adverse = evaluate({ ...request, open: { ...request.open, adverse: true } }, policies);
  return adverse.decision === favourable.decision ? favourable : { ...favourable, adverse };
}

/** The user may ask for the role, the trust admits it (and every further Staging account). */
function assumeHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const identity = evaluateIntended(path.assume(path.user), { identity: docs.userPolicies, permissionsBoundary: docs.userBoundary, resource: ANY_TRUST });
  const hops = [
    verdict("user-may-assume", `${target.stagingUser} may call sts:AssumeRole on ${target.roleName}`, identity.decision === "Allow", identity, docs.userExists
      ? `${mfaNote(identity, [...docs.userPolicies, ...(docs.userBoundary ? [docs.userBoundary] : [])])}Give ${target.stagingUser} sts:AssumeRole on ${target.roleArn}: run \`xacct setup\` (it writes inline policy xacct-assume-${target.roleName}).`
      : `User ${target.stagingUser} does not exist in account ${target.stagingAccountId}: run \`xacct setup\` to create it.`),
  ];
  const title = `the trust policy of ${target.roleName} admits ${target.stagingUser}`;
  if (!docs.trust) return [...hops, missing("trust-admits-user", title, `Role ${target.roleArn} does not exist: run \`xacct setup\`.`)];
  const trust = evaluateIntended(path.assume(path.user), { identity: [ANY_IDENTITY], permissionsBoundary: docs.userBoundary && ANY_IDENTITY, resource: docs.trust });
  hops.push(verdict("trust-admits-user", title, trust.decision === "Allow", trust,
    `Let account ${target.stagingAccountId} assume ${target.roleName}: run \`xacct setup\` (trust statement for ${accountRootArn(path.partition, target.stagingAccountId)}).`));
  const more = target.moreStagingAccountIds ?? [];
  if (more.length > 0) hops.push(moreAccountsHop(docs.trust, target, more, path.assume));
  return hops;
}

/** The role may read the objects, and the bucket does not deny it. */
function readHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const bucketPolicy = docs.bucketPolicy;
  // Same account: the role's own policies grant the read (or, failing that, a bucket policy
  // statement naming the role); a bucket-policy Deny is judged in the next hop on its own.
  const boundary = { permissionsBoundary: docs.roleBoundary };
  const ownRead = evaluateIntended(path.onObject("s3:GetObject"), { identity: docs.rolePolicies, ...boundary });
  const combinedRead = evaluateIntended(path.onObject("s3:GetObject"), { identity: docs.rolePolicies, ...boundary, ...(bucketPolicy ? { resource: bucketPolicy } : {}) });
  const read = ownRead.decision !== "Allow" && combinedRead.decision === "Allow" ? combinedRead : ownRead;
  // A boundary's presence matters to the bucket side too: a Deny with NotPrincipal then always applies.
  const bucketSide = bucketPolicy ? evaluateIntended(path.onObject("s3:GetObject"), { identity: [ANY_IDENTITY], permissionsBoundary: docs.roleBoundary && ANY_IDENTITY, resource: bucketPolicy }) : undefined;
  const bucketDenies = bucketSide?.decision === "ExplicitDeny";
  const mayDeny = !bucketDenies && bucketSide?.adverse?.decision === "ExplicitDeny" ? bucketSide.adverse : undefined;
  return [
    verdict("role-may-read", `${target.roleName} may s3:GetObject on ${target.bucket}/*`, read.decision === "Allow", read,
      `Attach a policy allowing s3:GetObject on ${bucketObjectsArn(path.partition, target.bucket)} to ${target.roleName}: run \`xacct setup\`.`),
    mayDeny
      ? cannotTell("bucket-allows-read", `the bucket policy and settings of ${target.bucket} do not deny it`, mayDeny)
      : {
          id: "bucket-allows-read",
          title: `the bucket policy and settings of ${target.bucket} do not deny it`,
          ok: !bucketDenies,
          detail: bucketDenies ? `Denied by ${denyingStatements(bucketSide)}.` : ownershipNote(docs.objectOwnership),
          ...(bucketDenies ? { fix: `Narrow or remove ${denyingStatements(bucketSide)} so it does not apply to ${target.roleName}.` } : {}),
        },
  ];
}

/** Nothing more: no write or delete, no read around the role, no third account, not public. */
function negativeHops(docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop[] {
  const bucketPolicy = docs.bucketPolicy;
  const roleSet = { identity: docs.rolePolicies, permissionsBoundary: docs.roleBoundary, ...(bucketPolicy ? { resource: bucketPolicy } : {}) };
  const asRole = (action: string, resource: string) => anyRequestOf({ ...path.onObject(action), resource }, target.roleArn);
  const hops: Hop[] = BEYOND_READING.map(({ verb, kinds, what }) => {
    const reach = firstReach(roleSet, asRole, kinds, target);
    return reachHop(`role-cannot-${verb}`, `${target.roleName} cannot ${what} ${target.bucket}`, reach, target.roleName,
      (statements) => `Narrow ${statements} to reading (s3:GetObject): the plan lets ${target.roleName} read, nothing else.`);
  });
  hops.push(roleScopeHop(docs.rolePolicies, target, path));
  if (bucketPolicy) {
    // The role is the only way in: the bucket must not also let Staging in directly (e.g. left from resource-policy mode),
    // beyond locating and listing it, which this setup's own statement grants.
    const planned = ["s3:listbucket", "s3:getbucketlocation"];
    const reach = stagingReach(bucketPolicy, target, ["read", "list", "write", "delete", "administer"], planned, docs.stagingCanonicalId);
    hops.push(reachHop("staging-cannot-read-directly", `Staging cannot read or change ${target.bucket} without the role`, reach, reach?.who ?? "",
      (statements) => `Remove ${statements} from the bucket policy: in role mode, Staging reaches objects only through ${target.roleName}.`));
  }
  if (docs.trust) hops.push(thirdAccountAssumeHop(docs.trust, docs, target, path));
  const orgId = outsiderTarget(target).orgId;
  if (docs.trust && orgId) hops.push(organizationHop(docs.trust, docs, target, path, orgId));
  if (docs.trust) hops.push(...[federatedHop(docs.trust, target), serviceHop(docs.trust, target)].filter((h): h is Hop => h !== undefined));
  const asPlanned = docs.trust ? stagingAsPlannedHop(docs.trust, target, path) : undefined;
  if (asPlanned) hops.push(asPlanned);
  if (docs.trust) hops.push(productionOthersHop(docs.trust, docs, target, path));
  hops.push(...outsiderReadHops(docs, target));
  return hops;
}

/** What "reading only" rules out, one hop each: the plan reads objects and lists the bucket. */
const BEYOND_READING: ReadonlyArray<{ verb: string; kinds: S3ActionKind[]; what: string }> = [
  { verb: "write", kinds: ["write"], what: "write or restore objects of" },
  { verb: "delete", kinds: ["delete"], what: "delete objects or versions of" },
  { verb: "administer", kinds: ["administer"], what: "change the policy, ACLs, retention or settings of" },
];

/** An action someone may take on the bucket or one of its objects, and what allowed it. */
interface Reach {
  action: string;
  resource: string;
  result: EvaluationResult;
  who?: string;
}

/**
 * The first S3 action of `kinds` (but not `planned`) that `request` may take on the bucket or
 * any of its objects. Only actions some Allow statement names are tried; object actions are
 * tried on a key no document names and on a key inside every part of the bucket an Allow names.
 */
function firstReach(
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
    real.flatMap((p) => p.document.Statement.filter((st) => st.Effect === "Allow").flatMap(actionsNamedBy))
      .filter((a) => kinds.includes(a.kind) && !planned.includes(a.action.toLowerCase()))
      .map((a) => [`${a.on} ${a.action.toLowerCase()}`, a]),
  );
  if (candidates.size === 0) return undefined;
  const judged: PolicySet = { identity: policies.identity.includes(ANY_IDENTITY) ? [ANY_IDENTITY, ...identity] : identity, ...(resource ? { resource } : {}) };
  const keys = probeKeys(real, bucket);
  for (const { action, on } of candidates.values()) {
    for (const arn of on === "bucket" ? [bucket] : keys.map((k) => `${bucket}/${k}`)) {
      const result = evaluate(request(action, arn), judged);
      if (result.decision === "Allow") return { action, resource: arn, result };
    }
  }
  return undefined;
}

/** What any principal of a Staging account may do through the bucket policy alone, beyond `planned`. */
/** `stagingCanonicalId`: the Staging account's S3 canonical ID, which a bucket policy may name instead of its ARN. */
function stagingReach(bucketPolicy: LabeledPolicy, target: VerifyTarget, kinds: S3ActionKind[], planned: string[], stagingCanonicalId: string | undefined): Reach | undefined {
  for (const outsider of stagingPrincipals(outsiderTarget(target))) {
    const canonical = outsider.principal.accountId === target.stagingAccountId ? stagingCanonicalId : undefined;
    const staging = canonical ? { ...outsider, principal: { ...outsider.principal, canonicalUserId: canonical } } : outsider;
    const reach = firstReach({ identity: [ANY_IDENTITY], resource: bucketPolicy }, outsiderRequest(staging, target), kinds, target, planned);
    if (reach) return { ...reach, who: staging.who };
  }
  return undefined;
}

function outsiderRequest(outsider: Outsider, target: VerifyTarget): (action: string, resource: string) => EvaluationRequest {
  return (action, resource) => ({ principal: outsider.principal, action, resource, resourceAccountId: target.productionAccountId, context: outsider.context, open: outsider.open });
}

/** A "cannot" hop: ✔ when nothing was reached, else which action, where, and by which statement. */
function reachHop(id: string, title: string, reach: Reach | undefined, who: string, fix: (statements: string) => string): Hop {
  if (!reach) return { id, title, ok: true, detail: "Not allowed by any policy on the path, for any object." };
  const statements = grantingStatements(reach.result);
  return { id, title, ok: false, detail: `${who} may ${reach.action} on ${reach.resource}, allowed by ${statements}.`, fix: fix(statements) };
}

/**
 * Whoever may assume the role gets all of its permissions, so the role may grant nothing but
 * this bucket: every Allow of its policies names only the bucket's objects (what it may do to
 * them is judged by the hops above), or the bucket itself for listing and locating it.
 */
function roleScopeHop(rolePolicies: LabeledPolicy[], target: VerifyTarget, path: RolePath): Hop {
  const bucket = bucketArn(path.partition, target.bucket);
  const locate = ["s3:listbucket", "s3:getbucketlocation"];
  const withinBucket = (statement: PolicyStatement) => {
    if (statement.NotResource !== undefined || statement.Resource === undefined) return false;
    const actions = statement.NotAction === undefined ? [statement.Action ?? []].flat().map((a) => a.toLowerCase()) : undefined;
    const onBucket = actions !== undefined && actions.every((a) => locate.includes(a));
    return [statement.Resource].flat().every((r) => r.startsWith(`${bucket}/`) || (r === bucket && onBucket));
  };
  const beyond = rolePolicies.flatMap((policy) =>
    policy.document.Statement.flatMap((statement, statementIndex) =>
      statement.Effect === "Allow" && !withinBucket(statement)
        ? [describeStatement({ policy: policy.label, statementIndex, effect: "Allow", ...(statement.Sid === undefined ? {} : { sid: statement.Sid }) })]
        : [],
    ),
  );
  const title = `${target.roleName} grants nothing beyond ${target.bucket}`;
  if (beyond.length === 0) return { id: "role-grants-nothing-else", title, ok: true, detail: "Every statement of its policies names only the bucket." };
  return {
    id: "role-grants-nothing-else",
    title,
    ok: false,
    detail: `Whoever assumes it also gets what ${beyond.join(", ")} allow${beyond.length === 1 ? "s" : ""}.`,
    fix: `Use a role of this setup's own (--role-name), or narrow ${beyond.join(", ")} to ${target.bucket}.`,
  };
}

/**
 * No principal outside the sides may assume the role, whatever it sends: the whole trust as it
 * is (or will be after the merge) is judged, and the first statement letting one in is named.
 */
function thirdAccountAssumeHop(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop {
  const title = `a third account cannot assume ${target.roleName}`;
  for (const outsider of accountOutsiders(docs, outsiderTarget(target))) {
    const result = evaluate({ ...path.assume(outsider.principal), context: outsider.context, open: outsider.open }, { identity: [ANY_IDENTITY], resource: trust });
    if (result.decision !== "Allow") continue;
    const admitting = grantingStatements(result);
    return {
      id: "third-account-cannot-assume",
      title,
      ok: false,
      detail: `${outsider.who} may assume it, admitted by ${admitting}. ${OUTSIDER_CHOOSES}`,
      fix: `Narrow or remove ${admitting} so that only account ${target.stagingAccountId} is admitted, or use a role of this setup's own (--role-name).`,
    };
  }
  return { id: "third-account-cannot-assume", title, ok: true, detail: "No statement admits a principal of any other account, whatever it sends." };
}

/**
 * With --org-id, a principal of another account of the organization. xacct's own statement
 * names the organization as a whole when there are several Staging accounts (Principal "*"
 * with aws:PrincipalOrgID): that holds as planned, but it lets in every account of the
 * organization, Production's principals too, and every summary must say so. Any other
 * statement admitting it lets in a third account.
 */
function organizationHop(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath, orgId: string): Hop {
  const member = organizationMember(docs, outsiderTarget(target), orgId);
  const request = { ...path.assume(member.principal), context: member.context, open: member.open };
  const result = evaluate(request, { identity: [ANY_IDENTITY], resource: trust });
  const id = "organization-members-cannot-assume";
  if (result.decision !== "Allow") {
    return { id, title: `no other account of organization ${orgId} can assume ${target.roleName}`, ok: true, detail: "Only the named Staging accounts of the organization are admitted." };
  }
  const admitting = grantingStatements(result);
  const isOurs = ownTrustStatement(trust, target);
  const others = evaluate(request, { identity: [ANY_IDENTITY], resource: withoutStatements(trust, isOurs) });
  if (others.decision === "Allow") {
    const foreign = grantingStatements(others);
    return {
      id,
      title: `no other account of organization ${orgId} can assume ${target.roleName}`,
      ok: false,
      detail: `${member.who} may assume it, admitted by ${foreign}. ${OUTSIDER_CHOOSES}`,
      fix: `Narrow or remove ${foreign}, or use a role of this setup's own (--role-name).`,
    };
  }
  const widens = `every principal of every account in organization ${orgId}, Production's included, may assume ${target.roleName}`;
  return {
    id,
    title: `the trust of ${target.roleName} admits organization ${orgId} as a whole`,
    ok: true,
    detail: `${admitting} names the organization, not each Staging account (--org-id with several accounts): ${widens} and read ${target.bucket}. Name the accounts with --trust-principal to narrow it.`,
    widens,
  };
}

/**
 * This setup's statement in the trust: its own Sid, or, in a trust an older xacct wrote, the
 * shared Sid that older versions gave every setup.
 */
function ownTrustStatement(trust: LabeledPolicy, target: VerifyTarget): (s: PolicyStatement) => boolean {
  const own = trustStatementSid(setupId(target));
  const legacy = !trust.document.Statement.some((s) => s.Sid === own);
  return (s) => s.Sid === own || (legacy && s.Sid === SID.trustStaging);
}

/**
 * When xacct's trust statement narrows Staging (named principals, an external ID, MFA), no
 * other statement may admit Staging around it: a principal of each Staging account that is not
 * named, or that sends none of the keys xacct's statement requires, must stay out. Undefined
 * when xacct's statement does not narrow Staging (then any other statement admits no more).
 */
function stagingAsPlannedHop(trust: LabeledPolicy, target: VerifyTarget, path: RolePath): Hop | undefined {
  const isOurs = ownTrustStatement(trust, target);
  const ours = trust.document.Statement.filter(isOurs);
  const others = withoutStatements(trust, isOurs);
  const required = [...new Set(ours.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys))))]
    // Which organization Staging is in is a fact xacct does not know; it is no caller's choice.
    .filter((key) => !/^aws:PrincipalOrg/i.test(key));
  const named = ours.flatMap((s) => (s.Principal && s.Principal !== "*" ? [s.Principal.AWS ?? []].flat() : []));
  const accounts = [target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])];
  const narrowed = (account: string) => required.length > 0 || !named.some((p) => p === accountRootArn(path.partition, account) || p === account);
  const probes = accounts.filter(narrowed);
  if (ours.length === 0 || probes.length === 0) return undefined;
  const title = `the trust policy of ${target.roleName} admits Staging only as planned`;
  for (const account of probes) {
    const arn = `arn:${path.partition}:iam::${account}:role/xacct-unnamed`;
    const result = evaluate(
      { ...path.assume({ arn, accountId: account }), context: { "aws:PrincipalAccount": account, "aws:PrincipalArn": arn, "aws:ResourceAccount": target.productionAccountId }, open: { absent: required } },
      { identity: [ANY_IDENTITY], resource: others },
    );
    if (result.decision !== "Allow") continue;
    const admitting = grantingStatements(result);
    const planned = [named.length > 0 && `only ${named.join(", ")}`, required.length > 0 && `only with ${required.join(", ")}`].filter(Boolean).join(", ");
    return {
      id: "trust-admits-staging-as-planned",
      title,
      ok: false,
      detail: `The plan admits account ${account} ${planned}, but ${admitting} admits its principals without that. ${OUTSIDER_CHOOSES}`,
      fix: `Narrow or remove ${admitting}, or use a role of this setup's own (--role-name).`,
    };
  }
  return { id: "trust-admits-staging-as-planned", title, ok: true, detail: "No other statement admits Staging principals that xacct's statement would not." };
}

/**
 * Another statement of the trust may admit principals of Production itself (a role reused from
 * CI, say): they would read the bucket through the role too. Their account owns the bucket, so
 * setup reports this rather than refusing it.
 */
function productionOthersHop(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop {
  // A statement that admits outsiders too is the third-account check's to report.
  const outsiders = accountOutsiders(docs, outsiderTarget(target));
  const admitsOutsider = (statement: PolicyStatement) => outsiders.some((o) =>
    evaluate({ ...path.assume(o.principal), context: o.context, open: o.open }, { identity: [ANY_IDENTITY], resource: { label: trust.label, document: policyDocument([statement]) } }).decision === "Allow");
  const isOurs = ownTrustStatement(trust, target);
  const others = withoutStatements(trust, (s) => isOurs(s) || admitsOutsider(s));
  const account = target.productionAccountId;
  const arn = `arn:${path.partition}:iam::${account}:role/xacct-other`;
  const result = evaluate(
    { ...path.assume({ arn, accountId: account }), context: { "aws:PrincipalAccount": account, "aws:PrincipalArn": arn, "aws:ResourceAccount": account }, open: { absent: [] } },
    { identity: [ANY_IDENTITY], resource: others },
  );
  const title = `no other principal of Production can assume ${target.roleName}`;
  if (result.decision !== "Allow") return { id: "production-others-cannot-assume", title, ok: true, detail: "No other statement admits principals of Production." };
  const admitting = grantingStatements(result);
  return {
    id: "production-others-cannot-assume",
    title,
    ok: false,
    detail: `Principals of Production may assume it, admitted by ${admitting}, and so read ${target.bucket}.`,
    fix: `Narrow or remove ${admitting} if they should not read the bucket, or use a role of this setup's own (--role-name).`,
  };
}

/** The policy with some statements made inert in place, so the others keep their numbers (statement #N). */
function withoutStatements(policy: LabeledPolicy, drop: (statement: PolicyStatement) => boolean): LabeledPolicy {
  const inert: PolicyStatement = { Effect: "Allow", Principal: { AWS: [] }, Action: [] };
  return { label: policy.label, document: { ...policy.document, Statement: policy.document.Statement.map((s) => (drop(s) ? inert : s)) } };
}

const OUTSIDER_CHOOSES = "(A caller chooses what it sends, how it names and tags its own users and roles, and whether it uses TLS, so conditions on those do not keep it out.)";

/**
 * No one outside the sides may read, list, write, delete or administer the bucket through its
 * policy: not the public (an account no policy names, anonymous requests), where Block Public
 * Access overrides a grant; and, reported apart, not an account the bucket policy names.
 */
function outsiderReadHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const policies: PolicySet = { identity: [ANY_IDENTITY], ...(docs.bucketPolicy ? { resource: docs.bucketPolicy } : {}) };
  const all: S3ActionKind[] = ["read", "list", "write", "delete", "administer"];
  const reachOf = (o: Outsider) => {
    const reach = firstReach(policies, outsiderRequest(o, target), all, target);
    return reach ? { ...reach, who: o.who } : undefined;
  };
  const outsiders = [...accountOutsiders(docs, outsiderTarget(target)), anonymousOutsider(outsiderTarget(target))];
  const publicGrant = outsiders.filter((o) => o.publicInS3Terms).map(reachOf).find((r) => r !== undefined);
  const namedGrant = outsiders.filter((o) => !o.publicInS3Terms).map(reachOf).find((r) => r !== undefined);
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
    hops.push(reachHop("no-third-account-reads", `no third account can read or change ${target.bucket}`, namedGrant, namedGrant.who!,
      (statements) => `Narrow or remove ${statements} if that account should not reach the bucket.`));
  }
  return hops;
}

/**
 * Resource-policy mode: the Staging user reads the bucket with its own credentials, so both
 * its own policies and the bucket policy must allow (a cross-account request), and nothing more.
 */
function computeDirectHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const partition = partitionForRegion(target.region);
  const canonical = docs.stagingCanonicalId === undefined ? {} : { canonicalUserId: docs.stagingCanonicalId };
  const user = { arn: userArn(partition, target.stagingAccountId, target.stagingUser), accountId: target.stagingAccountId, ...canonical };
  const onObject = (action: string, principal: { arn: string; accountId: string }) => ({
    principal,
    action,
    resource: `${bucketArn(partition, target.bucket)}/xacct-verify-probe`,
    resourceAccountId: target.productionAccountId,
    ...userRequestContext(principal, target.region, target.productionAccountId, S3_SIGNING),
  });
  const bucketPolicy = docs.bucketPolicy;
  const anyBucket: LabeledPolicy = {
    label: "(the bucket policy, assumed to admit)",
    document: policyDocument([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:*", Resource: "*" }]),
  };
  const own = evaluateIntended(onObject("s3:GetObject", user), { identity: docs.userPolicies, permissionsBoundary: docs.userBoundary, resource: anyBucket });
  const admitted = bucketPolicy ? evaluateIntended(onObject("s3:GetObject", user), { identity: [ANY_IDENTITY], resource: bucketPolicy }) : undefined;
  const both = { identity: docs.userPolicies, permissionsBoundary: docs.userBoundary, ...(bucketPolicy ? { resource: bucketPolicy } : {}) };
  const hops: Hop[] = [
    verdict("user-may-read", `${target.stagingUser} may s3:GetObject on ${target.bucket}/*`, own.decision === "Allow", own,
      docs.userExists ? `Give ${target.stagingUser} s3:GetObject on ${bucketObjectsArn(partition, target.bucket)}: run \`xacct setup --mode resource-policy\`.` : `User ${target.stagingUser} does not exist: run \`xacct setup --mode resource-policy\`.`),
    admitted
      ? verdict("bucket-admits-user", `the bucket policy of ${target.bucket} lets ${target.stagingUser} read objects`, admitted.decision === "Allow", admitted,
          `Grant account ${target.stagingAccountId} s3:GetObject in the bucket policy: run \`xacct setup --mode resource-policy\`.`)
      : missing("bucket-admits-user", `the bucket policy of ${target.bucket} lets ${target.stagingUser} read objects`, "The bucket has no policy: run `xacct setup --mode resource-policy`."),
  ];
  hops[1]!.detail += ` ${ownershipNote(docs.objectOwnership)}`;
  for (const { verb, kinds, what } of BEYOND_READING) {
    // Any principal of Staging, not only this user: the bucket policy is what must not grant more.
    const reach = bucketPolicy ? stagingReach(bucketPolicy, target, kinds, [], docs.stagingCanonicalId) : undefined;
    const asUser = (action: string, resource: string) => anyRequestOf({ ...onObject(action, user), resource }, user.arn);
    const own = reach ?? firstReach(both, asUser, kinds, target);
    hops.push(reachHop(`user-cannot-${verb}`, `Staging cannot ${what} ${target.bucket}`, own, reach?.who ?? target.stagingUser,
      (statements) => `Narrow ${statements} to reading (s3:GetObject): the plan lets Staging read, nothing else.`));
  }
  hops.push(...outsiderReadHops(docs, target));
  return hops;
}

/** One hop for all further Staging accounts: the trust admits the Staging user in each. */
function moreAccountsHop(
  trust: LabeledPolicy,
  target: VerifyTarget,
  accounts: string[],
  assume: (principal: Principal) => Parameters<typeof evaluate>[0],
): Hop {
  const partition = partitionForRegion(target.region);
  const refused = accounts.filter((accountId) => {
    const user = { arn: userArn(partition, accountId, target.stagingUser), accountId };
    return evaluate(assume(user), { identity: [ANY_IDENTITY], resource: trust }).decision !== "Allow";
  });
  const title = `the trust policy of ${target.roleName} admits ${target.stagingUser} in ${accounts.length} more Staging account(s)`;
  return refused.length === 0
    ? { id: "trust-admits-more-accounts", title, ok: true, detail: `Every one of ${accounts.length} accounts is admitted.` }
    : { id: "trust-admits-more-accounts", title, ok: false, detail: `Not admitted: ${refused.join(", ")}.`, fix: "Run `xacct setup` with the same Staging accounts to put them in the trust policy." };
}

function verdict(id: string, title: string, ok: boolean, result: Judged, fix: string): Hop {
  if (ok && result.adverse) return cannotTell(id, title, result.adverse);
  return ok ? { id, title, ok, detail: result.reason } : { id, title, ok, detail: result.reason, fix: result.decision === "ExplicitDeny" ? `Remove or narrow ${denyingStatements(result)}. ${fix}` : fix };
}

/** The hop turns on a fact xacct cannot read (aws:SourceIp, aws:SourceVpce, aws:userid, tags, …): it says so, naming the statements. */
function cannotTell(id: string, title: string, adverse: EvaluationResult): Hop {
  const statements = adverse.decision === "ExplicitDeny" ? denyingStatements(adverse) : "the statements that allow it";
  return {
    id,
    title,
    ok: null,
    detail: `Cannot tell: ${statements} depend${adverse.deciding.length === 1 ? "s" : ""} on condition keys whose values xacct cannot read (such as aws:SourceIp, aws:SourceVpce, aws:userid or tags). If they go against the request: ${adverse.reason}`,
    fix: `Check the conditions of ${statements} against how ${id.startsWith("user") ? "the Staging user" : "Staging"} will call AWS; xacct treats this check as not holding.`,
  };
}

/** When a Deny on aws:MultiFactorAuthPresent refuses the user: access keys carry no MFA. */
function mfaNote(result: EvaluationResult, policies: LabeledPolicy[]): string {
  const conditions = result.deciding.map((d) => policies.find((p) => p.label === d.policy)?.document.Statement[d.statementIndex]?.Condition);
  if (result.decision !== "ExplicitDeny" || !/MultiFactorAuth/i.test(JSON.stringify(conditions))) return "";
  return "The user signs in with access keys, which carry no MFA: run `xacct setup --require-mfa` and assume with `xacct assume --mfa-serial ARN --token-code CODE`, or narrow the statement. ";
}

function missing(id: string, title: string, fix: string): Hop {
  return { id, title, ok: false, detail: "There is no such role.", fix };
}

/**
 * For "cannot" checks: the same principal sending whatever it likes. Only what AWS fixes about
 * it stays (its account and ARN; for a session, its role's ARN), so a condition on TLS, tags
 * or request values does not count as keeping it out.
 */
function anyRequestOf(request: EvaluationRequest, principalArn: string): EvaluationRequest {
  return {
    ...request,
    context: {
      "aws:PrincipalAccount": request.principal.accountId,
      "aws:PrincipalArn": principalArn,
      "aws:PrincipalIsAWSService": false,
      "aws:ResourceAccount": request.resourceAccountId,
    },
    open: { absent: ["aws:PrincipalServiceName", "aws:PrincipalServiceNamesList"], exactPrincipal: true },
  };
}

function ownershipNote(ownership: string | undefined): string {
  if (ownership === "BucketOwnerEnforced") return "No statement denies it; object ownership is enforced (ACLs off).";
  return `No statement denies it. Note: object ownership is ${ownership ?? "not set"}, so objects uploaded by other accounts may stay theirs and be unreadable; BucketOwnerEnforced avoids that.`;
}

function publicHop(target: VerifyTarget, grant: Reach | undefined, docs: PathDocuments): Hop {
  const block = docs.publicAccessBlock;
  const blocked = !!block && [block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets].every(Boolean);
  const title = `${target.bucket} is not public`;
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
  const objectAcls = docs.objectOwnership !== "BucketOwnerEnforced" && !block?.IgnorePublicAcls
    ? " Object ACLs are not read: with ACLs on and public ACLs not ignored, an object's own ACL can still make it public (--harden-bucket turns ACLs off)."
    : "";
  return {
    id: "bucket-not-public",
    title,
    ok: true,
    detail: (blocked ? "No statement or ACL grants other accounts; Block Public Access is on." : "No statement or bucket ACL grants other accounts (Block Public Access is not fully on).") + objectAcls,
  };
}

/** The bucket ACL's part of "not public": a grant to everyone, where ACLs take effect; undefined when there is none. */
function publicAclHop(target: VerifyTarget, docs: PathDocuments, title: string): Hop | undefined {
  const effective = effectiveAclGrants(docs.bucketAcl, docs.objectOwnership, !!docs.publicAccessBlock?.IgnorePublicAcls);
  const fix = `Make the bucket ACL private (aws s3api put-bucket-acl --bucket ${target.bucket} --acl private), or run \`xacct setup --harden-bucket\` (BucketOwnerEnforced turns ACLs off).`;
  if (effective === undefined) {
    return { id: "bucket-not-public", title, ok: false, detail: `Cannot tell: ACLs are in effect (object ownership ${docs.objectOwnership ?? "not set"}) and the bucket ACL was not read.`, fix };
  }
  const everyone = effective.find((g) => g.to === "everyone");
  if (!everyone) return undefined;
  return { id: "bucket-not-public", title, ok: false, detail: `The bucket ACL grants ${everyone.permission} to ${everyone.who}, and neither object ownership (ACLs off) nor Block Public Access (IgnorePublicAcls) overrides it.`, fix };
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
