/**
 * Several setups on one bucket at the same time, as separate processes: S3 has no conditional
 * PutBucketPolicy, so each setup takes its turn on this machine, merges into the policy as it
 * is, and reads it back. None may report success while its statement is missing from the policy.
 */
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../src/policy/index.js";
import { bucketStatementSids } from "../src/policy/ownership.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { runXacctProcess, type ProcessRun } from "./support/xacct-process.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

function xacct(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return runXacctProcess(args, { env: { ...sandbox.env, ...env }, cwd: sandbox.dir });
}

describe("concurrent setups on one bucket", () => {
  it("each one that reports success has its statement in the policy, next to the others'", async () => {
    // Given an existing bucket whose policy holds another team's statement
    await prod().s3.send(new CreateBucketCommand({ Bucket: "race-bucket" }));
    const theirs = {
      Sid: "Analytics",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:role/analytics" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::race-bucket/*",
    };
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "race-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [theirs] }) }));

    // When four setups run at once, each with its own role, profile and state file
    const roles = [1, 2, 3, 4].map((n) => `RaceRole${n}`);
    const results = await Promise.all(
      roles.map((role, i) =>
        xacct(setupArgs("race-bucket", ["--role-name", role, "--temp-profile", `Race${i}`]), { XACCT_STATE_FILE: join(sandbox.dir, `state-${i}.json`) }),
      ),
    );

    // Then every setup that says "Setup complete" has its statement there, and the other team's stays
    const policy = parsePolicyDocument((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "race-bucket" }))).Policy!);
    const sids = policy.Statement.map((s) => s.Sid);
    expect(sids).toContain("Analytics");
    const succeeded = roles.filter((_, i) => results[i]!.code === 0);
    for (const [i, result] of results.entries()) {
      if (result.code === 0) expect(result.stdout).toContain("Setup complete");
      else expect(result.stdout + result.stderr, `setup ${i}`).not.toContain("Setup complete");
    }
    for (const role of succeeded) expect(sids).toContain(bucketStatementSids(`race-bucket/${role}`).locate);
    // Taking turns on one machine, they all get through.
    expect(succeeded, results.map((r) => r.stderr).join("\n")).toEqual(roles);
  }, 120_000);
});
