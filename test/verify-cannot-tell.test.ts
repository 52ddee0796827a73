/**
 * "Cannot tell" is a verdict: a statement the evaluator cannot judge makes the hops it touches
 * `?` (ok: null), naming the statement, and verify goes on to the end; exit 3 when nothing
 * fails but something cannot be told, 1 when something fails; --json counts them.
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { Hop } from "../src/verify/hops.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "cannot-tell-bucket";

async function addBucketStatement(statement: object): Promise<void> {
  const s3 = clientsFor(sandbox.moto.endpoint, sandbox.prod).s3;
  const doc = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!) as { Statement: object[] };
  doc.Statement.push(statement);
  await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(doc) }));
}

describe("a statement xacct cannot evaluate", () => {
  it("makes the hops it touches ?, naming it, and verify runs to the end with exit 3", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    const before = JSON.parse((await sandbox.run(["verify", "--json"])).stdout) as { hops: Hop[] };
    await addBucketStatement({
      Sid: "Odd",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringFancy: { "aws:PrincipalAccount": "1" } },
    });
    const run = await sandbox.run(["verify", "--json"]);
    const out = JSON.parse(run.stdout) as { hops: Hop[]; failed: number; undecided: number };
    expect(out.hops.map((h) => h.id)).toEqual(before.hops.map((h) => h.id));
    const read = out.hops.find((h) => h.id === "bucket-allows-read")!;
    expect(read.ok).toBeNull();
    expect(read.detail).toContain('statement "Odd" of bucket policy');
    expect(out.hops.filter((h) => h.ok === false)).toEqual([]);
    expect(out.failed).toBe(0);
    expect(out.undecided).toBe(out.hops.filter((h) => h.ok === null).length);
    expect(run.code).toBe(3);

    const human = await sandbox.run(["verify"]);
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/\? the bucket policy and settings of cannot-tell-bucket do not deny it/);
  });

  it("a hop that fails as well gives exit 1", async () => {
    await addBucketStatement({ Sid: "NoReads", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/secret/*` });
    await addBucketStatement({ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/*` });
    const run = await sandbox.run(["verify", "--json"]);
    const out = JSON.parse(run.stdout) as { failed: number; undecided: number };
    expect(out.undecided).toBeGreaterThan(0);
    expect(run.code).toBe(1);
  });

  it("verify --help documents the three exit codes and ok: null", async () => {
    const help = await sandbox.run(["verify", "--help"]);
    expect(help.stdout).toMatch(/3 none fails but some cannot be told/);
    expect(help.stdout).toContain('"ok": true, false or null');
  });
});
