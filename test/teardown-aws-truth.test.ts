/**
 * Teardown believes AWS, not its own state file: nothing is deleted unless AWS shows, at the
 * moment of the delete, that it is this setup's; the plan says why anything is kept.
 */
import { CreateRoleCommand, GetRoleCommand, GetUserPolicyCommand, PutUserPolicyCommand, UntagPolicyCommand, UntagRoleCommand } from "@aws-sdk/client-iam";
import { GetBucketTaggingCommand, GetObjectCommand, HeadBucketCommand, PutBucketTaggingCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { teardownCommand } from "../src/commands/teardown.js";
import { parsePolicyDocument } from "../src/policy/index.js";
import { unattendedPrompter } from "../src/wizard/prompter.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { terminalContext } from "./support/terminal-context.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);

async function ok(run: Promise<{ code: number; stderr: string }>): Promise<void> {
  const result = await run;
  expect(result.code, result.stderr).toBe(0);
}

/** Runs teardown as a person at a terminal would: `meanwhile` happens while the plan is on screen. */
async function teardownConfirmedAfter(meanwhile: () => Promise<void>, deleteObjects = false): Promise<string> {
  const prompter = { ...unattendedPrompter(), confirm: async () => (await meanwhile(), true) };
  const { ctx, printed } = terminalContext(sandbox.statePath, prompter);
  expect(await teardownCommand({ deleteObjects }, ctx)).toBe(0);
  return printed();
}

