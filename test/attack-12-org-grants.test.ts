/**
 * Grants to an organization (`Principal "*"` with aws:PrincipalOrgID or aws:PrincipalOrgPaths):
 * every other account of that organization gets in, which S3 does not count as public, so Block
 * Public Access does not override it; it is a third account reading. And Staging's own
 * membership, as DescribeOrganization told it, decides whether such a grant lets Staging in:
 * in no organization, it does not; not known, verify cannot tell.
 * Pure hop tables, and one run against the emulator.
 */
import { CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { PutBucketPolicyCommand, GetBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { makeClients } from "../src/aws/clients.js";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument, type PolicyStatement } from "../src/policy/documents.js";
import type { LabeledPolicy } from "../src/policy-eval/index.js";
import type { PathDocuments } from "../src/verify/documents.js";
import type { OrgMembership } from "../src/verify/request-context.js";
import { computeHops, type Hop, type VerifyTarget } from "../src/verify/hops.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

import { B, P, S, target, direct, locate, stagingRead, labeled } from "./support/hop-fixtures.js";
const ORG = "o-3wqg9xr8xj";
const BLOCKED = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

const orgRead = (condition: PolicyStatement["Condition"], sid = "OrgRead", action = "s3:GetObject"): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Principal: "*",
  Action: action,
  Resource: `arn:aws:s3:::${B}/*`,
  Condition: condition,
});
const byOrgId = { StringEquals: { "aws:PrincipalOrgID": ORG } };
const byOrgPath = { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": `${ORG}/*` } };

/** What DescribeOrganization told about each side. */
function organization(
  staging: OrgMembership,
  production: OrgMembership = { kind: "member", orgId: ORG, managementAccountId: P },
): PathDocuments["organization"] {
  return {
    production: { kind: "none", why: "management account" },
    staging: { kind: "none", why: "no organization" },
    productionOrg: production,
    stagingOrg: staging,
  };
}

function roleDocs(
  given: { bucket?: PolicyStatement[]; trust?: PolicyStatement[]; orgId?: string; more?: string[]; staging?: OrgMembership } = {},
): PathDocuments {
  return {
    userExists: true,
    userPolicies: [labeled("inline policy assume of user StageAdmin", [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: target.roleArn }])],
    trust: {
      label: "trust policy of role StageRole",
      document: policyDocument([
        ...(given.trust ?? []),
        ...buildTrustPolicy({ partition: "aws", stagingAccountId: S, orgId: given.orgId, moreStagingAccountIds: given.more }).Statement,
      ]),
    },
    rolePolicies: [{ label: "managed policy StageRoleReadObjects of role StageRole", document: buildReadObjectsPolicy({ partition: "aws", bucket: B }) }],
    bucketPolicy: labeled(`bucket policy of ${B}`, [locate, ...(given.bucket ?? [])]),
    publicAccessBlock: BLOCKED,
    objectOwnership: "BucketOwnerEnforced",
    bucketAcl: [],
    ...(given.staging ? { organization: organization(given.staging) } : {}),
  };
}

function directDocs(given: { bucket?: PolicyStatement[]; staging?: OrgMembership } = {}): PathDocuments {
  const read: PolicyStatement[] = [{ Effect: "Allow", Action: "s3:*", Resource: [`arn:aws:s3:::${B}`, `arn:aws:s3:::${B}/*`] }];
  return {
    ...roleDocs({ staging: given.staging }),
    trust: undefined,
    rolePolicies: [],
    userPolicies: [labeled("inline policy read of user StageAdmin", read)],
    bucketPolicy: labeled(`bucket policy of ${B}`, [stagingRead, locate, ...(given.bucket ?? [])]),
  };
}

const hop = (hops: Hop[], id: string) => {
  const found = hops.find((h) => h.id === id);
  if (!found) throw new Error(`no hop ${id} in ${hops.map((h) => h.id).join(", ")}`);
  return found;
};

