/**
 * Pre-flight judges the documents on every run, also on a rerun with nothing to change: a grant
 * someone added after setup (a prefix write on the role, a third account's bucket grant) is
 * named, and setup does not end as if all were well. --plan reports it too.
 */
import { DeleteRolePolicyCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "rerun-bucket";
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const uploads = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Uploads", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/uploads/*` }],
};

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
});

describe("pre-flight on a rerun that has nothing to change", () => {
  it("passes, and says so, when the documents are as planned", async () => {
    const result = await sandbox.run(setupArgs(BUCKET));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("No changes");
    expect(result.stdout).toContain("Pre-flight: the documents grant StageAdmin read access through StageRole, and nothing more");
    expect(result.calls.writes).toEqual([]);
  });

  it("fails, naming the statement, when a grant beyond the plan was added since", async () => {
    await prod().iam.send(new PutRolePolicyCommand({ RoleName: "StageRole", PolicyName: "uploads", PolicyDocument: JSON.stringify(uploads) }));
    try {
      const result = await sandbox.run(setupArgs(BUCKET));
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain("and nothing more");
      expect(result.stderr).toContain("StageRole cannot write or restore objects of rerun-bucket");
      expect(result.stderr).toContain('statement "Uploads" of inline policy uploads of role StageRole');
      expect(result.calls.writes).toEqual([]);

      const plan = await sandbox.run([...setupArgs(BUCKET), "--plan"]);
      expect(plan.stderr).toContain("Pre-flight: StageRole cannot write or restore objects of rerun-bucket would fail");
      expect(plan.stdout).not.toContain("and nothing more");

      const skipped = await sandbox.run([...setupArgs(BUCKET), "--no-preflight"]);
      expect(skipped.stdout).toContain("Pre-flight skipped (--no-preflight)");
    } finally {
      await prod().iam.send(new DeleteRolePolicyCommand({ RoleName: "StageRole", PolicyName: "uploads" }));
    }
  });
});
