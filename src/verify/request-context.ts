/**
 * What AWS sends with the intended requests on the path: the keys it always sets (who signs,
 * from which account, as which type, in which region, when, over TLS), the keys it surely leaves
 * out, and nothing else. Every other key (aws:SourceIp, aws:SourceVpce, aws:userid, tags xacct
 * did not read, …) is a fact xacct cannot know: a condition on one makes the hop "cannot tell".
 * Pure: the principal and the time in, the request's context out.
 */
import type { ContextValue, OpenContext } from "../policy-eval/index.js";

export interface IntendedContext {
  context: Record<string, ContextValue>;
  open: OpenContext;
}

/** Keys AWS sets only for calls a service makes, or through access points and other paths the intended calls do not take. */
const NEVER_SENT = [
  "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID",
  "aws:SourceOrgPaths", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:FederatedProvider", "aws:TagKeys",
  "aws:SourceIdentity", "aws:Referer", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
];

function common(principal: { arn: string; accountId: string }, principalArn: string, region: string, resourceAccountId: string, now: Date): Record<string, ContextValue> {
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
  now = new Date(),
): IntendedContext {
  const name = user.arn.split("/").pop() ?? "";
  const context = { ...common(user, user.arn, region, resourceAccountId, now), "aws:PrincipalType": "User", "aws:username": name, ...extra };
  const absent = [...NEVER_SENT, "aws:TokenIssueTime", "sts:TransitiveTagKeys", "sts:SourceIdentity"];
  if (!("aws:MultiFactorAuthPresent" in context)) absent.push("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge");
  if (!("sts:ExternalId" in context)) absent.push("sts:ExternalId");
  return { context, open: { absent, exactPrincipal: true } };
}

/** A session of the role reading the bucket: aws:PrincipalArn is the role's ARN; MFA as the assume had it. */
export function sessionRequestContext(
  session: { arn: string; accountId: string },
  roleArn: string,
  region: string,
  mfa: boolean,
  now = new Date(),
): IntendedContext {
  const context: Record<string, ContextValue> = {
    ...common(session, roleArn, region, session.accountId, now),
    "aws:PrincipalType": "AssumedRole",
    "aws:MultiFactorAuthPresent": mfa,
    "aws:TokenIssueTime": now.toISOString().replace(/\.\d+Z$/, "Z"),
    "s3:authType": "REST-HEADER",
    "s3:signatureversion": "AWS4-HMAC-SHA256",
    "s3:ResourceAccount": session.accountId,
  };
  const absent = [...NEVER_SENT, "aws:username", "s3:DataAccessPointArn", "s3:DataAccessPointAccount", "s3:AccessPointNetworkOrigin", "s3:VersionId"];
  if (!mfa) absent.push("aws:MultiFactorAuthAge");
  return { context, open: { absent, exactPrincipal: true } };
}
