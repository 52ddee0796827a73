/**
 * The request each hop judges carries what AWS sends (principal ARN, account, type, region,
 * time, TLS; no MFA on access keys), every principal kind a trust or bucket policy may name
 * (Federated, Service, CanonicalUser) is matched, and permissions boundaries narrow what
 * identity policies grant. A condition on a fact xacct cannot read makes a hop "cannot tell"
 * (ok: null), never ✔.
 */
import { describe, expect, it } from "vitest";
import { setupId } from "../src/plan.js";
import {
  buildAssumeRolePolicy,
  buildBucketLocateStatement,
  buildReadObjectsPolicy,
  buildTrustPolicy,
  policyDocument,
  roleArn,
  type PolicyStatement,
} from "../src/policy/index.js";
import { bucketStatementSids, trustStatementSid } from "../src/policy/ownership.js";
import { evaluate, type LabeledPolicy } from "../src/policy-eval/index.js";
import { compareIpAddress } from "../src/policy-eval/ip-address.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, requestContext, type Hop, type VerifyTarget } from "../src/verify/hops.js";

const PROD = "111111111111";
const STAGING = "222222222222";
const BUCKET = "prod-bucket-ctx";
const ROLE = "StageRole";
const PROD_CANONICAL = "a".repeat(64);
const FOREIGN_CANONICAL = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

const target = (over: Partial<VerifyTarget> = {}): VerifyTarget => ({
  region: "us-east-1",
  sessionName: "xacct-staging",
  productionAccountId: PROD,
  stagingAccountId: STAGING,
  stagingUser: "StageAdmin",
  roleName: ROLE,
  roleArn: roleArn("aws", PROD, ROLE),
  bucket: BUCKET,
  assumeContext: requestContext(undefined),
  ...over,
});

const labeled = (label: string, statements: PolicyStatement[]): LabeledPolicy => ({ label, document: policyDocument(statements) });
const id = setupId({ bucket: BUCKET, roleName: ROLE });
const locate = buildBucketLocateStatement({ partition: "aws", stagingAccountId: STAGING, bucket: BUCKET, sid: bucketStatementSids(id).locate });

/** The documents the normal recipe leaves, with changes. */
function docs(
  over: { bucket?: PolicyStatement[]; trust?: PolicyStatement[]; user?: PolicyStatement[] } & Omit<Partial<PathDocuments>, "trust"> = {},
): PathDocuments {
  const { bucket = [], trust = [], user = [], ...rest } = over;
  const ownTrust = buildTrustPolicy({ partition: "aws", stagingAccountId: STAGING, sid: trustStatementSid(id) }).Statement;
  return {
    userPolicies: [
      { label: `inline policy xacct-assume-${ROLE} of user StageAdmin`, document: buildAssumeRolePolicy({ roleArn: roleArn("aws", PROD, ROLE) }) },
      ...(user.length > 0 ? [labeled("inline policy Extra of user StageAdmin", user)] : []),
    ],
    userExists: true,
    trust: labeled(`trust policy of role ${ROLE}`, [...ownTrust, ...trust]),
    rolePolicies: [{ label: `managed policy xacct-read of role ${ROLE}`, document: buildReadObjectsPolicy({ partition: "aws", bucket: BUCKET }) }],
    bucketPolicy: labeled(`bucket policy of ${BUCKET}`, [locate, ...bucket]),
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    objectOwnership: "BucketOwnerEnforced",
    productionCanonicalId: PROD_CANONICAL,
    ...rest,
  };
}

const hop = (hops: Hop[], hopId: string) => {
  const found = hops.find((h) => h.id === hopId);
  if (!found) throw new Error(`no hop ${hopId} in ${hops.map((h) => h.id).join(", ")}`);
  return found;
};
const objects = `arn:aws:s3:::${BUCKET}/*`;
const denyGet = (extra: Partial<PolicyStatement>): PolicyStatement => ({
  Sid: "D",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:GetObject",
  Resource: objects,
  ...extra,
});

describe("the normal recipe", () => {
  it("holds every check, none undecided", () => {
    const hops = computeHops(docs(), target());
    expect(hops.filter((h) => h.ok !== true)).toEqual([]);
  });
});