describe("finding 1: a bucket grant to a whole organization is a third account reading", () => {
  const notStaging = orgRead({ ...byOrgId, StringNotEquals: { "aws:PrincipalAccount": S } }, "OrgReadNotStaging");

  it("Principal * with aws:PrincipalOrgID fails no-third-account-reads, naming a member of that organization and the statement", () => {
    const hops = computeHops(roleDocs({ bucket: [notStaging] }), target);
    const third = hop(hops, "no-third-account-reads");
    expect(third.ok).toBe(false);
    expect(third.detail).toContain(`of organization ${ORG}`);
    expect(third.detail).toContain('statement "OrgReadNotStaging" of bucket policy of prod-bkt');
  });

  it("Block Public Access is not said to override it: S3 does not count a fixed organization as public", () => {
    const hops = computeHops(roleDocs({ bucket: [notStaging] }), target);
    const open = hop(hops, "bucket-not-public");
    expect(open.detail).not.toContain("Block Public Access overrides it");
    expect(open.detail).not.toContain("grants other accounts");
    expect(hops.some((h) => h.ok === false)).toBe(true);
  });

  it("aws:PrincipalOrgPaths under the organization lets its accounts in too", () => {
    const third = hop(computeHops(roleDocs({ bucket: [orgRead(byOrgPath, "OrgPathRead")] }), target), "no-third-account-reads");
    expect(third.ok).toBe(false);
    expect(third.detail).toContain('statement "OrgPathRead"');
  });

  it("in resource-policy mode as well", () => {
    const third = hop(computeHops(directDocs({ bucket: [notStaging], staging: { kind: "none" } }), direct), "no-third-account-reads");
    expect(third.ok).toBe(false);
    expect(third.detail).toContain('statement "OrgReadNotStaging"');
  });

  it("a grant to any organization (a wildcard) is public, and Block Public Access does override it", () => {
    const hops = computeHops(roleDocs({ bucket: [orgRead({ StringLike: { "aws:PrincipalOrgID": "o-*" } }, "AnyOrg")] }), target);
    const open = hop(hops, "bucket-not-public");
    expect(open.ok).toBe(true);
    expect(open.detail).toContain("Block Public Access overrides it");
  });

  it("with --org-id, a foreign bucket statement granting that organization is a third account reading too", () => {
    const orgTarget: VerifyTarget = { ...target, assumeContext: { "aws:PrincipalOrgID": ORG } };
    const third = hop(computeHops(roleDocs({ bucket: [orgRead(byOrgId, "WholeOrg")], orgId: ORG }), orgTarget), "no-third-account-reads");
    expect(third.ok).toBe(false);
    expect(third.detail).toContain('statement "WholeOrg"');
  });

  it("the trust: Principal AWS * with aws:PrincipalOrgID lets a third account assume", () => {
    const orgTrust: PolicyStatement = { Sid: "OrgAssume", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: byOrgId };
    const assume = hop(computeHops(roleDocs({ trust: [orgTrust] }), target), "third-account-cannot-assume");
    expect(assume.ok).toBe(false);
    expect(assume.detail).toContain(`of organization ${ORG}`);
    expect(assume.detail).toContain('statement "OrgAssume"');
  });

  it("xacct's own org-wide trust (--org-id, several Staging accounts) still widens, and lets no third account in otherwise", () => {
    const orgTarget: VerifyTarget = { ...target, moreStagingAccountIds: ["444444444444"], assumeContext: { "aws:PrincipalOrgID": ORG } };
    const hops = computeHops(roleDocs({ orgId: ORG, more: ["444444444444"] }), orgTarget);
    const org = hop(hops, "organization-members-cannot-assume");
    expect(org.ok).toBe(true);
    expect(org.widens).toContain(`organization ${ORG}`);
    expect(hop(hops, "third-account-cannot-assume").ok).toBe(true);
    // The bucket hop is listed only when a third account reaches the bucket.
    expect(hops.find((h) => h.id === "no-third-account-reads")).toBeUndefined();
  });

  it("the plain recipe still holds on every hop", () => {
    const hops = computeHops(roleDocs({ staging: { kind: "none" } }), target);
    expect(hops.filter((h) => h.ok !== true).map((h) => h.id)).toEqual([]);
  });
});

