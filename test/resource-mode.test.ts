/**
 * Resource-policy mode end to end: the bucket policy grants the Staging account directly, the
 * Staging user gets an identity policy for exactly those reads, no role exists, the Staging
 * profile reads directly; plan, verify and teardown cover it too.
 */
import { GetRoleCommand, GetUserPolicyCommand } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, PutBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { snapshotAccount } from "./support/snapshot.js";

const sandbox = useSandbox();
const BUCKET = "direct-bucket";
const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy"]);
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);

describe("--mode resource-policy", () => {
  let before: unknown;

  it("grants through the bucket policy and the user's own policy, makes no role, and the Staging profile reads directly", async () => {
    before = { prod: await snapshotAccount(prod()), staging: await snapshotAccount(staging()) };
    const configBefore = await readFile(sandbox.configFile, "utf8");
    const result = await sandbox.run(ARGS);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Pre-flight: the planned documents grant StageAdmin read access through the bucket policy");
    expect(result.stdout).not.toMatch(/role StageRole/i);

    const policy = parsePolicyDocument((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    // Sids of this setup's own: the shared names, followed by a digest of the setup's id
    expect(policy.Statement.map((s) => [s.Sid?.replace(/[0-9a-f]{12}$/, ""), s.Principal, s.Action, s.Resource])).toEqual([
      ["XacctStagingLocateBucket", { AWS: "arn:aws:iam::222222222222:root" }, ["s3:GetBucketLocation", "s3:ListBucket"], `arn:aws:s3:::${BUCKET}`],
      ["XacctStagingReadObjects", { AWS: "arn:aws:iam::222222222222:root" }, "s3:GetObject", `arn:aws:s3:::${BUCKET}/*`],
    ]);
    const inline = await staging().iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: `xacct-read-${BUCKET}` }));
    expect(parsePolicyDocument(inline.PolicyDocument!).Statement.map((s) => s.Action)).toEqual(["s3:GetObject", ["s3:GetBucketLocation", "s3:ListBucket"]]);
    await expect(prod().iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).rejects.toThrow();
    expect(await readFile(sandbox.configFile, "utf8")).toBe(configBefore); // no TempCred

    await prod().s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "d.txt", Body: "direct" }));
    const got = await sandbox.run(["test-get", "d.txt", "-", "--profile", "staging"]);
    expect(got.code).toBe(0);
    expect(got.stdout).toBe("direct");
  });

  it("a rerun has nothing to change, and verify passes on the direct path", async () => {
    expect((await sandbox.run([...ARGS, "--plan", "--detailed-exitcode"])).code).toBe(0);
    const verify = await sandbox.run(["verify", "--json"]);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout).hops.map((h: { id: string }) => h.id)).toEqual([
      "user-may-read",
      "bucket-admits-user",
      "bucket-lets-staging-list",
      "user-cannot-write",
      "user-cannot-delete",
      "user-cannot-administer",
      "bucket-not-public",
    ]);
  });

  it("verify fails the bucket hop when the bucket stops granting the read", async () => {
    const policy = parsePolicyDocument((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    const onlyLocate = { ...policy, Statement: policy.Statement.filter((s) => !s.Sid?.startsWith("XacctStagingReadObjects")) };
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(onlyLocate) }));
    const result = await sandbox.run(["verify"]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n").filter((l) => l.startsWith("  ✘"))).toEqual([`  ✘ the bucket policy of ${BUCKET} lets StageAdmin read objects`]);
    expect((await sandbox.run(ARGS)).code).toBe(0); // setup puts it back
    expect((await sandbox.run(["verify"])).code).toBe(0);
  });

  it("teardown removes exactly what it made", async () => {
    const result = await sandbox.run(["teardown", "--yes", "--delete-objects"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("StageRole");
    expect({ prod: await snapshotAccount(prod()), staging: await snapshotAccount(staging()) }).toEqual(before);
  });

  it("refuses role-only flags, and grants a chosen principal instead of the whole account", async () => {
    const refused = await sandbox.run([...ARGS, "--external-id", "abc123"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--external-id apply to the role's trust, and resource-policy mode makes no role.");
    const chosen = await sandbox.run([...ARGS, "--trust-principal", "arn:aws:iam::222222222222:user/StageAdmin"]);
    expect(chosen.code).toBe(0);
    const policy = parsePolicyDocument((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    expect(policy.Statement.every((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: "arn:aws:iam::222222222222:user/StageAdmin" }))).toBe(true);
    // A rerun without the flag keeps the narrower grant.
    expect((await sandbox.run([...ARGS, "--plan", "--detailed-exitcode"])).code).toBe(0);
  });
});