describe("finding 5: the request carries what AWS always sends", () => {
  it.each([
    ["aws:PrincipalArn", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${PROD}:role/${ROLE}` } }],
    ["aws:PrincipalAccount", { StringEquals: { "aws:PrincipalAccount": PROD } }],
    ["aws:PrincipalType", { StringEquals: { "aws:PrincipalType": "AssumedRole" } }],
    ["aws:RequestedRegion", { StringEquals: { "aws:RequestedRegion": "us-east-1" } }],
    ["aws:ResourceAccount", { StringEquals: { "aws:ResourceAccount": PROD } }],
    ["aws:CurrentTime", { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }],
  ])("a bucket Deny on %s denies the role's read", (_key, Condition) => {
    const hops = computeHops(docs({ bucket: [denyGet({ Condition })] }), target());
    const read = hop(hops, "bucket-allows-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toContain('statement "D"');
  });

  it.each([
    ["aws:SourceIp", { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } }],
    ["aws:SourceVpce", { StringNotEquals: { "aws:SourceVpce": "vpce-123" } }],
    ["aws:userid", { StringNotLike: { "aws:userid": "AROAEXAMPLE:*" } }],
    ["aws:PrincipalTag", { StringNotEquals: { "aws:PrincipalTag/team": "data" } }],
  ])("a Deny on %s, which xacct cannot read, is 'cannot tell', naming the statement", (_key, Condition) => {
    const statement = denyGet({ Condition: Condition as PolicyStatement["Condition"] });
    const hops = computeHops(docs({ bucket: [statement] }), target());
    const read = hop(hops, "bucket-allows-read");
    expect(read.ok).toBeNull();
    expect(read.detail).toContain('statement "D" of bucket policy');
  });

  it("a Deny whose condition the request surely fails stays out (TLS is used)", () => {
    const hops = computeHops(docs({ bucket: [denyGet({ Condition: { Bool: { "aws:SecureTransport": "false" } } })] }), target());
    expect(hop(hops, "bucket-allows-read").ok).toBe(true);
  });
});

describe("finding 6: access keys carry no MFA", () => {
  const forceMfa: PolicyStatement = {
    Effect: "Deny",
    NotAction: "iam:*",
    Resource: "*",
    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
  };

  it("a ForceMFA deny on the user fails 'may call sts:AssumeRole', with the fix", () => {
    const assume = hop(computeHops(docs({ user: [forceMfa] }), target()), "user-may-assume");
    expect(assume.ok).toBe(false);
    expect(assume.fix).toContain("--require-mfa");
  });

  it("holds when the setup requires MFA (assume sends it)", () => {
    const hops = computeHops(docs({ user: [forceMfa] }), target({ assumeContext: requestContext({ requireMfa: true }) }));
    expect(hop(hops, "user-may-assume").ok).toBe(true);
  });

  it("the remembered context has MFA only when required", () => {
    expect(requestContext({})).not.toHaveProperty("aws:MultiFactorAuthPresent");
    expect(requestContext({ requireMfa: true })["aws:MultiFactorAuthPresent"]).toBe(true);
    expect(requestContext({ requireMfa: true }, { mfa: false })).not.toHaveProperty("aws:MultiFactorAuthPresent");
  });
});

describe("finding 4: CanonicalUser principals", () => {
  it("a Deny by Production's canonical ID denies the role's read", () => {
    const hops = computeHops(docs({ bucket: [denyGet({ Principal: { CanonicalUser: PROD_CANONICAL } })] }), target());
    expect(hop(hops, "bucket-allows-read").ok).toBe(false);
  });

  it("an Allow to Staging's canonical ID lets Staging read around the role", () => {
    const grant: PolicyStatement = {
      Sid: "StagingCanonical",
      Effect: "Allow",
      Principal: { CanonicalUser: "b".repeat(64) },
      Action: "s3:GetObject",
      Resource: objects,
    };
    const hops = computeHops(docs({ bucket: [grant], stagingCanonicalId: "b".repeat(64) }), target());
    expect(hop(hops, "staging-cannot-read-directly").ok).toBe(false);
    expect(hops.find((h) => h.id === "no-third-account-reads")).toBeUndefined();
  });

  it("an Allow to another canonical ID is a third account reading", () => {
    const grant: PolicyStatement = { Sid: "Foreign", Effect: "Allow", Principal: { CanonicalUser: FOREIGN_CANONICAL }, Action: "s3:*", Resource: objects };
    const hops = computeHops(docs({ bucket: [grant] }), target());
    const third = hop(hops, "no-third-account-reads");
    expect(third.ok).toBe(false);
    expect(third.detail).toContain('statement "Foreign"');
  });
});

describe("finding 3: Federated and Service principals in a reused role's trust", () => {
  const github = `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`;
  const oidc = (Condition: PolicyStatement["Condition"]): PolicyStatement => ({
    Sid: "GitHub",
    Effect: "Allow",
    Principal: { Federated: github },
    Action: "sts:AssumeRoleWithWebIdentity",
    ...(Condition ? { Condition } : {}),
  });

  it("a web identity without a subject condition admits outsiders: ✘ naming the statement", () => {
    const hops = computeHops(docs({ trust: [oidc({ StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } })] }), target());
    const federated = hop(hops, "federated-cannot-assume");
    expect(federated.ok).toBe(false);
    expect(federated.detail).toContain('statement "GitHub"');
  });

  it("with a subject condition xacct cannot tell whose subjects those are: ?", () => {
    const hops = computeHops(docs({ trust: [oidc({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } })] }), target());
    expect(hop(hops, "federated-cannot-assume").ok).toBeNull();
  });

  it("SAML without saml:sub admits every user of the provider", () => {
    const saml: PolicyStatement = {
      Sid: "Saml",
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${PROD}:saml-provider/Okta` },
      Action: "sts:AssumeRoleWithSAML",
      Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
    };
    expect(hop(computeHops(docs({ trust: [saml] }), target()), "federated-cannot-assume").ok).toBe(false);
  });

  it("ec2.amazonaws.com is a warning about Production's own resources", () => {
    const ec2: PolicyStatement = { Sid: "Svc", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
    const hops = computeHops(docs({ trust: [ec2] }), target());
    expect(hop(hops, "production-services-cannot-assume").ok).toBe(false);
    expect(hops.find((h) => h.id === "service-cannot-assume")).toBeUndefined();
  });

  it("a confused-deputy service without aws:SourceAccount is 'cannot tell'; with it, a warning", () => {
    const sns: PolicyStatement = { Sid: "Sns", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sts:AssumeRole" };
    expect(hop(computeHops(docs({ trust: [sns] }), target()), "service-cannot-assume").ok).toBeNull();
    const pinned = { ...sns, Condition: { StringEquals: { "aws:SourceAccount": PROD } } };
    const hops = computeHops(docs({ trust: [pinned] }), target());
    expect(hops.find((h) => h.id === "service-cannot-assume")).toBeUndefined();
    expect(hop(hops, "production-services-cannot-assume").ok).toBe(false);
  });
});

describe("finding 7: permissions boundaries are a layer", () => {
  const onlySts = labeled("permissions boundary OnlySts of role StageRole", [{ Effect: "Allow", Action: "sts:*", Resource: "*" }]);

  it("a role boundary without s3 fails the role's read", () => {
    const read = hop(computeHops(docs({ roleBoundary: onlySts }), target()), "role-may-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toContain("permissions boundary OnlySts");
  });

  it("a boundary allowing the read keeps it", () => {
    const s3 = labeled("permissions boundary S3 of role StageRole", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]);
    expect(hop(computeHops(docs({ roleBoundary: s3 }), target()), "role-may-read").ok).toBe(true);
  });

  it("with a role boundary, a bucket Deny using NotPrincipal denies the role even if it lists it", () => {
    const allowAll = labeled("permissions boundary All of role StageRole", [{ Effect: "Allow", Action: "*", Resource: "*" }]);
    const notPrincipal = denyGet({
      Principal: undefined,
      NotPrincipal: { AWS: [roleArn("aws", PROD, ROLE), `arn:aws:sts::${PROD}:assumed-role/${ROLE}/xacct-staging`, `arn:aws:iam::${PROD}:root`] },
    });
    delete notPrincipal.Principal;
    expect(hop(computeHops(docs({ bucket: [notPrincipal] }), target()), "bucket-allows-read").ok).toBe(true);
    expect(hop(computeHops(docs({ bucket: [notPrincipal], roleBoundary: allowAll }), target()), "bucket-allows-read").ok).toBe(false);
  });

  it("a user boundary without sts fails 'may call sts:AssumeRole'", () => {
    const onlyS3 = labeled("permissions boundary OnlyS3 of user StageAdmin", [{ Effect: "Allow", Action: "s3:*", Resource: "*" }]);
    expect(hop(computeHops(docs({ userBoundary: onlyS3 }), target()), "user-may-assume").ok).toBe(false);
  });
});

describe("evaluator: boundaries and principal kinds", () => {
  const session = { arn: `arn:aws:sts::${PROD}:assumed-role/${ROLE}/s`, accountId: PROD };
  const get = { principal: session, action: "s3:GetObject", resource: `arn:aws:s3:::${BUCKET}/k`, resourceAccountId: PROD, context: {} };
  const allowAll = labeled("identity", [{ Effect: "Allow", Action: "*", Resource: "*" }]);
  const boundary = labeled("boundary", [{ Effect: "Allow", Action: "sts:*", Resource: "*" }]);
  const bucketFor = (principal: string) => labeled("bucket", [{ Effect: "Allow", Principal: { AWS: principal }, Action: "s3:GetObject", Resource: objects }]);

  it.each([
    { name: "identity allow, boundary silent", resource: undefined, expected: "ImplicitDeny" },
    { name: "bucket names the role: limited by the boundary", resource: bucketFor(roleArn("aws", PROD, ROLE)), expected: "ImplicitDeny" },
    { name: "bucket names the session itself: not limited", resource: bucketFor(session.arn), expected: "Allow" },
  ])("$name", ({ resource, expected }) => {
    expect(evaluate(get, { identity: [allowAll], permissionsBoundary: boundary, ...(resource ? { resource } : {}) }).decision).toBe(expected);
  });

  it("a boundary Deny is an explicit deny", () => {
    const denying = labeled("boundary", [
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Effect: "Deny", Action: "s3:GetObject", Resource: "*" },
    ]);
    expect(evaluate(get, { identity: [allowAll], permissionsBoundary: denying }).decision).toBe("ExplicitDeny");
  });

  it("a NotPrincipal Deny always denies a principal with a boundary", () => {
    const notPrincipal = labeled("bucket", [
      {
        Effect: "Deny",
        NotPrincipal: { AWS: [session.arn, roleArn("aws", PROD, ROLE), `arn:aws:iam::${PROD}:root`] },
        Action: "s3:GetObject",
        Resource: objects,
      },
    ]);
    expect(evaluate(get, { identity: [allowAll], resource: notPrincipal }).decision).toBe("Allow");
    expect(evaluate(get, { identity: [allowAll], permissionsBoundary: allowAll, resource: notPrincipal }).decision).toBe("ExplicitDeny");
  });

  it("CanonicalUser names an account; Service and Federated name only their own kind", () => {
    const canonical = labeled("bucket", [{ Effect: "Deny", Principal: { CanonicalUser: PROD_CANONICAL }, Action: "s3:GetObject", Resource: objects }]);
    expect(evaluate({ ...get, principal: { ...session, canonicalUserId: PROD_CANONICAL } }, { identity: [allowAll], resource: canonical }).decision).toBe(
      "ExplicitDeny",
    );
    expect(evaluate(get, { identity: [allowAll], resource: canonical }).decision).toBe("Allow");
    const trust = labeled("trust", [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const assume = (principal: { arn: string; accountId: string; kind?: "service" | "federated" }) =>
      evaluate(
        { principal, action: "sts:AssumeRole", resource: roleArn("aws", PROD, ROLE), resourceAccountId: PROD, context: {} },
        { identity: [allowAll], resource: trust },
      ).decision;
    expect(assume({ arn: "ec2.amazonaws.com", accountId: "", kind: "service" })).toBe("Allow");
    expect(assume({ arn: "ec2.amazonaws.com", accountId: "", kind: "federated" })).toBe("ImplicitDeny");
    expect(assume({ arn: `arn:aws:iam::${STAGING}:root`, accountId: STAGING })).toBe("ImplicitDeny");
  });
});

describe("IpAddress compares addresses with CIDR blocks", () => {
  it.each([
    ["203.0.113.0/24", "203.0.113.9", true],
    ["203.0.113.0/24", "203.0.114.9", false],
    ["10.0.0.1", "10.0.0.1", true],
    ["0.0.0.0/0", "192.0.2.1", true],
    ["2001:db8::/32", "2001:db8:1::5", true],
    ["2001:db8::/32", "2001:db9::5", false],
    ["203.0.113.0/24", "2001:db8::1", false],
    ["not-an-ip", "10.0.0.1", undefined],
    ["10.0.0.0/33", "10.0.0.1", undefined],
  ])("%s against %s: %s", (block, address, expected) => {
    expect(compareIpAddress(block, address)).toBe(expected);
  });
});