describe("finding 4: Staging's organization, as read, decides an org-limited grant", () => {
  it("in no organization: a grant conditioned on aws:PrincipalOrgID does not let Staging in", () => {
    for (const condition of [byOrgId, byOrgPath]) {
      const direct = hop(computeHops(roleDocs({ bucket: [orgRead(condition)], staging: { kind: "none" } }), target), "staging-cannot-read-directly");
      expect(direct.ok, JSON.stringify(condition)).toBe(true);
    }
  });

  it("in no organization, resource-policy mode: an org-limited write grant gives Staging no write", () => {
    const write = orgRead(byOrgId, "OrgWrite", "s3:PutObject");
    const hops = computeHops(directDocs({ bucket: [write], staging: { kind: "none" } }), direct);
    expect(hop(hops, "user-cannot-write").ok).toBe(true);
  });

  it("in that organization: Staging reads without the role (✘, naming the statement)", () => {
    const direct = hop(
      computeHops(roleDocs({ bucket: [orgRead(byOrgId)], staging: { kind: "member", orgId: ORG, managementAccountId: P } }), target),
      "staging-cannot-read-directly",
    );
    expect(direct.ok).toBe(false);
    expect(direct.detail).toContain('statement "OrgRead"');
  });

  it("in another organization: the grant does not let Staging in", () => {
    const direct = hop(
      computeHops(roleDocs({ bucket: [orgRead(byOrgId)], staging: { kind: "member", orgId: "o-otherorg123", managementAccountId: "555555555555" } }), target),
      "staging-cannot-read-directly",
    );
    expect(direct.ok).toBe(true);
  });

  it("not known (DescribeOrganization refused): cannot tell, naming the statement and why", () => {
    const direct = hop(
      computeHops(roleDocs({ bucket: [orgRead(byOrgId)], staging: { kind: "unknown", why: "AccessDeniedException" } }), target),
      "staging-cannot-read-directly",
    );
    expect(direct.ok).toBeNull();
    expect(direct.detail).toContain('statement "OrgRead"');
    expect(direct.detail).toContain("AccessDeniedException");
  });

  it("in the organization but its organizational unit not known: an OU-limited grant cannot be told", () => {
    const ou = { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": `${ORG}/r-ab12/ou-ab12-11111111/*` } };
    const direct = hop(
      computeHops(roleDocs({ bucket: [orgRead(ou, "OuRead")], staging: { kind: "member", orgId: ORG, managementAccountId: P } }), target),
      "staging-cannot-read-directly",
    );
    expect(direct.ok).toBeNull();
    expect(direct.detail).toContain('statement "OuRead"');
  });
});

describe("against the emulator: Production's organization granted the bucket, Staging in none", () => {
  const sandbox = useSandbox();
  const BUCKET = "org-grant-bucket";

  it("verify fails no-third-account-reads (not overridden by Block Public Access), and Staging does not read directly", async () => {
    const setup = await sandbox.run(setupArgs(BUCKET));
    expect(setup.code, setup.stderr).toBe(0);
    const org = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.prod.accessKey });
    const orgId = (await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
    org.destroy();
    const s3 = makeClients({ region: "us-east-1", endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey }).s3;
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!) as { Statement: PolicyStatement[] };
    policy.Statement.push({
      Sid: "OrgRead",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringEquals: { "aws:PrincipalOrgID": orgId } },
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(policy) }));

    const run = await sandbox.run(["verify", "--json"]);
    expect(run.code).toBe(1);
    const hops = Object.fromEntries((JSON.parse(run.stdout) as { hops: Hop[] }).hops.map((h) => [h.id, h]));
    expect(hops["no-third-account-reads"]!.ok).toBe(false);
    expect(hops["no-third-account-reads"]!.detail).toContain(`of organization ${orgId}`);
    expect(hops["no-third-account-reads"]!.detail).toContain('statement "OrgRead"');
    expect(hops["bucket-not-public"]!.detail).not.toContain("Block Public Access overrides it");
    expect(hops["staging-cannot-read-directly"]!.ok).toBe(true);
  });
});
