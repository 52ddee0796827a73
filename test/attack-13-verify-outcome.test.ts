/**
 * Attack 13-d D8: `xacct list` showed "verified <time>" after a verify that failed. verify
 * records its outcome (passed / failed / could not tell) with the time; list and list --json show it.
 */
import { AttachRolePolicyCommand, DetachRolePolicyCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const POLICY = "arn:aws:iam::111111111111:policy/Conc3ReadObjects";

async function listed(): Promise<{ text: string; json: { lastVerifiedAt: string | null; lastVerifyOutcome: string | null } }> {
  const text = (await sandbox.run(["list"])).stdout;
  const json = JSON.parse((await sandbox.run(["list", "--json"])).stdout).setups[0];
  return { text, json };
}

describe("list after verify", () => {
  it("shows a failed verify as failed, and a passing one as passed", async () => {
    // Given a setup whose role lost its read policy
    const setup = await sandbox.run(setupArgs("conc3-d", ["--role-name", "Conc3", "--policy-name", "Conc3ReadObjects", "--temp-profile", "C3"]));
    expect(setup.code, setup.stderr).toBe(0);
    expect((await listed()).json.lastVerifyOutcome).toBeNull();
    await prod().iam.send(new DetachRolePolicyCommand({ RoleName: "Conc3", PolicyArn: POLICY }));

    // When verify fails
    expect((await sandbox.run(["verify", "--setup", "conc3-d"])).code).toBe(1);

    // Then list says it failed, not "verified"
    const failed = await listed();
    expect(failed.text).toMatch(/verify +failed \d{4}-\d\d-\d\dT\S+ \(\d+ min ago\)/);
    expect(failed.text).not.toMatch(/verified +\d{4}/);
    expect(failed.json.lastVerifyOutcome).toBe("failed");
    expect(failed.json.lastVerifiedAt).toMatch(/^\d{4}-/);

    // And once the policy is back, a passing verify shows as passed, also after a rerun of setup
    await prod().iam.send(new AttachRolePolicyCommand({ RoleName: "Conc3", PolicyArn: POLICY }));
    expect((await sandbox.run(["verify", "--setup", "conc3-d"])).code).toBe(0);
    expect((await sandbox.run(setupArgs("conc3-d", ["--role-name", "Conc3", "--policy-name", "Conc3ReadObjects", "--temp-profile", "C3"]))).code).toBe(0);
    const passed = await listed();
    expect(passed.text).toMatch(/verify +passed \d{4}-\d\d-\d\dT\S+ \(\d+ min ago\)/);
    expect(passed.json.lastVerifyOutcome).toBe("passed");
  }, 120_000);
});
