/**
 * The fault matrix: a permanent failure injected at every write of setup and of teardown
 * stops the run with a report, and running the same command again converges to the state an
 * undisturbed run reaches. Transient faults (500, 503, throttling, dropped connections) are
 * retried by the SDK and never reach the user.
 */
import { CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, ListPolicyVersionsCommand } from "@aws-sdk/client-iam";
import { DeleteBucketCommand, DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { startFaultProxy, type FaultAction, type FaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { snapshotAccount } from "./support/snapshot.js";

const sandbox = useSandbox();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(sandbox.moto.endpoint);
});
afterAll(() => proxy.close());

const BUCKET = "fault-bucket";
const SETUP = setupArgs(BUCKET, ["--staging-user", "FaultReader"]);
const TEARDOWN = ["teardown", "--yes", "--delete-objects"];
const DENIED = { status: 403, code: "AccessDenied", message: "injected" };

async function snapshot(): Promise<unknown> {
  return {
    prod: await snapshotAccount(clientsFor(sandbox.moto.endpoint, sandbox.prod)),
    staging: await snapshotAccount(clientsFor(sandbox.moto.endpoint, sandbox.staging)),
  };
}

/** Fails the first `times` requests for `operation`; passes everything else. */
function failFirst(operation: string, fault: FaultAction, times = 1): void {
  let left = times;
  proxy.rule = (r) => (r.action === operation && left-- > 0 ? fault : undefined);
}

function viaProxy(argv: string[]): string[] {
  return ["--endpoint-url", proxy.endpoint, ...argv];
}

/** The tags this setup gives what it makes: drift below is drift of this setup's own resources. */
const OURS = [
  { Key: "managed-by", Value: "xacct" },
  { Key: "xacct:setup", Value: `${BUCKET}/StageRole` },
];

