/**
 * The request verify judges must be the one the real path sends, end to end against the
 * emulator (which supplies the documents, IDs and ARNs; decisions come from xacct's evaluator):
 * - the role session name `xacct assume` (and the profiles setup writes) send, not one of verify's own;
 * - the Staging user's ARN as IAM has it, with its path;
 * - Staging's organization only as DescribeOrganization told, never the remembered --org-id;
 * - tag keys named through policy variables with defaults, and S3's TLS version.
 */
import { CreateUserCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Hop, HopId } from "../src/verify/hops.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "ctx12-bucket";
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const stagingIam = (): IAMClient => clientsFor(sandbox.moto.endpoint, sandbox.staging).iam;

async function verify(argv: string[] = []): Promise<{ code: number; hops: Hop[]; stdout: string }> {
  const run = await sandbox.run(["verify", "--json", ...argv]);
  return { code: run.code, stdout: run.stdout, hops: (JSON.parse(run.stdout) as { hops: Hop[] }).hops };
}
const hop = (hops: Hop[], id: HopId): Hop => {
  const found = hops.find((h) => h.id === id);
  if (!found) throw new Error(`no hop ${id} in ${hops.map((h) => h.id).join(", ")}`);
  return found;
};

type Statement = Record<string, unknown>;
async function setBucketGuard(statement: Statement | undefined, bucket = BUCKET): Promise<void> {
  const s3 = prod().s3;
  const doc = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!) as { Statement: Statement[] };
  doc.Statement = [...doc.Statement.filter((s) => s["Sid"] !== "Guard"), ...(statement ? [{ Sid: "Guard", ...statement }] : [])];
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(doc) }));
}

/** The role's trust with `edit` applied to xacct's statement, and `extra` statements after it. */
async function setTrust(roleName: string, edit: (own: Statement) => Statement, extra: Statement[] = []): Promise<void> {
  const iam = prod().iam;
  const role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
  const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)) as { Statement: Statement[] };
  const own = trust.Statement.find((s) => String(s["Sid"] ?? "").startsWith("Xacct")) ?? trust.Statement[0]!;
  const { Condition: _, ...bare } = own;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify({ ...trust, Statement: [edit(bare), ...extra] }) }));
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
});

