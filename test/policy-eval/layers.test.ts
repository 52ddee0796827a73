/**
 * The named layers beyond identity and resource policies, from AWS's documentation: SCPs
 * (Organizations "SCP evaluation"), RCPs ("Resource control policies", the data-perimeter
 * example), session policies (IAM "Session policies") and permissions boundaries.
 */
import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../src/policy/index.js";
import { evaluate, type ContextValue, type EvaluationRequest, type LabeledPolicy, type PolicySet } from "../../src/policy-eval/index.js";

const ACCOUNT = "111122223333";
const OTHER = "444455556666";
const BUCKET_OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/report.csv";
const user = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT };
const outsider = { arn: `arn:aws:iam::${OTHER}:user/mallory`, accountId: OTHER };
const session = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Analyst/alice-session`, accountId: ACCOUNT };

const policy = (label: string, ...statements: PolicyStatement[]): LabeledPolicy => ({ label, document: { Version: "2012-10-17", Statement: statements } });
const allow = (Action: string | string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: "Allow", Action, Resource: "*", ...extra });
const deny = (Action: string | string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: "Deny", Action, Resource: "*", ...extra });
const request = (principal: EvaluationRequest["principal"], action: string, context: Record<string, ContextValue> = {}): EvaluationRequest => ({
  principal,
  action,
  resource: BUCKET_OBJECT,
  resourceAccountId: ACCOUNT,
  context,
});

const fullAccess = (where: string) => policy(`FullAWSAccess at ${where}`, allow("*"));
const s3Reader = policy("alice inline", allow("s3:GetObject"));

describe("SCPs: every level must allow, any Deny denies", () => {
  it("FullAWSAccess at every level leaves the identity policy's grant as it is", () => {
    const scps = [[fullAccess("root")], [fullAccess("ou-ab12-workloads")], [fullAccess("account")]];
    expect(evaluate(request(user, "s3:GetObject"), { identity: [s3Reader], scps }).decision).toBe("Allow");
  });

  it("an SCP does not grant: nothing allowed without an identity policy", () => {
    const scps = [[fullAccess("root")], [fullAccess("account")]];
    expect(evaluate(request(user, "s3:GetObject"), { identity: [], scps }).decision).toBe("ImplicitDeny");
  });

  it("a Deny SCP at an OU denies, naming the SCP", () => {
    const denyS3 = policy("SCP DenyS3 at ou-ab12-workloads", { Sid: "DenyS3", ...deny("s3:*") });
    const scps = [[fullAccess("root")], [fullAccess("ou-ab12-workloads"), denyS3], [fullAccess("account")]];
    const result = evaluate(request(user, "s3:GetObject"), { identity: [s3Reader], scps });
    expect(result.decision).toBe("ExplicitDeny");
    expect(result.deciding).toEqual([{ policy: "SCP DenyS3 at ou-ab12-workloads", sid: "DenyS3", statementIndex: 0, effect: "Deny" }]);
    expect(result.reason).toContain("an SCP of the organization");
  });

  it("an allow list at an OU that does not list the action: implicitly denied, naming the level", () => {
    const ec2Only = policy("SCP AllowEC2 at ou-ab12-workloads", allow("ec2:*"));
    const scps = [[fullAccess("root")], [ec2Only], [fullAccess("account")]];
    const result = evaluate(request(user, "s3:GetObject"), { identity: [s3Reader], scps });
    expect(result.decision).toBe("ImplicitDeny");
    expect(result.reason).toMatch(/No SCP at level 2 of 3.*SCP AllowEC2 at ou-ab12-workloads/);
    expect(evaluate(request(user, "ec2:DescribeInstances"), { identity: [policy("ec2", allow("ec2:*"))], scps }).decision).toBe("Allow");
  });

  it("an SCP limits a grant from a same-account resource policy too", () => {
    const bucket = policy("bucket policy", allow("s3:GetObject", { Principal: { AWS: user.arn } }));
    const scps = [[fullAccess("root")], [policy("SCP AllowEC2", allow("ec2:*"))]];
    expect(evaluate(request(user, "s3:GetObject"), { identity: [], resource: bucket, scps }).decision).toBe("ImplicitDeny");
  });

  it("a level without any policy allows nothing", () => {
    expect(evaluate(request(user, "s3:GetObject"), { identity: [s3Reader], scps: [[fullAccess("root")], []] }).decision).toBe("ImplicitDeny");
  });

  it("an AWS service principal is not limited by the account's SCPs", () => {
    const service = { arn: "cloudtrail.amazonaws.com", accountId: ACCOUNT, kind: "service" as const };
    const bucket = policy("bucket policy", allow("s3:GetObject", { Principal: { Service: "cloudtrail.amazonaws.com" } }));
    const scps = [[fullAccess("root")], [policy("SCP DenyS3", deny("s3:*"))]];
    expect(evaluate(request(service, "s3:GetObject"), { identity: [], resource: bucket, scps }).decision).toBe("Allow");
  });

  it("no SCPs (not in an organization, or the management account): no limit", () => {
    expect(evaluate(request(user, "s3:GetObject"), { identity: [s3Reader] }).decision).toBe("Allow");
  });
});

describe("RCPs: bound access to the account's resources for every principal", () => {
  const rcpFull = (where: string) => policy(`RCPFullAWSAccess at ${where}`, allow("*", { Principal: "*" }));
  // The data-perimeter example: only principals of the organization reach its S3 resources.
  const perimeter = policy("RCP EnforceOrgIdentities", {
    Sid: "EnforceOrgIdentities",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: "*",
    Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
  });
  const bucketForAll = policy("bucket policy", allow("s3:GetObject", { Principal: { AWS: OTHER } }));
  const outsiderReader = policy("mallory inline", allow("s3:GetObject"));

  it("denies a principal outside the organization though the bucket policy admits it", () => {
    const rcps = [[rcpFull("root"), perimeter], [rcpFull("account")]];
    const result = evaluate(request(outsider, "s3:GetObject"), { identity: [outsiderReader], resource: bucketForAll, rcps });
    expect(result.decision).toBe("ExplicitDeny");
    expect(result.reason).toContain("an RCP of the organization");
  });

  it("lets a principal of the organization through", () => {
    const rcps = [[rcpFull("root"), perimeter], [rcpFull("account")]];
    const context = { "aws:PrincipalOrgID": "o-a1b2c3d4e5" };
    expect(evaluate(request(outsider, "s3:GetObject", context), { identity: [outsiderReader], resource: bucketForAll, rcps }).decision).toBe("Allow");
  });

  it("a level whose RCPs allow nothing of the request: implicitly denied", () => {
    const rcps = [[rcpFull("root")], [policy("RCP AllowSQS", allow("sqs:*", { Principal: "*" }))]];
    const result = evaluate(request(user, "s3:GetObject"), { identity: [s3Reader], rcps });
    expect(result.decision).toBe("ImplicitDeny");
    expect(result.reason).toMatch(/No RCP at level 2 of 2/);
  });
});

describe("session policies: the session gets only what they allow too", () => {
  const roleS3 = policy("Analyst role policy", allow("s3:*"));
  const readOnly = policy("session policy", allow("s3:GetObject"));

  it("allows what both the role's policy and the session policy allow", () => {
    expect(evaluate(request(session, "s3:GetObject"), { identity: [roleS3], sessionPolicies: [readOnly] }).decision).toBe("Allow");
  });

  it("denies what the role allows but the session policy does not", () => {
    const result = evaluate(request(session, "s3:PutObject"), { identity: [roleS3], sessionPolicies: [readOnly] });
    expect(result.decision).toBe("ImplicitDeny");
    expect(result.reason).toContain("session policy");
  });

  it("a session policy does not grant beyond the role's policies", () => {
    expect(evaluate(request(session, "s3:GetObject"), { identity: [], sessionPolicies: [readOnly] }).decision).toBe("ImplicitDeny");
  });

  it("a resource policy naming the session's own ARN is not limited by it", () => {
    const bucket = policy("bucket policy", allow("s3:PutObject", { Principal: { AWS: session.arn } }));
    expect(evaluate(request(session, "s3:PutObject"), { identity: [], resource: bucket, sessionPolicies: [readOnly] }).decision).toBe("Allow");
  });

  it("a resource policy naming the role is limited by it", () => {
    const bucket = policy("bucket policy", allow("s3:PutObject", { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Analyst` } }));
    expect(evaluate(request(session, "s3:PutObject"), { identity: [], resource: bucket, sessionPolicies: [readOnly] }).decision).toBe("ImplicitDeny");
  });

  it("a Deny in a session policy denies", () => {
    const noDelete = policy("session policy", allow("s3:*"), deny("s3:DeleteObject"));
    expect(evaluate(request(session, "s3:DeleteObject"), { identity: [roleS3], sessionPolicies: [noDelete] }).decision).toBe("ExplicitDeny");
  });
});

describe("permissions boundary and session policies together", () => {
  it("both must allow", () => {
    const policies: PolicySet = {
      identity: [policy("role policy", allow("s3:*"))],
      permissionsBoundary: policy("boundary", allow(["s3:GetObject", "s3:PutObject"])),
      sessionPolicies: [policy("session policy", allow(["s3:GetObject", "s3:DeleteObject"]))],
    };
    expect(evaluate(request(session, "s3:GetObject"), policies).decision).toBe("Allow");
    expect(evaluate(request(session, "s3:PutObject"), policies).decision).toBe("ImplicitDeny");
    expect(evaluate(request(session, "s3:DeleteObject"), policies).decision).toBe("ImplicitDeny");
  });

  it("the boundary's explanation names it", () => {
    const policies: PolicySet = { identity: [policy("role policy", allow("s3:*"))], permissionsBoundary: policy("boundary Limits", allow("ec2:*")) };
    expect(evaluate(request(user, "s3:GetObject"), policies).reason).toContain("boundary Limits does not allow s3:GetObject");
  });
});
