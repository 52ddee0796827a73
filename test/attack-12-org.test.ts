/**
 * Organization policies on an SSE-KMS path: an SCP that refuses kms:Decrypt is the
 * organization's to change (the fix says so, not `xacct setup`); an --org-profile of another
 * organization is named in the `?`; and the management account never gets SCPs or RCPs
 * applied, even when only another reader says it is the management account.
 */
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients } from "../src/aws/clients.js";
import { bootstrapAccount, writeSandboxProfiles } from "../src/localaws/bootstrap.js";
import { sidePolicies } from "../src/verify/org-policies.js";
import type { Hop } from "../src/verify/hops.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "attack-org-kms";
let org: OrganizationsClient;
let orgId = "";
let otherOrgId = "";
let prodId = "";

beforeAll(async () => {
  const management = await bootstrapAccount(sandbox.moto.endpoint, { accountId: "333333333333", userName: "OrgAdmin" });
  org = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: management.accessKey });
  orgId = (await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
  const root = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const)
    await org.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: type }));
  const member = async (name: string) =>
    (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
  prodId = await member("production");
  const stagingId = await member("staging");
  const prod = await bootstrapAccount(sandbox.moto.endpoint, { accountId: prodId, userName: "ProdAdmin" });
  const staging = await bootstrapAccount(sandbox.moto.endpoint, { accountId: stagingId, userName: "StageAdmin" });
  // A second organization, run by a fourth account.
  const other = await bootstrapAccount(sandbox.moto.endpoint, { accountId: "444444444444", userName: "OtherAdmin" });
  const otherOrg = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: other.accessKey });
  otherOrgId = (await otherOrg.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
  await writeSandboxProfiles(join(sandbox.dir, "aws"), { prod, staging, org: management, otherorg: other }, { endpoint: sandbox.moto.endpoint });
  const clients = makeClients({ region: "us-east-1", endpoint: sandbox.moto.endpoint, credentials: prod.accessKey });
  const keyArn = (await clients.kms.send(new CreateKeyCommand({ Description: "reports" }))).KeyMetadata!.Arn!;
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await clients.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn } }] },
    }),
  );
  const setup = await sandbox.run(setupArgs(BUCKET));
  expect(setup.code, setup.stderr).toBe(0);
});

async function verify(extra: string[]): Promise<{ code: number; hops: Record<string, Hop> }> {
  const run = await sandbox.run(["verify", "--json", ...extra]);
  const out = JSON.parse(run.stdout) as { hops: Hop[] };
  return { code: run.code, hops: Object.fromEntries(out.hops.map((h) => [h.id, h])) };
}

describe("an SCP that refuses kms:Decrypt", () => {
  it("fails the decrypt hop with a fix naming the SCP as the organization's, not `xacct setup`", async () => {
    const content = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "OnlyS3", Effect: "Allow", Action: ["s3:*", "sts:*"], Resource: "*" }] });
    const created = await org.send(new CreatePolicyCommand({ Name: "OnlyS3", Description: "allow-list", Type: "SERVICE_CONTROL_POLICY", Content: content }));
    const PolicyId = created.Policy!.PolicySummary!.Id!;
    const full = "p-FullAWSAccess";
    await org.send(new AttachPolicyCommand({ PolicyId, TargetId: prodId }));
    await org.send(new DetachPolicyCommand({ PolicyId: full, TargetId: prodId })).catch(() => undefined);
    try {
      const { code, hops } = await verify(["--org-profile", "org"]);
      const hop = hops["role-may-decrypt"]!;
      expect(hop.ok).toBe(false);
      expect(hop.fix).toContain("OnlyS3");
      expect(hop.fix).toContain("organization");
      expect(hop.fix).not.toMatch(/run `xacct setup`/);
      expect(code).toBe(1);
    } finally {
      await org.send(new AttachPolicyCommand({ PolicyId: full, TargetId: prodId })).catch(() => undefined);
      await org.send(new DetachPolicyCommand({ PolicyId, TargetId: prodId }));
    }
  });
});

describe("--org-profile of another organization", () => {
  it("the ? names that organization and the sides' one", async () => {
    const { code, hops } = await verify(["--org-profile", "otherorg"]);
    const hop = hops["organization-policies-checked"]!;
    expect(hop.ok).toBeNull();
    expect(hop.detail).toContain("--org-profile otherorg");
    expect(hop.detail).toContain(otherOrgId);
    expect(hop.detail).toContain(orgId);
    expect(code).toBe(3);
  });
});

describe("the management account", () => {
  it("gets no SCPs or RCPs, even when only another reader says it is the management account", async () => {
    // The side may not call DescribeOrganization; the --org-profile reader names it the management account.
    // The reader's endpoint answers nothing: reading the chain would fail the test.
    const reader = {
      target: { profile: "x", region: "us-east-1", endpoint: "http://127.0.0.1:9" },
      membership: { kind: "member" as const, orgId: "o-abc", managementAccountId: "999999999999" },
      given: true,
    };
    const result = await sidePolicies("999999999999", { kind: "unknown", why: "AccessDeniedException" }, [reader], undefined);
    expect(result).toEqual({ kind: "none", why: "management account" });
  });
});
