/**
 * What others rely on stays: a bucket whose policy holds another team's statement, a role that
 * another team trusts or gave its own policies, is kept by teardown (only xacct's parts leave),
 * and the plan says why. And the apply lines say what happened, never "already in place" for
 * settings that were left as they were.
 */
import { AttachRolePolicyCommand, CreatePolicyCommand, GetRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetBucketPolicyCommand, HeadBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

async function ok(argv: string[]): Promise<string> {
  const result = await sandbox.run(argv);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return result.stdout;
}

describe("apply lines tell the truth", () => {
  it("an existing bucket left unhardened is not 'already in place'", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "soft-bucket" }));
    const out = await ok(setupArgs("soft-bucket", ["--role-name", "SoftRole"]));
    expect(out).toContain("left as is: Block Public Access is not fully on");
    expect(out).not.toMatch(/Bucket soft-bucket: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced — already in place/);
    expect(out).toMatch(
      /Bucket soft-bucket: Block Public Access, SSE-S3 encryption, BucketOwnerEnforced — left in place \(Block Public Access is not fully on/,
    );
    await ok(["teardown", "--yes"]);
  });
});

describe("teardown keeps what others rely on", () => {
  it("keeps a bucket it made whose policy holds another team's statement, and takes out only its own", async () => {
    await ok(setupArgs("shared-bucket", ["--role-name", "SharedBucketRole"]));
    const policy = parsePolicyDocument((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "shared-bucket" }))).Policy!);
    const theirs = {
      Sid: "Analytics",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:role/analytics" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::shared-bucket/*",
    };
    await prod().s3.send(
      new PutBucketPolicyCommand({ Bucket: "shared-bucket", Policy: JSON.stringify({ ...policy, Statement: [...policy.Statement, theirs] }) }),
    );

    const plan = await ok(["teardown", "--plan"]);
    expect(plan).toMatch(/= leave  bucket shared-bucket {2}\(its policy holds statements that are not this setup's: Analytics/);

    const out = await ok(["teardown", "--yes"]);
    expect(await prod().s3.send(new HeadBucketCommand({ Bucket: "shared-bucket" }))).toBeTruthy();
    const after = parsePolicyDocument((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "shared-bucket" }))).Policy!);
    expect(after.Statement).toEqual([theirs]);
    expect(out).toMatch(/Teardown complete; \d resources? left in place/);
    expect(out).toMatch(/Bucket shared-bucket — left in place/);
  });

  it("keeps a role it made that another team now trusts, and takes out only its own trust statement", async () => {
    await ok(setupArgs("trusted-bucket", ["--role-name", "TrustedRole"]));
    const role = await prod().iam.send(new GetRoleCommand({ RoleName: "TrustedRole" }));
    const trust = parsePolicyDocument(role.Role!.AssumeRolePolicyDocument!);
    const ci = { Sid: "Ci", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/ci" }, Action: "sts:AssumeRole" };
    await prod().iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: "TrustedRole", PolicyDocument: JSON.stringify({ ...trust, Statement: [...trust.Statement, ci] }) }),
    );

    const plan = await ok(["teardown", "--plan"]);
    expect(plan).toMatch(/= leave  role TrustedRole {2}\(its trust policy admits others too: Ci/);
    expect(plan).toMatch(/~ update xacct's statement in the trust policy of role TrustedRole/);

    await ok(["teardown", "--yes"]);
    const kept = await prod().iam.send(new GetRoleCommand({ RoleName: "TrustedRole" }));
    expect(parsePolicyDocument(kept.Role!.AssumeRolePolicyDocument!).Statement).toEqual([ci]);
  });

  it("keeps a role it made that another team gave its own policies, taking out xacct's trust and policy", async () => {
    await ok(setupArgs("extra-bucket", ["--role-name", "ExtraRole"]));
    const role = await prod().iam.send(new GetRoleCommand({ RoleName: "ExtraRole" }));
    const trust = parsePolicyDocument(role.Role!.AssumeRolePolicyDocument!);
    const ci = { Sid: "Ci", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/ci" }, Action: "sts:AssumeRole" };
    await prod().iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: "ExtraRole", PolicyDocument: JSON.stringify({ ...trust, Statement: [...trust.Statement, ci] }) }),
    );
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] });
    const theirs = await prod().iam.send(new CreatePolicyCommand({ PolicyName: "TheirQueue", PolicyDocument: doc }));
    await prod().iam.send(new AttachRolePolicyCommand({ RoleName: "ExtraRole", PolicyArn: theirs.Policy!.Arn! }));
    await prod().iam.send(new PutRolePolicyCommand({ RoleName: "ExtraRole", PolicyName: "TheirInline", PolicyDocument: doc }));

    const out = await ok(["teardown", "--yes"]);
    expect(out).toMatch(/= leave  role ExtraRole {2}\(.*TheirQueue/);
    expect(out).toMatch(/Attachment of ExtraRoleReadObjects to role ExtraRole — deleted/);
    const kept = await prod().iam.send(new GetRoleCommand({ RoleName: "ExtraRole" }));
    expect(parsePolicyDocument(kept.Role!.AssumeRolePolicyDocument!).Statement).toEqual([ci]);
  });
});
