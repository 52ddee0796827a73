/**
 * A reused role with a path (`/team/PathRole`) has the ARN `role/team/PathRole`, not
 * `role/PathRole`: the Staging user's inline policy, the state, verify, the test and teardown
 * must all use the ARN as IAM reports it, or Staging is granted a role that does not exist.
 */
import { CreateRoleCommand, GetRoleCommand, GetUserPolicyCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);

const PATH_ARN = "arn:aws:iam::111111111111:role/team/PathRole";

describe("a reused role with a path", () => {
  it("is granted, remembered, verified and torn down by its real ARN", async () => {
    // Given a role under the path /team/ that another team made
    await prod().iam.send(
      new CreateRoleCommand({ RoleName: "PathRole", Path: "/team/", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }),
    );
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "PathRole" }))).Role?.Arn).toBe(PATH_ARN);

    // When setup reuses it
    const setup = await sandbox.run(setupArgs("path-bucket", ["--role-name", "PathRole"]));
    expect(setup.code, setup.stderr).toBe(0);

    // Then the Staging user may assume exactly that role, and everything says its real ARN
    const inline = await staging().iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-PathRole" }));
    expect(parsePolicyDocument(inline.PolicyDocument!).Statement[0]!.Resource).toBe(PATH_ARN);
    expect(setup.stdout).toContain(`assume ${PATH_ARN} as profile staging`);
    expect(setup.stdout).toContain(`Setup complete. Staging reads s3://path-bucket/* through ${PATH_ARN}.`);
    expect(setup.stdout, setup.stdout).not.toMatch(/:role\/PathRole\b/);
    const state = JSON.parse(await readFile(sandbox.statePath, "utf8")) as { setups: Record<string, { roleArn: string }> };
    expect(Object.values(state.setups).map((s) => s.roleArn)).toEqual([PATH_ARN]);

    // And verify judges the assume against that ARN
    const verify = await sandbox.run(["verify", "--json"]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect((JSON.parse(verify.stdout) as { roleArn: string }).roleArn).toBe(PATH_ARN);

    // And a rerun finds nothing to change
    const rerun = await sandbox.run(setupArgs("path-bucket", ["--role-name", "PathRole", "--plan"]));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain("No changes");

    // And teardown recognises its inline policy (written for the real ARN) and removes it
    const teardown = await sandbox.run(["teardown", "--yes"]);
    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toMatch(/Inline policy xacct-assume-PathRole of user StageAdmin — deleted/);
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "PathRole" }))).Role?.Arn).toBe(PATH_ARN);
  });

  it("corrects the Staging policy an older xacct wrote for the path-less ARN", async () => {
    await prod().iam.send(
      new CreateRoleCommand({ RoleName: "PathRole2", Path: "/team/", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }),
    );
    const old = {
      Version: "2012-10-17",
      Statement: [{ Sid: "XacctAssumeProductionRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/PathRole2" }],
    };
    await staging().iam.send(new PutUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-PathRole2", PolicyDocument: JSON.stringify(old) }));

    const setup = await sandbox.run(setupArgs("path-bucket-2", ["--role-name", "PathRole2"]));

    expect(setup.code, setup.stderr).toBe(0);
    const inline = await staging().iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-PathRole2" }));
    expect(parsePolicyDocument(inline.PolicyDocument!).Statement[0]!.Resource).toBe("arn:aws:iam::111111111111:role/team/PathRole2");
  });
});
