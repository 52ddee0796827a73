/**
 * The request context verify judges with carries what AWS would send, from what xacct read:
 * aws:userid (the user's UserId; for the role's session RoleId:session-name), aws:PrincipalTag/…
 * (the user's or the role's tags), aws:PrincipalOrgID (known, absent, or unknown), beside the
 * keys AWS always sets. Each key is tested with a policy that depends on it.
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
import type { LabeledPolicy } from "../src/policy-eval/index.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, requestContext, type Hop, type HopId, type VerifyTarget } from "../src/verify/hops.js";
import type { PrincipalFacts } from "../src/verify/request-context.js";

const PROD = "111111111111";
const STAGING = "222222222222";
const BUCKET = "ctx-keys-bucket";
const ROLE = "StageRole";
const USER_ARN = `arn:aws:iam::${STAGING}:user/StageAdmin`;
const USER_ID = "AIDAEXAMPLEUSER00001";
const ROLE_ID = "AROAEXAMPLEROLE00001";

const target = (over: Partial<VerifyTarget> = {}): VerifyTarget => ({
  region: "us-east-1",
  productionAccountId: PROD,
  stagingAccountId: STAGING,
  stagingUser: "StageAdmin",
  sessionName: "xacct-staging",
  roleName: ROLE,
  roleArn: roleArn("aws", PROD, ROLE),
  bucket: BUCKET,
  assumeContext: requestContext(undefined),
  ...over,
});
const labeled = (label: string, statements: PolicyStatement[]): LabeledPolicy => ({ label, document: policyDocument(statements) });
const id = setupId({ bucket: BUCKET, roleName: ROLE });
const locate = buildBucketLocateStatement({ partition: "aws", stagingAccountId: STAGING, bucket: BUCKET, sid: bucketStatementSids(id).locate });

function docs(
  over: { bucket?: PolicyStatement[]; trust?: PolicyStatement[]; user?: PolicyStatement[]; userFacts?: PrincipalFacts; roleFacts?: PrincipalFacts } = {},
): PathDocuments {
  const ownTrust = buildTrustPolicy({ partition: "aws", stagingAccountId: STAGING, sid: trustStatementSid(id) }).Statement;
  return {
    userPolicies: [
      { label: `inline policy xacct-assume-${ROLE} of user StageAdmin`, document: buildAssumeRolePolicy({ roleArn: roleArn("aws", PROD, ROLE) }) },
      ...(over.user ? [labeled("inline policy Extra of user StageAdmin", over.user)] : []),
    ],
    userExists: true,
    trust: labeled(`trust policy of role ${ROLE}`, over.trust ?? ownTrust),
    rolePolicies: [{ label: `managed policy xacct-read of role ${ROLE}`, document: buildReadObjectsPolicy({ partition: "aws", bucket: BUCKET }) }],
    bucketPolicy: labeled(`bucket policy of ${BUCKET}`, [locate, ...(over.bucket ?? [])]),
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    objectOwnership: "BucketOwnerEnforced",
    userFacts: over.userFacts ?? { uniqueId: USER_ID, tags: { team: "data" }, org: { kind: "none" } },
    roleFacts: over.roleFacts ?? { uniqueId: ROLE_ID, tags: { env: "prod" }, org: { kind: "none" } },
  };
}
const hop = (hops: Hop[], hopId: HopId) => {
  const found = hops.find((h) => h.id === hopId);
  if (!found) throw new Error(`no hop ${hopId} in ${hops.map((h) => h.id).join(", ")}`);
  return found;
};
const objects = `arn:aws:s3:::${BUCKET}/*`;
const denyRead = (Condition: PolicyStatement["Condition"]): PolicyStatement => ({
  Sid: "Guard",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:GetObject",
  Resource: objects,
  Condition,
});
const denyAssume = (Condition: PolicyStatement["Condition"]): PolicyStatement => ({
  Sid: "Guard",
  Effect: "Deny",
  Action: "sts:AssumeRole",
  Resource: "*",
  Condition,
});
const trustWith = (Condition: PolicyStatement["Condition"]): PolicyStatement[] => [
  { Sid: trustStatementSid(id), Effect: "Allow", Principal: { AWS: `arn:aws:iam::${STAGING}:root` }, Action: "sts:AssumeRole", Condition },
];

describe("keys AWS always sends", () => {
  it("a trust restricted with ArnEquals aws:PrincipalArn = the user admits the user", () => {
    const hops = computeHops(docs({ trust: trustWith({ ArnEquals: { "aws:PrincipalArn": USER_ARN } }) }), target());
    expect(hop(hops, "trust-admits-user").ok).toBe(true);
  });

  it("the bucket guard Deny unless aws:PrincipalAccount is Production or Staging does not deny the read", () => {
    const hops = computeHops(docs({ bucket: [denyRead({ StringNotEquals: { "aws:PrincipalAccount": [PROD, STAGING] } })] }), target());
    expect(hop(hops, "bucket-allows-read").ok).toBe(true);
    expect(hop(hops, "bucket-lets-staging-list").ok).toBe(true);
  });

  it("a trust requiring sts:RoleSessionName = the session verify models admits the user; another name does not", () => {
    expect(hop(computeHops(docs({ trust: trustWith({ StringEquals: { "sts:RoleSessionName": "xacct-staging" } }) }), target()), "trust-admits-user").ok).toBe(
      true,
    );
    expect(hop(computeHops(docs({ trust: trustWith({ StringEquals: { "sts:RoleSessionName": "someone-else" } }) }), target()), "trust-admits-user").ok).toBe(
      false,
    );
  });

  it("no source identity is set: a trust requiring sts:SourceIdentity does not admit the user", () => {
    expect(hop(computeHops(docs({ trust: trustWith({ StringLike: { "sts:SourceIdentity": "*" } }) }), target()), "trust-admits-user").ok).toBe(false);
  });
});

describe("aws:userid", () => {
  it("the user's own UserId: a Deny on any other userid leaves the assume alone; one on its ID denies it", () => {
    expect(hop(computeHops(docs({ user: [denyAssume({ StringNotEquals: { "aws:userid": USER_ID } })] }), target()), "user-may-assume").ok).toBe(true);
    const denied = hop(computeHops(docs({ user: [denyAssume({ StringEquals: { "aws:userid": USER_ID } })] }), target()), "user-may-assume");
    expect(denied.ok).toBe(false);
    expect(denied.detail).toContain('statement "Guard"');
  });

  it("the role's session is RoleId:session-name", () => {
    expect(hop(computeHops(docs({ bucket: [denyRead({ StringNotLike: { "aws:userid": `${ROLE_ID}:*` } })] }), target()), "bucket-allows-read").ok).toBe(true);
    expect(
      hop(computeHops(docs({ bucket: [denyRead({ StringLike: { "aws:userid": `${ROLE_ID}:xacct-staging` } })] }), target()), "bucket-allows-read").ok,
    ).toBe(false);
  });

  it("unread (no GetUser), a condition on it stays 'cannot tell'", () => {
    const hops = computeHops(docs({ roleFacts: {}, bucket: [denyRead({ StringNotLike: { "aws:userid": `${ROLE_ID}:*` } })] }), target());
    expect(hop(hops, "bucket-allows-read").ok).toBeNull();
  });
});

describe("aws:PrincipalTag/…", () => {
  it("a Deny on the user's team tag: satisfied tags keep the assume, others deny it", () => {
    expect(hop(computeHops(docs({ user: [denyAssume({ StringNotEquals: { "aws:PrincipalTag/team": "data" } })] }), target()), "user-may-assume").ok).toBe(true);
    expect(hop(computeHops(docs({ user: [denyAssume({ StringNotEquals: { "aws:PrincipalTag/team": "web" } })] }), target()), "user-may-assume").ok).toBe(false);
  });

  it("a tag the user does not have is known to be absent: a Deny unless it is set denies", () => {
    const hops = computeHops(docs({ user: [denyAssume({ Null: { "aws:PrincipalTag/cost-center": "true" } })] }), target());
    expect(hop(hops, "user-may-assume").ok).toBe(false);
  });

  it("the role's session carries the role's tags", () => {
    expect(hop(computeHops(docs({ bucket: [denyRead({ StringNotEquals: { "aws:PrincipalTag/env": "prod" } })] }), target()), "bucket-allows-read").ok).toBe(
      true,
    );
    expect(hop(computeHops(docs({ bucket: [denyRead({ StringEquals: { "aws:PrincipalTag/env": "prod" } })] }), target()), "bucket-allows-read").ok).toBe(false);
  });
});

describe("aws:PrincipalOrgID", () => {
  const orgTrust = trustWith({ StringEquals: { "aws:PrincipalOrgID": "o-abc1234567" } });
  it("known: the Staging account's organization decides the trust", () => {
    const member = { uniqueId: USER_ID, tags: {}, org: { kind: "member", orgId: "o-abc1234567", managementAccountId: PROD } } as const;
    expect(hop(computeHops(docs({ trust: orgTrust, userFacts: member }), target()), "trust-admits-user").ok).toBe(true);
    const other = { ...member, org: { ...member.org, orgId: "o-other00000" } };
    expect(hop(computeHops(docs({ trust: orgTrust, userFacts: other }), target()), "trust-admits-user").ok).toBe(false);
  });

  it("absent: Staging is in no organization, the trust does not admit it, even when setup was told --org-id", () => {
    const hops = computeHops(docs({ trust: orgTrust }), target({ assumeContext: requestContext({ orgId: "o-abc1234567" }) }));
    expect(hop(hops, "trust-admits-user").ok).toBe(false);
    expect(hop(hops, "trust-admits-user").detail).toContain(`Account ${STAGING} is in no organization`);
  });

  it("unknown (DescribeOrganization refused): a Deny on it is 'cannot tell', naming the statement", () => {
    const unknown = { uniqueId: ROLE_ID, tags: {}, org: { kind: "unknown", why: "AccessDenied" } } as const;
    const hops = computeHops(docs({ roleFacts: unknown, bucket: [denyRead({ StringNotEquals: { "aws:PrincipalOrgID": "o-abc1234567" } })] }), target());
    const read = hop(hops, "bucket-allows-read");
    expect(read.ok).toBeNull();
    expect(read.detail).toContain('statement "Guard" of bucket policy');
  });
});

describe("resource-policy mode", () => {
  it("the direct read carries the user's ID and tags", () => {
    const t = target({ mode: "resource-policy" });
    const d = {
      ...docs({ bucket: [denyRead({ StringNotEquals: { "aws:PrincipalTag/team": "data", "aws:userid": USER_ID } })] }),
      trust: undefined,
      rolePolicies: [],
    };
    const hops = computeHops(d, t);
    expect(hop(hops, "bucket-admits-user").ok).not.toBe(null);
    expect(hop(hops, "bucket-admits-user").detail).not.toContain('statement "Guard"');
  });
});

describe("permissions boundaries, in every hop family that judges the user's or the role's requests", () => {
  const boundary = (label: string, statements: PolicyStatement[]): LabeledPolicy => labeled(`permissions boundary ${label}`, statements);
  const readAll: PolicyStatement = { Sid: "Extra", Effect: "Allow", Action: "s3:*", Resource: objects };

  it("resource-policy mode: a user boundary without s3 fails the user's read, naming it", () => {
    const d = {
      ...docs({ user: [readAll] }),
      trust: undefined,
      rolePolicies: [],
      userBoundary: boundary("OnlySts of user StageAdmin", [{ Effect: "Allow", Action: "sts:*", Resource: "*" }]),
    };
    const read = hop(computeHops(d, target({ mode: "resource-policy" })), "user-may-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toContain("OnlySts");
  });

  it("nothing beyond reading: a role policy granting writes is held back by a boundary allowing only reads", () => {
    const extra = labeled(`inline policy Extra of role ${ROLE}`, [{ Sid: "Writes", Effect: "Allow", Action: "s3:PutObject", Resource: objects }]);
    const withWrites = { ...docs(), rolePolicies: [...docs().rolePolicies, extra] };
    expect(hop(computeHops(withWrites, target()), "role-cannot-write").ok).toBe(false);
    const bounded = { ...withWrites, roleBoundary: boundary(`ReadOnly of role ${ROLE}`, [{ Effect: "Allow", Action: "s3:GetObject", Resource: objects }]) };
    const hops = computeHops(bounded, target());
    expect(hop(hops, "role-cannot-write").ok).toBe(true);
    expect(hop(hops, "role-may-read").ok).toBe(true);
  });
});
