/**
 * What AWS sends with the intended requests on the path: the keys it always sets (who signs,
 * from which account, as which type, in which region, when, over TLS), the keys it surely leaves
 * out, and what xacct read about the principal (its unique ID, its tags, its account's
 * organization). Every other key (aws:SourceIp, aws:SourceVpce, facts xacct could not read, …)
 * is a fact xacct cannot know: a condition on one makes the hop "cannot tell".
 * Pure: the principal, the facts and the time in, the request's context out.
 */
import type { OrgMembership } from "../aws/organizations.js";
import type { ContextValue, OpenContext } from "../policy-eval/index.js";

export type { OrgMembership };

/**
 * s3:TlsVersion of the intended S3 requests: the lowest version they may use. AWS's endpoints
 * refuse anything below TLS 1.2, and Node's default (tls.DEFAULT_MIN_VERSION, which xacct's SDK
 * clients keep) is TLSv1.2 too; 1.3 is what they may get, not what they surely get. So a Deny
 * below 1.2 never applies, and one below 1.3 is judged as applying.
 */
export const LOWEST_TLS_VERSION = "1.2";

/** The S3 keys every intended S3 request carries: signed in the Authorization header with SigV4, over TLS 1.2 or later. */
export const S3_REQUEST_KEYS: Record<string, ContextValue> = {
  "s3:authType": "REST-HEADER",
  "s3:signatureversion": "AWS4-HMAC-SHA256",
  "s3:TlsVersion": LOWEST_TLS_VERSION,
};

/** What xacct read about a principal; anything undefined stays a fact it cannot know. */
export interface PrincipalFacts {
  /** A user's UserId (AIDA…), or a role's RoleId (AROA…), from GetUser / GetRole. */
  uniqueId?: string | undefined;
  /** Its tags, from GetUser / GetRole (a role's session carries the role's). */
  tags?: Record<string, string> | undefined;
  /** Its account's organization. */
  org?: OrgMembership | undefined;
  /** aws:PrincipalTag/… keys the policies name, so the ones the principal lacks are known to be absent. */
  tagKeysNamed?: string[] | undefined;
}

/** The keys the facts fix: present with their value, or known to be absent. */
function factKeys(facts: PrincipalFacts, userid: string | undefined): { context: Record<string, ContextValue>; absent: string[] } {
  const context: Record<string, ContextValue> = {};
  const absent: string[] = [];
  if (userid !== undefined) context["aws:userid"] = userid;
  if (facts.tags) {
    for (const [key, value] of Object.entries(facts.tags)) context[`aws:PrincipalTag/${key}`] = value;
    const lower = new Set(Object.keys(facts.tags).map((k) => k.toLowerCase()));
    absent.push(...(facts.tagKeysNamed ?? []).filter((k) => !lower.has(k.slice("aws:PrincipalTag/".length).toLowerCase())));
  }
  if (facts.org?.kind === "member") context["aws:PrincipalOrgID"] = facts.org.orgId;
  if (facts.org?.kind === "none") absent.push("aws:PrincipalOrgID", "aws:PrincipalOrgPaths");
  return { context, absent };
}

export interface IntendedContext {
  context: Record<string, ContextValue>;
  open: OpenContext;
}

/** Keys AWS sets only for calls a service makes, or through access points and other paths the intended calls do not take. */
const NEVER_SENT = [
  "aws:CalledVia",
  "aws:CalledViaFirst",
  "aws:CalledViaLast",
  "aws:SourceArn",
  "aws:SourceAccount",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "aws:PrincipalServiceName",
  "aws:PrincipalServiceNamesList",
  "aws:FederatedProvider",
  "aws:TagKeys",
  "aws:SourceIdentity",
  "aws:Referer",
  "aws:Ec2InstanceSourceVpc",
  "aws:Ec2InstanceSourcePrivateIPv4",
];

function common(
  principal: { arn: string; accountId: string },
  principalArn: string,
  region: string,
  resourceAccountId: string,
  now: Date,
): Record<string, ContextValue> {
  return {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": principal.accountId,
    "aws:PrincipalIsAWSService": false,
    "aws:ViaAWSService": false,
    "aws:RequestedRegion": region,
    "aws:ResourceAccount": resourceAccountId,
    "aws:SecureTransport": true,
    "aws:CurrentTime": now.toISOString().replace(/\.\d+Z$/, "Z"),
    "aws:EpochTime": Math.floor(now.getTime() / 1000),
  };
}

/**
 * An IAM user signing with its access keys (sts:AssumeRole, or a direct read). Long-term keys
 * carry no MFA: aws:MultiFactorAuthPresent is absent unless `assumeContext` says MFA is used.
 */
export function userRequestContext(
  user: { arn: string; accountId: string },
  region: string,
  resourceAccountId: string,
  extra: Record<string, ContextValue> = {},
  facts: PrincipalFacts = {},
  now = new Date(),
): IntendedContext {
  const name = user.arn.split("/").pop() ?? "";
  const known = factKeys(facts, facts.uniqueId);
  const context: Record<string, ContextValue> = {
    ...common(user, user.arn, region, resourceAccountId, now),
    "aws:PrincipalType": "User",
    "aws:username": name,
    ...extra,
  };
  // Once verify asked, what setup was told (--org-id) is no fact about the account: what was
  // read wins, and when DescribeOrganization was refused the key stays open (cannot tell).
  if (facts.org) delete context["aws:PrincipalOrgID"];
  Object.assign(context, known.context);
  const absent = [...NEVER_SENT, "aws:TokenIssueTime", "sts:TransitiveTagKeys", "sts:SourceIdentity", ...known.absent];
  if (!("aws:MultiFactorAuthPresent" in context)) absent.push("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge");
  if (!("sts:ExternalId" in context)) absent.push("sts:ExternalId");
  return { context, open: { absent, exactPrincipal: true } };
}

/**
 * A session of the role reading the bucket: aws:PrincipalArn is the role's ARN; MFA as the
 * assume had it; aws:userid is `RoleId:session-name`; the role's tags are the session's
 * (xacct passes no session tags), and no source identity is set.
 */
export function sessionRequestContext(
  session: { arn: string; accountId: string },
  roleArn: string,
  region: string,
  mfa: boolean,
  facts: PrincipalFacts = {},
  now = new Date(),
): IntendedContext {
  const sessionName = session.arn.split("/").pop() ?? "";
  const known = factKeys(facts, facts.uniqueId === undefined ? undefined : `${facts.uniqueId}:${sessionName}`);
  const context: Record<string, ContextValue> = {
    ...common(session, roleArn, region, session.accountId, now),
    ...known.context,
    "aws:PrincipalType": "AssumedRole",
    "aws:MultiFactorAuthPresent": mfa,
    "aws:TokenIssueTime": now.toISOString().replace(/\.\d+Z$/, "Z"),
    ...S3_REQUEST_KEYS,
    "s3:ResourceAccount": session.accountId,
  };
  const absent = [
    ...NEVER_SENT,
    ...known.absent,
    "aws:username",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
    "s3:AccessPointNetworkOrigin",
    "s3:VersionId",
  ];
  if (!mfa) absent.push("aws:MultiFactorAuthAge");
  return { context, open: { absent, exactPrincipal: true } };
}
