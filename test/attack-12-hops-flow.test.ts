/**
 * The same findings end to end: setup's pre-flight refuses a bucket policy that lets Staging
 * read only some objects, or lets a service act for other accounts; verify marks a grant to
 * everyone limited by a network condition "cannot tell".
 */
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { Hop } from "../src/verify/hops.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const s3 = () => clientsFor(sandbox.moto.endpoint, sandbox.prod).s3;

async function bucketWith(bucket: string, statements: object[]): Promise<void> {
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
}

describe("pre-flight", () => {
  it("refuses a bucket whose policy denies every object but the probe key, naming a key and the statement", async () => {
    const bucket = "only-probe-bucket";
    await bucketWith(bucket, [
      { Sid: "OnlyTheProbeKey", Effect: "Deny", Principal: "*", Action: "s3:GetObject", NotResource: `arn:aws:s3:::${bucket}/xacct-verify-probe` },
    ]);
    const result = await sandbox.run(setupArgs(bucket));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Setup refused before changing anything");
    expect(result.stderr).toMatch(/Reads only some objects: denied for only-probe-bucket\/(?!xacct-verify-probe)/);
    expect(result.stderr).toContain('statement "OnlyTheProbeKey" of bucket policy of only-probe-bucket');
    expect(result.calls.writes).toEqual([]);
  });

  it("refuses a bucket policy letting s3.amazonaws.com write for any account, and warns when it is Production's own", async () => {
    const deputy = (bucket: string, condition?: object) => ({
      Sid: "InventoryDestination",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${bucket}/*`,
      ...(condition ? { Condition: condition } : {}),
    });
    await bucketWith("deputy-bucket", [deputy("deputy-bucket")]);
    const refused = await sandbox.run(setupArgs("deputy-bucket"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('statement "InventoryDestination" of bucket policy of deputy-bucket');
    expect(refused.stderr).toContain("aws:SourceAccount = 111111111111");
    expect(refused.calls.writes).toEqual([]);

    await bucketWith("own-inventory-bucket", [deputy("own-inventory-bucket", { StringEquals: { "aws:SourceAccount": "111111111111" } })]);
    const warned = await sandbox.run(setupArgs("own-inventory-bucket"));
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('statement "InventoryDestination" of bucket policy of own-inventory-bucket');
  });
});

describe("verify", () => {
  it("a grant to everyone limited by aws:SourceVpc is ?, not ✔, and verify exits 3", async () => {
    const bucket = "vpc-grant-bucket";
    const setup = await sandbox.run(setupArgs(bucket, ["--role-name", "VpcRole", "--temp-profile", "VpcRoleCred1"]));
    expect(setup.code).toBe(0);
    const doc = JSON.parse((await s3().send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!) as { Statement: object[] };
    doc.Statement.push({
      Sid: "ReadFromOurVpc",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: { StringEquals: { "aws:SourceVpc": "vpc-0abc1234" } },
    });
    await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(doc) }));
    const run = await sandbox.run(["verify", "--json", "--setup", bucket]);
    const out = JSON.parse(run.stdout) as { hops: Hop[] };
    const notPublic = out.hops.find((h) => h.id === "bucket-not-public")!;
    expect(notPublic.ok).toBeNull();
    expect(notPublic.detail).toContain('statement "ReadFromOurVpc"');
    expect(out.hops.find((h) => h.id === "staging-cannot-read-directly")!.ok).toBeNull();
    expect(run.code).toBe(3);
  });
});