/** Drift that makes setup take its update paths: a foreign trust and a full version history. */
async function driftProduction(): Promise<void> {
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  const doc = (n: number) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::old-${n}/*` }] });
  const created = await prod.iam.send(new CreatePolicyCommand({ PolicyName: "StageRoleReadObjects", PolicyDocument: doc(0), Tags: OURS }));
  for (let n = 1; n < 5; n++)
    await prod.iam.send(new CreatePolicyVersionCommand({ PolicyArn: created.Policy!.Arn!, PolicyDocument: doc(n), SetAsDefault: n === 2 }));
  // xacct's own trust statement, drifted to another account: setup puts it right.
  const trust = {
    Version: "2012-10-17",
    Statement: [{ Sid: "XacctTrustStagingAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" }],
  };
  await prod.iam.send(new CreateRoleCommand({ RoleName: "StageRole", AssumeRolePolicyDocument: JSON.stringify(trust), Tags: OURS }));
}

async function addForeignStatement(): Promise<void> {
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  const current = JSON.parse((await prod.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
  const foreign = {
    Sid: "OtherTeam",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::444444444444:root" },
    Action: "s3:ListBucket",
    Resource: `arn:aws:s3:::${BUCKET}`,
  };
  await prod.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ ...current, Statement: [...current.Statement, foreign] }) }));
}

describe("setup under faults", () => {
  let converged: unknown;
  beforeAll(async () => {
    await sandbox.reset();
    expect((await sandbox.run(SETUP)).code).toBe(0);
    converged = await snapshot();
  });

  it.each(["CreateBucket", "PutBucketTagging", "PutBucketPolicy", "CreatePolicy", "CreateRole", "AttachRolePolicy", "CreateUser", "PutUserPolicy"])(
    "a permanent failure of %s stops with a report, and a rerun converges",
    async (operation) => {
      await sandbox.reset();
      failFirst(operation, DENIED);
      const failed = await sandbox.run(viaProxy(SETUP));
      proxy.rule = () => undefined;
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("AccessDenied");
      expect(failed.stdout).toContain("Stopped part-way. Nothing was rolled back.");
      expect(failed.stdout).toMatch(/failed\s+\S/);

      const rerun = await sandbox.run(SETUP);
      expect(rerun.code).toBe(0);
      expect(await snapshot()).toEqual(converged);
    },
  );

  it.each(["DeletePolicyVersion", "CreatePolicyVersion", "UpdateAssumeRolePolicy"])(
    "on the update path, a permanent failure of %s also converges on rerun",
    async (operation) => {
      await sandbox.reset();
      await driftProduction();
      failFirst(operation, DENIED);
      expect((await sandbox.run(viaProxy(SETUP))).code).toBe(1);
      proxy.rule = () => undefined;
      expect((await sandbox.run(SETUP)).code).toBe(0);
      expect(await snapshot()).toEqual(converged);
    },
  );

  it("rotates the managed policy: drops the oldest non-default version when five exist", async () => {
    await sandbox.reset();
    await driftProduction();
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const arn = "arn:aws:iam::111111111111:policy/StageRoleReadObjects";
    const before = (await prod.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
    expect(before).toHaveLength(5);
    const result = await sandbox.run(SETUP);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Managed policy StageRoleReadObjects: s3:GetObject on fault-bucket\/\* — updated/);
    const after = (await prod.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
    expect(after).toHaveLength(5);
    expect(after.map((v) => v.VersionId)).not.toContain("v1"); // the oldest non-default went
    expect(after.map((v) => v.VersionId)).toContain("v2"); // the old default stays as history
    expect(after.find((v) => v.IsDefaultVersion)?.VersionId).toBe("v6");
  });

  it.each([
    ["500 InternalError", { status: 500, code: "InternalError", message: "boom" }],
    ["503 ServiceUnavailable", { status: 503, code: "ServiceUnavailable", message: "busy" }],
    ["400 Throttling", { status: 400, code: "Throttling", message: "Rate exceeded" }],
    ["a dropped connection", "reset" as const],
  ])("a transient %s is retried and the run succeeds", async (_name, fault) => {
    await sandbox.reset();
    failFirst("CreateRole", fault, 2);
    const result = await sandbox.run(viaProxy(SETUP));
    proxy.rule = () => undefined;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await snapshot()).toEqual(converged);
  });

  it("a fault that outlasts the retries stops the run with the AWS code and what to do", async () => {
    await sandbox.reset();
    failFirst("CreateRole", { status: 503, code: "ServiceUnavailable", message: "down" }, 99);
    const result = await sandbox.run(viaProxy(SETUP));
    proxy.rule = () => undefined;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("AWS stayed unavailable after several retries (ServiceUnavailable)");
  });
});

describe("teardown under faults", () => {
  let pristine: unknown;
  beforeAll(async () => {
    await sandbox.reset();
    pristine = await snapshot();
  });

  async function setUpWithObject(): Promise<void> {
    await sandbox.reset();
    expect((await sandbox.run(SETUP)).code).toBe(0);
    await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k", Body: "v" }));
  }

  it.each(["DetachRolePolicy", "DeletePolicy", "DeleteRole", "DeleteBucketPolicy", "DeleteObjects", "DeleteBucket", "DeleteUserPolicy", "DeleteUser"])(
    "a permanent failure of %s stops with a report, and a rerun converges",
    async (operation) => {
      await setUpWithObject();
      failFirst(operation, DENIED);
      const failed = await sandbox.run(viaProxy(TEARDOWN));
      proxy.rule = () => undefined;
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain("Stopped part-way. Nothing was rolled back.");

      // The state file is kept until teardown completes, so the rerun needs no flags.
      const rerun = await sandbox.run(TEARDOWN);
      expect(rerun.code).toBe(0);
      expect(await snapshot()).toEqual(pristine);
    },
  );

  it.each([
    ["DeletePolicyVersion", "a managed policy with older versions", driftProduction],
    ["PutBucketPolicy", "a bucket policy with another team's statement", addForeignStatement],
  ])("on the update path (%s, %s), a permanent failure converges on rerun", async (operation, _given, prepare) => {
    await sandbox.reset();
    if (operation === "DeletePolicyVersion") await prepare();
    expect((await sandbox.run(SETUP)).code).toBe(0);
    if (operation === "PutBucketPolicy") await prepare();
    failFirst(operation, DENIED);
    expect((await sandbox.run(viaProxy(TEARDOWN))).code).toBe(1);
    proxy.rule = () => undefined;
    expect((await sandbox.run(TEARDOWN)).code).toBe(0);
    if (operation === "PutBucketPolicy") await removeKeptSharedBucket();
    expect(await snapshot()).toEqual(pristine);
  });
});

/** Teardown keeps a bucket whose policy grants another team, with only their statement: the test removes it. */
async function removeKeptSharedBucket(): Promise<void> {
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  const policy = JSON.parse((await prod.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!) as { Statement: { Sid: string }[] };
  expect(policy.Statement.map((s) => s.Sid)).toEqual(["OtherTeam"]);
  await prod.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
  await prod.s3.send(new DeleteBucketCommand({ Bucket: BUCKET }));
}
