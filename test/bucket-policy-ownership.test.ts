/**
 * A bucket policy is shared with other teams and other setups: xacct changes only the
 * statements this setup wrote, keeps the policy's Version, refuses a statement that merely
 * borrows one of its Sids, and verify notices when this setup's statement is gone.
 */
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const flags = (bucket: string, roleName = "StageRole") => [
  "--bucket",
  bucket,
  "--role-name",
  roleName,
  "--production-profile",
  "prod",
  "--staging-profile",
  "staging",
];

async function bucketWithPolicy(bucket: string, policy: unknown): Promise<void> {
  await prod().s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await prod().s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
}

async function policyOf(bucket: string): Promise<{ Version?: string; Statement: { Sid?: string; Effect: string; Principal?: { AWS: string | string[] } }[] }> {
  return JSON.parse((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!);
}

async function ok(run: Promise<{ code: number; stderr: string }>): Promise<void> {
  const result = await run;
  expect(result.code, result.stderr).toBe(0);
}

describe("merging into a bucket policy", () => {
  it("keeps a 2008-10-17 policy's Version, so another team's literal ${aws:username} stays literal", async () => {
    // Given another team's statement whose Resource holds a literal ${…} under the 2008 grammar
    const teamHome = {
      Sid: "TeamHome",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::v2008-bucket/home/${aws:username}/*",
    };
    await bucketWithPolicy("v2008-bucket", { Version: "2008-10-17", Statement: [teamHome] });

    // When setup merges its statement
    const setup = await sandbox.run(setupArgs("v2008-bucket"));
    expect(setup.code).toBe(0);
    expect(setup.stdout).toContain("= statement TeamHome (unchanged)");

    // Then the policy is still read by AWS with the 2008 grammar, and TeamHome is as it was
    const after = await policyOf("v2008-bucket");
    expect(after.Version).toBe("2008-10-17");
    expect(after.Statement[0]).toEqual(teamHome);
    expect((await sandbox.run(["teardown", "--yes"])).code).toBe(0);
    expect(await policyOf("v2008-bucket")).toEqual({ Version: "2008-10-17", Statement: [teamHome] });
  });

  it("refuses another team's statement that borrows xacct's Sid, and teardown leaves it", async () => {
    const theirs = {
      Sid: "XacctStagingLocateBucket",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: "arn:aws:s3:::borrowed-sid-bucket",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    await bucketWithPolicy("borrowed-sid-bucket", { Version: "2012-10-17", Statement: [theirs] });

    const setup = await sandbox.run(setupArgs("borrowed-sid-bucket", ["--role-name", "BorrowRole", "--temp-profile", "BorrowRoleCred1"]));
    expect(setup.code).toBe(2);
    expect(setup.stderr).toContain("statement XacctStagingLocateBucket");
    expect(setup.stderr).toContain("was not written by xacct");
    expect(setup.calls.writes).toEqual([]);

    const teardown = await sandbox.run(["teardown", "--yes", ...flags("borrowed-sid-bucket", "BorrowRole")]);
    expect(teardown.code).toBe(0);
    expect((await policyOf("borrowed-sid-bucket")).Statement).toEqual([theirs]);
  });

  it("gives each setup on one bucket statements of its own", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "two-setups-bucket" }));
    // Given setup A, then setup B on the same bucket trusting a further account
    expect((await sandbox.run(setupArgs("two-setups-bucket", ["--role-name", "RoleA", "--temp-profile", "RoleACred2"]))).code).toBe(0);
    const policyA = await policyOf("two-setups-bucket");
    expect(policyA.Statement).toHaveLength(1);
    const b = await sandbox.run(setupArgs("two-setups-bucket", ["--role-name", "RoleB", "--temp-profile", "RoleBCred3", "--staging-account", "444444444444"]));
    expect(b.code).toBe(0);

    // Then A's statement is untouched: B did not widen it to 444444444444
    const both = await policyOf("two-setups-bucket");
    expect(both.Statement).toHaveLength(2);
    expect(both.Statement).toContainEqual(policyA.Statement[0]);

    // When B is torn down, A's statement stays and A still verifies
    expect((await sandbox.run(["teardown", "--yes", ...flags("two-setups-bucket", "RoleB")])).code).toBe(0);
    expect((await policyOf("two-setups-bucket")).Statement).toEqual(policyA.Statement);
    expect((await sandbox.run(["verify", ...flags("two-setups-bucket", "RoleA")])).code).toBe(0);
  });

  it("a role-mode rerun of one setup keeps another setup's resource-policy grant", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "mixed-modes-bucket" }));
    await ok(sandbox.run(setupArgs("mixed-modes-bucket", ["--role-name", "RoleC", "--temp-profile", "RoleCCred4"])));
    await ok(sandbox.run(setupArgs("mixed-modes-bucket", ["--role-name", "DirectB", "--temp-profile", "DirectBCred5", "--mode", "resource-policy"])));
    const withB = await policyOf("mixed-modes-bucket");
    expect(withB.Statement.length).toBeGreaterThanOrEqual(3);

    const rerunA = await sandbox.run(setupArgs("mixed-modes-bucket", ["--role-name", "RoleC", "--temp-profile", "RoleCCred4"]));
    expect(rerunA.code).toBe(0);
    expect(await policyOf("mixed-modes-bucket")).toEqual(withB);
    expect((await sandbox.run(["verify", ...flags("mixed-modes-bucket", "DirectB"), "--mode", "resource-policy"])).code).toBe(0);
  });

  it("verify notices that this setup's statement is missing from the bucket policy", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "missing-statement-bucket" }));
    expect((await sandbox.run(setupArgs("missing-statement-bucket", ["--role-name", "MissRole", "--temp-profile", "MissRoleCred6"]))).code).toBe(0);
    expect((await sandbox.run(["verify", ...flags("missing-statement-bucket", "MissRole")])).code).toBe(0);
    // Someone removes xacct's statement, leaving another team's
    const other = {
      Sid: "Other",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::missing-statement-bucket/*",
    };
    await prod().s3.send(
      new PutBucketPolicyCommand({ Bucket: "missing-statement-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [other] }) }),
    );

    const verify = await sandbox.run(["verify", ...flags("missing-statement-bucket", "MissRole")]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/✘ the bucket policy of missing-statement-bucket lets account 222222222222 locate and list it/);
  });

  it("recognises statements an older xacct wrote under the shared Sids: upgraded on rerun, removed by teardown when they grant exactly this setup's grant", async () => {
    const bucket = "legacy-bucket";
    await prod().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await ok(sandbox.run(setupArgs(bucket, ["--role-name", "LegacyRole", "--temp-profile", "LegacyRoleCred7"])));
    const current = await policyOf(bucket);
    const asOlderXacct = (statement: object) => ({ ...statement, Sid: "XacctStagingLocateBucket" });
    const team = {
      Sid: "Team",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/team/*`,
    };
    await prod().s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [team, asOlderXacct(current.Statement[0]!)] }) }),
    );

    // A rerun moves the statement to the setup's own Sid
    const rerun = await sandbox.run(setupArgs(bucket, ["--role-name", "LegacyRole", "--temp-profile", "LegacyRoleCred7"]));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain("- statement XacctStagingLocateBucket\n");
    expect(await policyOf(bucket)).toEqual({ Version: "2012-10-17", Statement: [team, current.Statement[0]] });

    // Teardown removes the older form of its own statement, and leaves one granting more (another setup's, perhaps)
    const wider = {
      ...asOlderXacct(current.Statement[0]!),
      Sid: "XacctStagingReadObjects",
      Principal: { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::444444444444:root"] },
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/*`,
    };
    await prod().s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [team, asOlderXacct(current.Statement[0]!), wider] }),
      }),
    );
    const teardown = await sandbox.run(["teardown", "--yes", ...flags(bucket, "LegacyRole")]);
    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toContain("XacctStagingReadObjects is not this setup's and stays");
    expect((await policyOf(bucket)).Statement).toEqual([team, wider]);
  });

  it("a bucket policy changed while the plan was on screen is not overwritten with the stale merge", async () => {
    const bucket = "moving-policy-bucket";
    const first = {
      Sid: "First",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/a/*`,
    };
    const added = { ...first, Sid: "AddedMeanwhile", Resource: `arn:aws:s3:::${bucket}/b/*` };
    await bucketWithPolicy(bucket, { Version: "2012-10-17", Statement: [first] });

    const { code, text } = await setupConfirmedAfter(
      setupArgs(bucket, ["--role-name", "MovingRole", "--temp-profile", "MovingRoleCred8"]).filter((a) => a !== "--yes"),
      async () => {
        await prod().s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [first, added] }) }));
      },
    );
    expect(code, text).toBe(1);
    expect(text).toContain("The bucket policy of moving-policy-bucket changed since the plan was shown");
    expect((await policyOf(bucket)).Statement).toEqual([first, added]);
  });
});

/** Runs setup as a person at a terminal would: `meanwhile` happens while the plan is on screen. */
async function setupConfirmedAfter(argv: string[], meanwhile: () => Promise<void>): Promise<{ code: number; text: string }> {
  const { setupCommand } = await import("../src/commands/setup.js");
  const { XacctError } = await import("../src/errors.js");
  const { terminalContext } = await import("./support/terminal-context.js");
  const flag = (name: string) => argv[argv.indexOf(name) + 1];
  // Every question gets its default answer; the plan is confirmed once `meanwhile` is done.
  const { ctx, printed } = terminalContext(sandbox.statePath, {
    select: async <T extends string>(q: { default?: T; choices: { value: T }[] }) => q.default ?? q.choices[0]!.value,
    input: async (q: { default?: string }) => q.default ?? "",
    confirm: async (q: { message: string; default?: boolean }) => (q.message.startsWith("Apply this plan") ? (await meanwhile(), true) : (q.default ?? true)),
  });
  const options = {
    productionProfile: flag("--production-profile"),
    stagingProfile: flag("--staging-profile"),
    bucket: flag("--bucket"),
    region: flag("--region"),
    roleName: flag("--role-name"),
    mode: "role",
    profileStyle: "static",
  };
  try {
    return { code: await setupCommand(options, ctx), text: printed() };
  } catch (error) {
    if (!(error instanceof XacctError)) throw error;
    return { code: error.exitCode ?? 1, text: `${printed()}${error.message}` };
  }
}
