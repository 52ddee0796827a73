/**
 * A document past AWS's size limit is refused before any write, with the way out that fits
 * the cause: --org-id shortens only the role's trust; room taken by other teams' statements is
 * theirs to make.
 */
import { CreateBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

/** Other teams' statements, each granting one made-up account a prefix of the bucket. */
function teamStatements(bucket: string, count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    Sid: `Team${i}`,
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${String(300000000000 + i)}:root` },
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${bucket}/team-${i}/*`,
  }));
}

describe("documents past AWS's size limits", () => {
  it("a bucket policy nearly full of other teams' statements: the hint is to make room there, not --org-id", async () => {
    const bucket = "full-policy-bucket";
    await prod().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const statements = teamStatements(bucket, 150);
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
    expect(JSON.stringify({ Version: "2012-10-17", Statement: statements }).length).toBeGreaterThan(20_300);

    const refused = await sandbox.run(setupArgs(bucket, ["--role-name", "FullRole"]));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the bucket policy of full-policy-bucket would be \d+ characters, over AWS's limit of 20480/);
    expect(refused.stderr).toMatch(/other statements take \d+ of its 20480 bytes: make room in the bucket policy/i);
    expect(refused.stderr).not.toContain("--org-id");
    expect(refused.calls.writes).toEqual([]);
  });

  it("an existing role whose own trust leaves no room: judged as merged, and the hint is about that role", async () => {
    const others = Array.from({ length: 30 }, (_, i) => ({
      Sid: `Partner${i}`,
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${String(500000000000 + i)}:root` },
      Action: "sts:AssumeRole",
    }));
    await prod().iam.send(
      new CreateRoleCommand({ RoleName: "CrowdedRole", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: others }) }),
    );

    const refused = await sandbox.run(setupArgs("crowded-bucket", ["--role-name", "CrowdedRole"]));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the trust policy of CrowdedRole would be \d+ characters, over AWS's limit of 2048/);
    expect(refused.stderr).not.toContain("--org-id");
    expect(refused.calls.writes).toEqual([]);
  });
});