describe("the role session name is the one `xacct assume` sends (xacct-<Staging profile>)", () => {
  const objects = `arn:aws:s3:::${BUCKET}/*`;
  const sessionArn = (name: string) => `arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/${name}`;
  afterEach(async () => {
    await setTrust("StageRole", (own) => own);
    await setBucketGuard(undefined);
  });

  it("a trust Deny unless sts:RoleSessionName is xacct-verify refuses the real assume", async () => {
    const denyOther = (name: string): Statement => ({
      Sid: "OnlyNamed",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "sts:AssumeRole",
      Condition: { StringNotEquals: { "sts:RoleSessionName": name } },
    });
    await setTrust("StageRole", (own) => own, [denyOther("xacct-verify")]);
    const refused = await verify();
    const trust = hop(refused.hops, "trust-admits-user");
    expect(trust.ok).toBe(false);
    expect(trust.detail).toContain('"OnlyNamed"');
    expect(trust.detail).toContain("xacct-staging");
    expect(refused.code).toBe(1);
    await setTrust("StageRole", (own) => own, [denyOther("xacct-staging")]);
    const admitted = hop((await verify()).hops, "trust-admits-user");
    expect(admitted.ok).toBe(true);
    // The verdict turns on the session name, so the hop says which one it judged.
    expect(admitted.detail).toContain("role session name xacct-staging");
    await setTrust("StageRole", (own) => own);
  });

  it("a bucket Deny unless aws:userid is RoleId:xacct-verify denies the real session's read", async () => {
    const roleId = (await prod().iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.RoleId!;
    await setBucketGuard({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: objects,
      Condition: { StringNotEquals: { "aws:userid": `${roleId}:xacct-verify` } },
    });
    expect(hop((await verify()).hops, "bucket-allows-read").ok).toBe(false);
    await setBucketGuard({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: objects,
      Condition: { StringNotEquals: { "aws:userid": `${roleId}:xacct-staging` } },
    });
    expect(hop((await verify()).hops, "bucket-allows-read").ok).toBe(true);
    await setBucketGuard(undefined);
  });

  it("a bucket Deny with NotPrincipal naming the session xacct-verify denies the real session's read", async () => {
    const notPrincipal = (name: string): Statement => ({
      Effect: "Deny",
      NotPrincipal: { AWS: [`arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`, `arn:aws:iam::${sandbox.prod.accountId}:root`, sessionArn(name)] },
      Action: "s3:GetObject",
      Resource: objects,
    });
    await setBucketGuard(notPrincipal("xacct-verify"));
    expect(hop((await verify()).hops, "bucket-allows-read").ok).toBe(false);
    await setBucketGuard(notPrincipal("xacct-staging"));
    expect(hop((await verify()).hops, "bucket-allows-read").ok).toBe(true);
    await setBucketGuard(undefined);
  });

  it("the plain recipe turns on no session name: no hop mentions one, every hop holds", async () => {
    const run = await verify();
    expect(run.code).toBe(0);
    expect(run.hops.filter((h) => h.detail.includes("role session name")).map((h) => h.id)).toEqual([]);
  });

  it("verify --live assumes with the session name it judges", async () => {
    const live = hop((await verify(["--live"])).hops, "live-assume");
    expect(live.ok).toBe(true);
    expect(live.detail).toContain(sessionArn("xacct-staging"));
  });
});

describe("tag keys named through variables, and S3's TLS version, are decided", () => {
  const objects = `arn:aws:s3:::${BUCKET}/*`;
  const everything = [`arn:aws:s3:::${BUCKET}`, objects];

  it("a tag variable with a default: the role has no tag 'blocked', so the default applies and the Deny cannot match", async () => {
    await setBucketGuard({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: objects,
      Condition: { StringEquals: { "aws:userid": "${aws:PrincipalTag/blocked, 'nobody'}" } },
    });
    const run = await verify();
    expect(hop(run.hops, "bucket-allows-read").ok).toBe(true);
    expect(run.code).toBe(0);
    await setBucketGuard(undefined);
  });

  it("a tag key with a space the role lacks is known absent: a Deny when it equals 'x' does not apply", async () => {
    await setBucketGuard({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: objects,
      Condition: { StringEquals: { "aws:PrincipalTag/cost center": "x" } },
    });
    expect(hop((await verify()).hops, "bucket-allows-read").ok).toBe(true);
    await setBucketGuard(undefined);
  });

  it("Deny below TLS 1.2 holds for the role's read and Staging's listing", async () => {
    await setBucketGuard({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: everything, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } });
    const run = await verify();
    expect(hop(run.hops, "bucket-allows-read").ok).toBe(true);
    expect(hop(run.hops, "bucket-lets-staging-list").ok).toBe(true);
    expect(run.code).toBe(0);
    await setBucketGuard(undefined);
  });

  it("Deny below TLS 1.3 is not claimed to pass: clients may still use 1.2", async () => {
    await setBucketGuard({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: objects,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.3" } },
    });
    const read = hop((await verify()).hops, "bucket-allows-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toContain('"Guard"');
    await setBucketGuard(undefined);
  });
});

describe("Staging's organization when DescribeOrganization is refused", () => {
  it("the remembered --org-id does not stand in for it: the trust hop cannot tell", async () => {
    expect(
      (await sandbox.run(setupArgs("ctx12-org-bucket", ["--role-name", "OrgRole", "--temp-profile", "OrgRoleCred1", "--org-id", "o-abcdefghij"]))).code,
    ).toBe(0);
    const { startFaultProxy } = await import("./support/fault-proxy.js");
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    proxy.rule = (r) => (r.action === "DescribeOrganization" ? { status: 400, code: "AccessDeniedException", message: "not allowed" } : undefined);
    const run = await sandbox.run(["--endpoint-url", proxy.endpoint, "verify", "--json", "--setup", "ctx12-org-bucket"]);
    await proxy.close();
    const trust = hop((JSON.parse(run.stdout) as { hops: Hop[] }).hops, "trust-admits-user");
    expect(trust.ok).toBeNull();
    expect(trust.detail).toMatch(/Cannot tell: statement "Xacct/);
    // Read, Staging's lack of an organization is a fact: the trust does not admit it.
    expect(hop((await verify(["--setup", "ctx12-org-bucket"])).hops, "trust-admits-user").ok).toBe(false);
  });
});

describe("a Staging user with an IAM path", () => {
  const PATH_BUCKET = "ctx12-path-bucket";
  const pathUserArn = () => `arn:aws:iam::${sandbox.staging.accountId}:user/ops/PathUser`;
  const pathArgs = (bucket: string, role: string, extra: string[] = []) =>
    setupArgs(bucket, ["--role-name", role, "--temp-profile", `${role}Cred`, "--staging-user", "PathUser", ...extra]);
  const verifyPath = () =>
    verify([
      "--bucket",
      PATH_BUCKET,
      "--role-name",
      "PathRole",
      "--staging-user",
      "PathUser",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--region",
      "us-east-1",
    ]);

  beforeAll(async () => {
    await stagingIam().send(new CreateUserCommand({ UserName: "PathUser", Path: "/ops/" }));
    expect((await sandbox.run(pathArgs(PATH_BUCKET, "PathRole"))).code).toBe(0);
  });

  it("aws:PrincipalArn carries the path: a trust naming the ARN without it does not admit the user", async () => {
    const withoutPath = `arn:aws:iam::${sandbox.staging.accountId}:user/PathUser`;
    await setTrust("PathRole", (own) => ({ ...own, Condition: { ArnEquals: { "aws:PrincipalArn": withoutPath } } }));
    expect(hop((await verifyPath()).hops, "trust-admits-user").ok).toBe(false);
    await setTrust("PathRole", (own) => ({ ...own, Condition: { ArnEquals: { "aws:PrincipalArn": pathUserArn() } } }));
    expect(hop((await verifyPath()).hops, "trust-admits-user").ok).toBe(true);
  });

  it("a trust naming the user's ARN with its path as Principal admits it", async () => {
    await setTrust("PathRole", (own) => ({ ...own, Principal: { AWS: pathUserArn() } }));
    expect(hop((await verifyPath()).hops, "trust-admits-user").ok).toBe(true);
  });

  it("setup's pre-flight accepts --trust-principal with the user's real ARN (with its path)", async () => {
    const result = await sandbox.run(pathArgs("ctx12-path-bucket-2", "PathRole2", ["--trust-principal", pathUserArn()]));
    expect(result.stderr).not.toContain("Setup refused");
    expect(result.code).toBe(0);
  });
});
