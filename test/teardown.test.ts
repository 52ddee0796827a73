/**
 * Teardown removes exactly what setup made: both accounts and the config file end as they
 * were before setup, other people's statements and resources stay, and a rerun is a no-op.
 */
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, PutObjectCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { snapshotAccount } from "./support/snapshot.js";

const sandbox = useSandbox();
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", "teardown-bucket", "--staging-user", "NewReader"];

describe("xacct teardown", () => {
  it("returns both accounts and the config file to exactly their state before setup", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    const before = { prod: await snapshotAccount(prod), staging: await snapshotAccount(staging) };
    const configBefore = await readFile(sandbox.configFile, "utf8");

    // Given a setup that created the bucket and a new Staging user, and an object in the bucket
    expect((await sandbox.run(setupArgs("teardown-bucket", ["--staging-user", "NewReader"]))).code).toBe(0);
    await prod.s3.send(new PutObjectCommand({ Bucket: "teardown-bucket", Key: "data.csv", Body: "a,b" }));

    // When teardown runs without --delete-objects, the non-empty bucket stays and it says why
    const first = await sandbox.run(["teardown", "--yes"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("it holds 1 object version; give --delete-objects to delete them too");
    expect(first.stdout).toContain("Teardown done but for one thing. Bucket teardown-bucket remains");
    expect(first.stdout).toMatch(/Role StageRole — deleted/);
    expect(first.stdout).toMatch(/User NewReader — deleted/);
    expect(await prod.s3.send(new HeadBucketCommand({ Bucket: "teardown-bucket" }))).toBeTruthy();
    // The setup stays remembered while its bucket remains, so --setup can finish it
    expect(existsSync(sandbox.statePath)).toBe(true);

    // Then, given the flags, teardown --delete-objects removes the rest
    const second = await sandbox.run(["teardown", "--yes", "--delete-objects", ...TARGET]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Bucket teardown-bucket — deleted/);
    expect(existsSync(sandbox.statePath)).toBe(false);

    const after = { prod: await snapshotAccount(prod), staging: await snapshotAccount(staging) };
    expect(after).toEqual(before);
    expect(await readFile(sandbox.configFile, "utf8")).toBe(configBefore);

    // And a third run finds nothing to do and writes nothing
    const third = await sandbox.run(["teardown", "--yes", ...TARGET]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain("Nothing to remove");
    expect(third.calls.writes).toEqual([]);
  });

  it("keeps a bucket xacct did not create, and other teams' statements in its policy", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const foreign = {
      Sid: "AuditorsList",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::shared-bucket",
    };
    await prod.s3.send(new CreateBucketCommand({ Bucket: "shared-bucket" }));
    await prod.s3.send(new PutBucketPolicyCommand({ Bucket: "shared-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [foreign] }) }));
    expect((await sandbox.run(setupArgs("shared-bucket"))).code).toBe(0);

    const plan = await sandbox.run(["teardown", "--plan"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("= leave  bucket shared-bucket  (not created by xacct");
    expect(plan.stdout).toContain("- statement XacctStagingLocateBucket");
    expect(plan.stdout).toContain("= statement AuditorsList (unchanged)");
    expect(plan.calls.writes).toEqual([]);

    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code).toBe(0);
    const policy = JSON.parse((await prod.s3.send(new GetBucketPolicyCommand({ Bucket: "shared-bucket" }))).Policy!);
    expect(policy.Statement).toEqual([foreign]);
    // StageAdmin existed before setup: it keeps its user, losing only xacct's inline policy
    expect(result.stdout).toMatch(/Inline policy xacct-assume-StageRole of user StageAdmin — deleted/);
    expect(result.stdout).toMatch(/User StageAdmin — left in place/);
  });

  it("with no setup remembered and no flags, finds nothing to remove, as after a teardown", async () => {
    const result = await sandbox.run(["teardown"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nothing to remove: xacct remembers no setup here.");
    expect(result.calls.calls).toHaveLength(0);
  });

  it("with some flags but not all, names the ones it needs", async () => {
    const result = await sandbox.run(["teardown", "--bucket", "some-bucket"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("teardown does not know which setup to act on: give --production-profile, --staging-profile, --yes.");
  });
});
