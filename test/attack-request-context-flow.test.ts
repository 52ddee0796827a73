/**
 * End to end against the emulator: verify reads a reused role's permissions boundary and
 * Production's canonical user ID, and pre-flight refuses a reused role that any GitHub Actions
 * workflow may assume. Decisions come from xacct's evaluator; the emulator supplies documents.
 */
import { CreatePolicyCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, ListBucketsCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const empty = JSON.stringify({ Version: "2012-10-17", Statement: [] });

describe("a reused role's permissions boundary", () => {
  it("verify fails the role's read when the boundary allows only sts", async () => {
    const policy = await prod().iam.send(
      new CreatePolicyCommand({
        PolicyName: "OnlySts",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:*", Resource: "*" }] }),
      }),
    );
    await prod().iam.send(new CreateRoleCommand({ RoleName: "BoundedRole", AssumeRolePolicyDocument: empty, PermissionsBoundary: policy.Policy!.Arn }));
    const setup = await sandbox.run(setupArgs("bounded-c", ["--role-name", "BoundedRole", "--temp-profile", "BoundedRoleCred1", "--no-preflight"]));
    expect(setup.code).toBe(0);
    const verify = await sandbox.run(["verify", "--setup", "bounded-c"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/✘ BoundedRole may s3:GetObject/);
    expect(verify.stdout).toContain("permissions boundary OnlySts of role BoundedRole");
  });
});

describe("bucket policies naming canonical user IDs", () => {
  it("a Deny by Production's canonical ID fails the read in verify", async () => {
    const setup = await sandbox.run(setupArgs("canonical-c"));
    expect(setup.code).toBe(0);
    const owner = (await prod().s3.send(new ListBucketsCommand({}))).Owner!.ID!;
    const current = await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "canonical-c" }));
    const doc = JSON.parse(current.Policy!) as { Statement: object[] };
    doc.Statement.push({ Sid: "D", Effect: "Deny", Principal: { CanonicalUser: owner }, Action: "s3:GetObject", Resource: "arn:aws:s3:::canonical-c/*" });
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "canonical-c", Policy: JSON.stringify(doc) }));
    const verify = await sandbox.run(["verify", "--setup", "canonical-c"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/✘ the bucket policy and settings of canonical-c do not deny it/);
  });
});

describe("a reused role trusted by GitHub Actions", () => {
  it("pre-flight refuses it before any write, naming the statement", async () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHubAny",
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
        },
      ],
    };
    await prod().iam.send(new CreateRoleCommand({ RoleName: "SharedRole", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const result = await sandbox.run(setupArgs("shared-c", ["--role-name", "SharedRole", "--temp-profile", "SharedRoleCred2"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Setup refused before changing anything");
    expect(result.stderr).toContain('statement "GitHubAny" of trust policy of role SharedRole');
    expect(result.calls.writes).toEqual([]);
  });
});
