/**
 * --org-id with several Staging accounts makes the trust name the organization (Principal "*"
 * with aws:PrincipalOrgID). That lets in every principal of every account of the organization,
 * Production's too: the plan, pre-flight and verify must say so, never "nothing more". A
 * foreign statement that admits the organization is a third account getting in.
 */
import { CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument } from "../src/policy/documents.js";
import { computeHops, type VerifyTarget } from "../src/verify/hops.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
let ORG = "o-abcdef12345";

// verify reads which organization Staging is in (aws:PrincipalOrgID): make it be in one.
beforeAll(async () => {
  const org = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.staging.accessKey });
  ORG = (await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
  org.destroy();
});

describe("--org-id with several Staging accounts", () => {
  it("the plan, pre-flight and verify say that the whole organization may assume the role", async () => {
    const args = setupArgs("org-wide-bucket", ["--role-name", "OrgWideRole", "--org-id", ORG, "--staging-account", "444444444444"]);
    const plan = await sandbox.run([...args, "--plan"]);
    expect(plan.stdout).toContain(`the trust names organization ${ORG} rather than each Staging account`);
    expect(plan.stdout).not.toContain("and nothing more");

    const setup = await sandbox.run(args);
    expect(setup.code).toBe(0);
    expect(setup.stdout).not.toContain("and nothing more");
    expect(setup.stdout).toContain(`every principal of every account in organization ${ORG}, Production's included, may assume OrgWideRole`);

    const verify = await sandbox.run(["verify"]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`✔ the trust of OrgWideRole admits organization ${ORG} as a whole`);
    expect(verify.stdout).not.toContain("and nothing more");
  });
});

describe("a foreign statement admitting the organization", () => {
  it("fails: it lets in accounts that are neither side", () => {
    const target: VerifyTarget = {
      region: "us-east-1",
      productionAccountId: "111111111111",
      stagingAccountId: "222222222222",
      stagingUser: "StageAdmin",
      sessionName: "xacct-staging",
      roleName: "R",
      roleArn: "arn:aws:iam::111111111111:role/R",
      bucket: "b",
      assumeContext: { "aws:PrincipalOrgID": ORG },
    };
    const trust = buildTrustPolicy({ partition: "aws", stagingAccountId: "222222222222", orgId: ORG });
    trust.Statement.push({
      Sid: "Org",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
    });
    const docs: PathDocuments = {
      userExists: true,
      userPolicies: [{ label: "u", document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]) }],
      trust: { label: "trust policy of role R", document: trust },
      rolePolicies: [{ label: "m", document: buildReadObjectsPolicy({ partition: "aws", bucket: "b" }) }],
      bucketPolicy: undefined,
      publicAccessBlock: undefined,
      objectOwnership: "BucketOwnerEnforced",
    };
    const hop = computeHops(docs, target).find((h) => h.id === "organization-members-cannot-assume")!;
    expect(hop.ok).toBe(false);
    expect(hop.detail).toContain('statement "Org" of trust policy of role R');
  });
});
