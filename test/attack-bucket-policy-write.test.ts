/**
 * The bucket-policy write reads the policy back: a writer on another machine (no shared lock)
 * that overwrites it in between makes setup merge again, and one that keeps doing so makes
 * setup stop with an error, never report success without its statement.
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AwsClients } from "../src/aws/clients.js";
import { bucketStatementSids } from "../src/policy/ownership.js";
import { buildBucketLocateStatement, type PolicyDocument } from "../src/policy/index.js";
import { writeBucketPolicy, BUCKET_POLICY_ATTEMPTS } from "../src/resources/bucket-policy-write.js";

const theirs = {
  Sid: "Analytics",
  Effect: "Allow" as const,
  Principal: { AWS: "arn:aws:iam::111111111111:role/analytics" },
  Action: "s3:GetObject",
  Resource: "arn:aws:s3:::b/*",
};
const ours = buildBucketLocateStatement({ partition: "aws", stagingAccountId: "222222222222", bucket: "b", sid: bucketStatementSids("b/R").locate });
/** Another setup on the same bucket, run from another machine. */
const other = buildBucketLocateStatement({ partition: "aws", stagingAccountId: "333333333333", bucket: "b", sid: bucketStatementSids("b/R2").locate });

/** An S3 whose policy another writer replaces with `clobber` after each of the first `times` puts. */
function racingS3(times: number, clobber: object = other): { clients: AwsClients; puts: () => number } {
  let text = JSON.stringify({ Version: "2012-10-17", Statement: [theirs] });
  let puts = 0;
  const send = async (command: unknown) => {
    if (command instanceof GetBucketPolicyCommand) return { Policy: text };
    if (command instanceof PutBucketPolicyCommand) {
      puts++;
      text = puts <= times ? JSON.stringify({ Version: "2012-10-17", Statement: [theirs, clobber] }) : command.input.Policy!;
      return {};
    }
    throw new Error("unexpected call");
  };
  return { clients: { s3: { send } } as unknown as AwsClients, puts: () => puts };
}

async function write(clients: AwsClients): Promise<void> {
  const before: PolicyDocument = { Version: "2012-10-17", Statement: [theirs] };
  const change = {
    id: "bucket-policy" as const,
    account: "production" as const,
    kind: "update" as const,
    resource: "bucket policy of b",
    before,
    after: { ...before, Statement: [theirs, ours] },
  };
  await writeBucketPolicy(clients, {
    setup: { setupId: "b/R", partition: "aws", bucket: "b", statements: [ours] },
    change,
    lockDirectory: await mkdtemp(join(tmpdir(), "xacct-lock-")),
  });
}

describe("the bucket-policy write reads back what it wrote", () => {
  it("merges again when another setup's write got in between", async () => {
    const s3 = racingS3(1);
    await write(s3.clients);
    expect(s3.puts()).toBe(2);
  });

  it("stops when someone else changed the policy in between (not another setup)", async () => {
    const s3 = racingS3(1, { ...theirs, Sid: "Etl", Principal: { AWS: "arn:aws:iam::111111111111:role/etl" } });
    await expect(write(s3.clients)).rejects.toThrow(/changed since the plan was shown \(statement Etl\)/);
    expect(s3.puts()).toBe(1);
  });

  it("stops with an error when another writer keeps getting in between", async () => {
    const s3 = racingS3(Infinity);
    await expect(write(s3.clients)).rejects.toThrow(/changed by someone else each of the 4 times setup wrote it/);
    expect(s3.puts()).toBe(BUCKET_POLICY_ATTEMPTS);
  });
});
