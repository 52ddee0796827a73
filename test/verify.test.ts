/**
 * xacct verify against the emulator. moto does not enforce cross-account policies, so these
 * tests change the documents in the emulator and let xacct's evaluator decide each hop.
 */
import {
  GetRoleCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  AttachRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { DeletePublicAccessBlockCommand, PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "verify-bucket";
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const POLICY_ARN = "arn:aws:iam::111111111111:policy/StageRoleReadObjects";

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "present.txt", Body: "x" }));
});

describe("xacct verify", () => {
  it("passes every hop after setup", async () => {
    const result = await sandbox.run(["verify"]);
    expect(result.stdout).not.toContain("✘");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✔ StageAdmin may call sts:AssumeRole on StageRole");
    expect(result.stdout).toContain("✔ a third account cannot assume StageRole");
    expect(result.calls.writes).toEqual([]);
  });

  it("--json gives the hops for machines", async () => {
    const result = await sandbox.run(["verify", "--json"]);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ command: "verify", ok: true, failed: 0, roleArn: ROLE_ARN });
    expect(report.hops.map((h: { id: string }) => h.id)).toEqual([
      "user-may-assume",
      "trust-admits-user",
      "role-may-read",
      "bucket-allows-read",
      "bucket-lets-staging-list",
      "role-cannot-write",
      "role-cannot-delete",
      "role-cannot-administer",
      "role-grants-nothing-else",
      "staging-cannot-read-directly",
      "third-account-cannot-assume",
      "production-others-cannot-assume",
      "bucket-not-public",
    ]);
  });

  // Each case breaks exactly one hop in the emulator, checks verify names it and the statement, then repairs it.
  const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
  const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);
  const trustOf = async () => (await prod().iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.AssumeRolePolicyDocument!;
  let savedTrust = "";
  const cases: { hop: string; also?: string[]; statement: string; breakIt: () => Promise<unknown>; repair: () => Promise<unknown> }[] = [
    {
      // The bootstrapped StageAdmin is an admin: take away its admin policy and xacct's.
      hop: "StageAdmin may call sts:AssumeRole on StageRole",
      statement: "",
      breakIt: async () => {
        await staging().iam.send(new DeleteUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "AdministratorAccess" }));
        await staging().iam.send(new DeleteUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }));
      },
      repair: async () => {
        const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
        await staging().iam.send(new PutUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "AdministratorAccess", PolicyDocument: admin }));
        await sandbox.run(setupArgs(BUCKET));
      },
    },
    {
      hop: "StageAdmin may call sts:AssumeRole on StageRole",
      statement: 'statement "NoAssume" of inline policy guard of user StageAdmin',
      breakIt: () =>
        staging().iam.send(
          new PutUserPolicyCommand({
            UserName: "StageAdmin",
            PolicyName: "guard",
            PolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "NoAssume", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" }],
            }),
          }),
        ),
      repair: () => staging().iam.send(new DeleteUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "guard" })),
    },
    {
      hop: "the trust policy of StageRole admits StageAdmin",
      statement: "",
      breakIt: () =>
        prod().iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: "StageRole",
            PolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "XacctTrustStagingAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
            }),
          }),
        ),
      repair: () => sandbox.run(setupArgs(BUCKET)),
    },
    {
      hop: "StageRole may s3:GetObject on verify-bucket/*",
      statement: "",
      breakIt: () => prod().iam.send(new DetachRolePolicyCommand({ RoleName: "StageRole", PolicyArn: POLICY_ARN })),
      repair: () => prod().iam.send(new AttachRolePolicyCommand({ RoleName: "StageRole", PolicyArn: POLICY_ARN })),
    },
    {
      hop: "the bucket policy and settings of verify-bucket do not deny it",
      statement: 'statement "NoReads" of bucket policy of verify-bucket',
      breakIt: () => setBucketPolicyExtra({ Sid: "NoReads", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }),
      repair: () => setBucketPolicyExtra(undefined),
    },
    {
      hop: "StageRole cannot write or restore objects of verify-bucket",
      statement: 'statement "TooMuch" of inline policy extra of role StageRole',
      breakIt: () =>
        prod().iam.send(
          new PutRolePolicyCommand({
            RoleName: "StageRole",
            PolicyName: "extra",
            PolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "TooMuch", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/*` }],
            }),
          }),
        ),
      repair: () =>
        import("@aws-sdk/client-iam").then(({ DeleteRolePolicyCommand }) =>
          prod().iam.send(new DeleteRolePolicyCommand({ RoleName: "StageRole", PolicyName: "extra" })),
        ),
    },
    {
      hop: "StageRole cannot delete objects or versions of verify-bucket",
      statement: 'statement "Cleanup" of inline policy extra of role StageRole',
      breakIt: () =>
        prod().iam.send(
          new PutRolePolicyCommand({
            RoleName: "StageRole",
            PolicyName: "extra",
            PolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "Cleanup", Effect: "Allow", Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${BUCKET}/*` }],
            }),
          }),
        ),
      repair: () =>
        import("@aws-sdk/client-iam").then(({ DeleteRolePolicyCommand }) =>
          prod().iam.send(new DeleteRolePolicyCommand({ RoleName: "StageRole", PolicyName: "extra" })),
        ),
    },
    {
      hop: "a third account cannot assume StageRole",
      statement: 'statement "Anyone" of trust policy of role StageRole',
      breakIt: async () => {
        savedTrust = decodeURIComponent(await trustOf());
        await prod().iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: "StageRole",
            PolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "Anyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
            }),
          }),
        );
      },
      // Setup merges its statement into a trust and would keep "Anyone": put the old trust back.
      repair: () => prod().iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "StageRole", PolicyDocument: savedTrust })),
    },
    {
      hop: "verify-bucket is not public",
      // A public read also lets Staging read without the role: both hops fail, as they should.
      also: ["Staging cannot read or change verify-bucket without the role"],
      statement: 'statement "PublicRead" of bucket policy of verify-bucket',
      breakIt: async () => {
        await prod().s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
        await setBucketPolicyExtra({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` });
      },
      repair: () => setBucketPolicyExtra(undefined),
    },
  ];

  it.each(cases)("breaking '$hop' fails exactly that hop, naming $statement", async ({ hop, also, statement, breakIt, repair }) => {
    await breakIt();
    const result = await sandbox.run(["verify"]);
    await repair();
    expect(result.code).toBe(1);
    const failed = result.stdout.split("\n").filter((line) => line.startsWith("  ✘"));
    expect(failed.sort()).toEqual([hop, ...(also ?? [])].map((h) => `  ✘ ${h}`).sort());
    expect(result.stdout).toContain("fix:");
    if (statement) expect(result.stdout).toContain(statement);
    expect((await sandbox.run(["verify"])).code).toBe(0);
  });

  it("--live assumes, reads an existing key, and reports a write the emulator wrongly accepts", async () => {
    const result = await sandbox.run(["verify", "--live", "--key", "present.txt"]);
    expect(result.stdout).toContain("✔ live: staging assumes StageRole");
    expect(result.stdout).toContain("✔ live: the role reads s3://verify-bucket/present.txt");
    // moto does not enforce the role's permissions, so the write goes through: verify must say so and clean up.
    expect(result.stdout).toContain("✘ live: the role cannot write to the bucket");
    expect(result.stdout).toMatch(/PutObject of xacct-verify-probe-\d+ was ACCEPTED; the probe object was deleted again/);
    expect(result.code).toBe(1);
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const keys = (await prod().s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents?.map((o) => o.Key);
    expect(keys).toEqual(["present.txt"]);
  });
});

async function setBucketPolicyExtra(extra: object | undefined): Promise<void> {
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  const ours = {
    Sid: "XacctStagingLocateBucket",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::222222222222:root" },
    Action: ["s3:GetBucketLocation", "s3:ListBucket"],
    Resource: `arn:aws:s3:::${BUCKET}`,
  };
  await prod.s3.send(
    new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: "2012-10-17", Statement: extra ? [ours, extra] : [ours] }) }),
  );
  if (!extra) {
    await prod.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: BUCKET,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    );
  }
}

describe("pre-flight in setup", () => {
  it("refuses, before any write, a plan that a foreign bucket statement would defeat; --no-preflight applies it", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const { CreateBucketCommand } = await import("@aws-sdk/client-s3");
    await prod.s3.send(new CreateBucketCommand({ Bucket: "guarded-bucket" }));
    const deny = { Sid: "OnlyOurVpc", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::guarded-bucket/*" };
    await prod.s3.send(new PutBucketPolicyCommand({ Bucket: "guarded-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [deny] }) }));
    const args = setupArgs("guarded-bucket", ["--role-name", "GuardedRole", "--temp-profile", "GuardedRoleCred1"]);

    const plan = await sandbox.run([...args, "--plan"]);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain('Pre-flight: the bucket policy and settings of guarded-bucket do not deny it would fail: Denied by statement "OnlyOurVpc"');

    const refused = await sandbox.run(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Setup refused before changing anything");
    expect(refused.stderr).toContain('statement "OnlyOurVpc" of bucket policy of guarded-bucket');
    expect(refused.stderr).toContain("--no-preflight");
    expect(refused.calls.writes).toEqual([]);

    const forced = await sandbox.run([...args, "--no-preflight"]);
    expect(forced.code).toBe(0);
  });

  it("says so when the plan passes", async () => {
    const result = await sandbox.run(setupArgs("fresh-preflight-bucket", ["--role-name", "FreshRole", "--temp-profile", "FreshRoleCred2"]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Pre-flight: the planned documents grant StageAdmin read access through FreshRole, and nothing more (13 checks).");
  });
});

// Three setups are remembered from here on (verify-bucket, guarded-bucket, fresh-preflight-bucket): commands name theirs.
describe("AccessDenied, translated", () => {
  it("a denied assume names the trust statement that does not admit the user", async () => {
    const { startFaultProxy } = await import("./support/fault-proxy.js");
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    const wrongTrust = {
      Version: "2012-10-17",
      Statement: [{ Sid: "XacctTrustStagingAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" }],
    };
    await prod.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "StageRole", PolicyDocument: JSON.stringify(wrongTrust) }));
    // moto would let the assume through; AWS would refuse it, so the proxy does.
    proxy.rule = (r) => (r.action === "AssumeRole" ? { status: 403, code: "AccessDenied", message: "not authorized" } : undefined);
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, "assume", "--write-profile", "--setup", BUCKET]);
    await proxy.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Likely cause: the trust policy of StageRole admits StageAdmin does not hold.");
    expect(result.stderr).toContain("Fix: Let account 222222222222 assume StageRole");
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  });

  it("a denied read names the bucket statement that denies it", async () => {
    await setBucketPolicyExtra({ Sid: "NoReads", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` });
    expect((await sandbox.run(["assume", "--write-profile", "--setup", BUCKET])).code).toBe(0);
    const result = await sandbox.run(["test-get", "present.txt", "-", "--setup", BUCKET]);
    await setBucketPolicyExtra(undefined);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(AccessDenied)");
    expect(result.stderr).toContain(
      'Likely cause: the bucket policy and settings of verify-bucket do not deny it does not hold. Denied by statement "NoReads" of bucket policy of verify-bucket.',
    );
  });

  it("verify --live passes when AWS refuses the write, as it should", async () => {
    const { startFaultProxy } = await import("./support/fault-proxy.js");
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    proxy.rule = (r) => (r.action === "PutObject" ? { status: 403, code: "AccessDenied", message: "denied" } : undefined);
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, "verify", "--live", "--key", "present.txt", "--setup", BUCKET]);
    await proxy.close();
    expect(result.stdout).toContain("✔ live: the role cannot write to the bucket");
    expect(result.code).toBe(0);
  });
});
