/**
 * The request context from what verify reads, end to end against the emulator (which keeps
 * users' and roles' tags and IDs): the user's tags and UserId, the role's tags and RoleId.
 * Decisions come from xacct's evaluator; the emulator only supplies the documents.
 */
import { GetRoleCommand, GetUserCommand, PutUserPolicyCommand, TagUserCommand, UpdateAssumeRolePolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { IAMClient as Iam } from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hop } from "../src/verify/hops.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "context-flow-bucket";
let stagingIam: IAMClient;

async function verify(): Promise<{ code: number; hops: Hop[] }> {
  const run = await sandbox.run(["verify", "--json"]);
  return { code: run.code, hops: (JSON.parse(run.stdout) as { hops: Hop[] }).hops };
}
const hop = (hops: Hop[], id: string) => hops.find((h) => h.id === id)!;

async function setBucketGuard(statement: object | undefined): Promise<void> {
  const s3 = clientsFor(sandbox.moto.endpoint, sandbox.prod).s3;
  const doc = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!) as { Statement: { Sid?: string }[] };
  doc.Statement = [...doc.Statement.filter((s) => s.Sid !== "Guard"), ...(statement ? [statement] : [])];
  await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(doc) }));
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  stagingIam = new Iam({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.staging.accessKey });
});

describe("the user's tags and UserId", () => {
  const guard = (Condition: object) =>
    new PutUserPolicyCommand({
      UserName: "StageAdmin",
      PolicyName: "Guard",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "sts:AssumeRole", Resource: "*", Condition }] }),
    });

  it("a Deny on aws:PrincipalTag/team is judged by the tag GetUser returns", async () => {
    await stagingIam.send(new TagUserCommand({ UserName: "StageAdmin", Tags: [{ Key: "team", Value: "data" }] }));
    await stagingIam.send(guard({ StringNotEquals: { "aws:PrincipalTag/team": "data" } }));
    expect(hop((await verify()).hops, "user-may-assume").ok).toBe(true);
    await stagingIam.send(new TagUserCommand({ UserName: "StageAdmin", Tags: [{ Key: "team", Value: "web" }] }));
    const denied = hop((await verify()).hops, "user-may-assume");
    expect(denied.ok).toBe(false);
    expect(denied.detail).toContain("inline policy Guard of user StageAdmin");
  });

  // AWS's user IDs start AIDA…; the emulator's are random text, which is all the check needs.
  it("a Deny unless aws:userid is the user's real ID (GetUser's UserId) leaves the assume alone", async () => {
    const userId = (await stagingIam.send(new GetUserCommand({ UserName: "StageAdmin" }))).User!.UserId!;
    await stagingIam.send(guard({ StringNotEquals: { "aws:userid": userId } }));
    expect(hop((await verify()).hops, "user-may-assume").ok).toBe(true);
    await stagingIam.send(guard({ StringEquals: { "aws:userid": userId } }));
    expect(hop((await verify()).hops, "user-may-assume").ok).toBe(false);
    await stagingIam.send(guard({ StringEquals: { "aws:userid": "nobody" } }));
  });
});

describe("the role session's RoleId and the keys AWS always sends", () => {
  it("a bucket Deny unless aws:userid is RoleId:* does not deny the role's read", async () => {
    const prodIam = clientsFor(sandbox.moto.endpoint, sandbox.prod).iam;
    const roleId = (await prodIam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.RoleId!;
    await setBucketGuard({
      Sid: "Guard",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringNotLike: { "aws:userid": [`${roleId}:*`] } },
    });
    const { hops } = await verify();
    expect(hop(hops, "bucket-allows-read").ok).toBe(true);
  });

  it("the bucket guard Deny unless aws:PrincipalAccount is Production or Staging does not deny", async () => {
    await setBucketGuard({
      Sid: "Guard",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { StringNotEquals: { "aws:PrincipalAccount": [sandbox.prod.accountId, sandbox.staging.accountId] } },
    });
    const { hops } = await verify();
    expect(hop(hops, "bucket-allows-read").ok).toBe(true);
    expect(hop(hops, "bucket-lets-staging-list").ok).toBe(true);
    await setBucketGuard(undefined);
  });

  it("a trust restricted with ArnEquals aws:PrincipalArn = the user admits the user", async () => {
    const prodIam = clientsFor(sandbox.moto.endpoint, sandbox.prod).iam;
    const role = (await prodIam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!;
    const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)) as { Statement: { Condition?: object }[] };
    trust.Statement[0]!.Condition = { ArnEquals: { "aws:PrincipalArn": sandbox.staging.arn.replace(/user\/.*/, "user/StageAdmin") } };
    await prodIam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "StageRole", PolicyDocument: JSON.stringify(trust) }));
    expect(hop((await verify()).hops, "trust-admits-user").ok).toBe(true);
  });
});

describe("aws:PrincipalOrgID", () => {
  const orgGuard = {
    Sid: "Guard",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${BUCKET}/*`,
    Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } },
  };

  it("absent: Production is in no organization, so a Deny unless it is o-… denies the role's read", async () => {
    await setBucketGuard(orgGuard);
    const read = hop((await verify()).hops, "bucket-allows-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toContain('statement "Guard"');
  });

  it("unknown: DescribeOrganization refused, the same Deny is 'cannot tell', and so are the organization policies", async () => {
    const { startFaultProxy } = await import("./support/fault-proxy.js");
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    proxy.rule = (r) => (r.action === "DescribeOrganization" ? { status: 400, code: "AccessDeniedException", message: "not allowed" } : undefined);
    const run = await sandbox.run(["--endpoint-url", proxy.endpoint, "verify", "--json"]);
    await proxy.close();
    await setBucketGuard(undefined);
    const { hops } = JSON.parse(run.stdout) as { hops: Hop[] };
    const read = hop(hops, "bucket-allows-read");
    expect(read.ok).toBeNull();
    expect(read.detail).toContain('statement "Guard"');
    expect(hop(hops, "organization-policies-checked").ok).toBeNull();
    expect(run.code).toBe(3);
  });
});