describe("teardown trusts AWS over its state file", () => {
  it("keeps a bucket setup created once its tags say it is someone else's, objects and all", async () => {
    // Given a setup that created its bucket, which another team then took over
    await ok(sandbox.run(setupArgs("taken-over-bucket", ["--role-name", "TakenRole", "--temp-profile", "TakenRoleCred1"])));
    await prod().s3.send(new PutBucketTaggingCommand({ Bucket: "taken-over-bucket", Tagging: { TagSet: [{ Key: "owner", Value: "data-team" }] } }));
    await prod().s3.send(new PutObjectCommand({ Bucket: "taken-over-bucket", Key: "theirs.csv", Body: "precious" }));

    // A rerun of setup does not claim the bucket back because the state file says it made it
    const rerun = await sandbox.run(setupArgs("taken-over-bucket", ["--role-name", "TakenRole", "--temp-profile", "TakenRoleCred1"]));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await prod().s3.send(new GetBucketTaggingCommand({ Bucket: "taken-over-bucket" }))).TagSet).toEqual([{ Key: "owner", Value: "data-team" }]);

    // When teardown runs with --delete-objects
    const teardown = await sandbox.run(["teardown", "--yes", "--delete-objects"]);
    expect(teardown.code, teardown.stderr).toBe(0);

    // Then the bucket and its object stay, and the plan says why
    expect(teardown.stdout).toMatch(/bucket taken-over-bucket {2}\(.*no managed-by=xacct tag/);
    expect(await prod().s3.send(new HeadBucketCommand({ Bucket: "taken-over-bucket" }))).toBeTruthy();
    const object = await prod().s3.send(new GetObjectCommand({ Bucket: "taken-over-bucket", Key: "theirs.csv" }));
    expect(await object.Body!.transformToString()).toBe("precious");
    expect(teardown.stdout).toMatch(/Role TakenRole — deleted/);
  });

  it("checks again at the moment of each delete: a role and bucket untagged after the plan was shown stay", async () => {
    await ok(sandbox.run(setupArgs("moment-bucket", ["--role-name", "MomentRole", "--temp-profile", "MomentRoleCred2"])));
    await prod().s3.send(new PutObjectCommand({ Bucket: "moment-bucket", Key: "data.csv", Body: "a,b" }));

    const output = await teardownConfirmedAfter(async () => {
      await prod().iam.send(new UntagRoleCommand({ RoleName: "MomentRole", TagKeys: ["managed-by", "xacct:setup"] }));
      await prod().s3.send(new PutBucketTaggingCommand({ Bucket: "moment-bucket", Tagging: { TagSet: [{ Key: "owner", Value: "data-team" }] } }));
    }, true);

    expect(output).toMatch(/- delete role MomentRole/);
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "MomentRole" }))).Role).toBeTruthy();
    expect(await prod().s3.send(new HeadBucketCommand({ Bucket: "moment-bucket" }))).toBeTruthy();
    expect(await (await prod().s3.send(new GetObjectCommand({ Bucket: "moment-bucket", Key: "data.csv" }))).Body!.transformToString()).toBe("a,b");
    expect(output).toMatch(/Role MomentRole — left in place/);
    expect(output).toMatch(/Bucket moment-bucket — left in place/);
  });

  it("a managed policy untagged after the plan was shown stays attached, and so its role stays too", async () => {
    await ok(sandbox.run(setupArgs("untag-policy-bucket", ["--role-name", "UntagRole", "--temp-profile", "UntagRoleCred3"])));
    const output = await teardownConfirmedAfter(async () => {
      await prod().iam.send(
        new UntagPolicyCommand({ PolicyArn: "arn:aws:iam::111111111111:policy/UntagRoleReadObjects", TagKeys: ["managed-by", "xacct:setup"] }),
      );
    });
    expect(output).toMatch(/Attachment of UntagRoleReadObjects to role UntagRole — left in place/);
    expect(output).toMatch(/Role UntagRole — left in place \(UntagRoleReadObjects stays attached to it\)/);
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "UntagRole" }))).Role).toBeTruthy();
  });

  it("keeps an inline policy of xacct's name that xacct did not write", async () => {
    const theirs = { Version: "2012-10-17", Statement: [{ Sid: "Ops", Effect: "Allow", Action: "s3:*", Resource: "*" }] };
    await staging().iam.send(new PutUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-HandRole", PolicyDocument: JSON.stringify(theirs) }));

    // Setup will not overwrite it either
    const setup = await sandbox.run(setupArgs("hand-bucket", ["--role-name", "HandRole", "--temp-profile", "HandRoleCred4"]));
    expect(setup.code).toBe(2);
    expect(setup.stderr).toContain("inline policy xacct-assume-HandRole of user StageAdmin was not written by xacct");
    expect(setup.calls.writes).toEqual([]);

    const teardown = await sandbox.run([
      "teardown",
      "--yes",
      "--bucket",
      "hand-bucket",
      "--role-name",
      "HandRole",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
    ]);
    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toMatch(/inline policy xacct-assume-HandRole of user StageAdmin {2}\(.*not written by xacct/);
    const kept = await staging().iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-HandRole" }));
    expect(parsePolicyDocument(kept.PolicyDocument!)).toEqual(theirs);
  });

  it("keeps a trust statement that borrows xacct's Sid in a role xacct did not make", async () => {
    const theirs = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444444444444:root" }, Action: "sts:AssumeRole" },
        { Sid: "XacctTrustStagingAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::555555555555:root" }, Action: "sts:TagSession" },
      ],
    };
    await prod().iam.send(new CreateRoleCommand({ RoleName: "BorrowedTrust", AssumeRolePolicyDocument: JSON.stringify(theirs) }));

    const setup = await sandbox.run(setupArgs("borrowed-trust-bucket", ["--role-name", "BorrowedTrust", "--temp-profile", "BorrowedTrustCred5"]));
    expect(setup.code).toBe(2);
    expect(setup.stderr).toContain("statement XacctTrustStagingAccount");
    expect(setup.calls.writes).toEqual([]);

    const teardown = await sandbox.run([
      "teardown",
      "--yes",
      "--bucket",
      "borrowed-trust-bucket",
      "--role-name",
      "BorrowedTrust",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
    ]);
    expect(teardown.code, teardown.stderr).toBe(0);
    const role = (await prod().iam.send(new GetRoleCommand({ RoleName: "BorrowedTrust" }))).Role!;
    expect(parsePolicyDocument(role.AssumeRolePolicyDocument!)).toEqual(theirs);
  });

  it("two setups using one role xacct did not make each have their own trust statement; tearing one down leaves the other's", async () => {
    const theirs = {
      Version: "2012-10-17",
      Statement: [{ Sid: "Batch", Effect: "Allow", Principal: { Service: "batch.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
    await prod().iam.send(new CreateRoleCommand({ RoleName: "SharedTrust", AssumeRolePolicyDocument: JSON.stringify(theirs) }));
    await ok(sandbox.run(setupArgs("trust-a-bucket", ["--role-name", "SharedTrust", "--temp-profile", "SharedTrustCred6", "--policy-name", "TrustAReads"])));
    const withA = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "SharedTrust" }))).Role!.AssumeRolePolicyDocument!);
    const bArgs = setupArgs("trust-b-bucket", [
      "--role-name",
      "SharedTrust",
      "--temp-profile",
      "SharedTrustCred7",
      "--policy-name",
      "TrustBReads",
      "--staging-account",
      "444444444444",
    ]);
    // Pre-flight refuses sharing: whoever assumes the role would read A's bucket too.
    const refused = await sandbox.run(bArgs);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("TrustAReads");
    expect(refused.calls.writes).toEqual([]);
    // Forced past pre-flight, B's statement is still its own, and A's is left as it was.
    await ok(sandbox.run([...bArgs, "--no-preflight"]));
    const withBoth = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "SharedTrust" }))).Role!.AssumeRolePolicyDocument!);
    expect(withBoth.Statement).toHaveLength(3);
    expect(withBoth.Statement.slice(0, 2)).toEqual(withA.Statement); // B did not widen A's statement

    await ok(
      sandbox.run([
        "teardown",
        "--yes",
        "--bucket",
        "trust-b-bucket",
        "--role-name",
        "SharedTrust",
        "--policy-name",
        "TrustBReads",
        "--production-profile",
        "prod",
        "--staging-profile",
        "staging",
      ]),
    );
    const afterB = parsePolicyDocument((await prod().iam.send(new GetRoleCommand({ RoleName: "SharedTrust" }))).Role!.AssumeRolePolicyDocument!);
    expect(afterB).toEqual(withA);
  });
});
