/**
 * Pre-flight's refusals name the cause a user can act on: which flag made the plan wrong and
 * what to change, never the evaluator's stand-ins ("the caller's own permissions, assumed to
 * allow") and never "run xacct setup", which is what the user is doing.
 */
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
const OTHER = "arn:aws:iam::222222222222:user/Other";
const STAGE_ADMIN = "arn:aws:iam::222222222222:user/StageAdmin";

function expectActionableRefusal(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("Setup refused before changing anything");
  expect(result.stderr).not.toContain("assumed to allow");
  expect(result.stderr).not.toContain("assumed to admit");
  // The only setup command a refusal names is a changed one (--no-preflight, or other flags).
  expect(result.stderr).not.toMatch(/[Rr]un `xacct setup`/);
  expect(result.calls.writes).toEqual([]);
}

describe("a --trust-principal that leaves out the Staging user", () => {
  it("role mode: names the principal, the user, Staging's account and the flags to change", async () => {
    const result = await sandbox.run(setupArgs("pf-principal-bucket", ["--role-name", "PfRole", "--trust-principal", OTHER]));
    expectActionableRefusal(result);
    const text = result.stderr.replace(/\s+/g, " ");
    expect(text).toContain(`--trust-principal names only ${OTHER}`);
    expect(text).toContain(`not the Staging user ${STAGE_ADMIN}`);
    expect(text).toContain(`add --trust-principal ${STAGE_ADMIN}`);
    expect(text).toContain("--staging-user Other");
    expect(text).toContain("222222222222");
  });

  it("resource-policy mode: the same cause for the bucket's grant", async () => {
    const result = await sandbox.run(setupArgs("pf-direct-bucket", ["--mode", "resource-policy", "--role-name", "PfDirect", "--trust-principal", OTHER]));
    expectActionableRefusal(result);
    const text = result.stderr.replace(/\s+/g, " ");
    expect(text).toContain(`--trust-principal names only ${OTHER}`);
    expect(text).toContain(`add --trust-principal ${STAGE_ADMIN}`);
  });

  it("naming the Staging user among others is accepted", async () => {
    const result = await sandbox.run(setupArgs("pf-both-bucket", ["--role-name", "PfBoth", "--trust-principal", OTHER, "--trust-principal", STAGE_ADMIN]));
    expect(result.code).toBe(0);
  });
});

describe("a refusal by someone else's statement names it, and only what to do about it", () => {
  it("a Deny in an existing role's trust", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const trust = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Ec2", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        { Sid: "NoStaging", Effect: "Deny", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" },
      ],
    };
    await prod.iam.send(new CreateRoleCommand({ RoleName: "PfDenied", AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const result = await sandbox.run(setupArgs("pf-denied-bucket", ["--role-name", "PfDenied", "--temp-profile", "PfDeniedCred"]));
    expectActionableRefusal(result);
    expect(result.stderr).toContain('Remove or narrow statement "NoStaging" of trust policy of role PfDenied');
  });
});

describe("verify names no stand-in either", () => {
  it("a trust that does not admit the user is said plainly", async () => {
    const forced = await sandbox.run(
      setupArgs("pf-forced-bucket", ["--role-name", "PfForced", "--trust-principal", OTHER, "--no-preflight", "--temp-profile", "PfForcedCred"]),
    );
    expect(forced.code).toBe(0);
    const verify = await sandbox.run(["verify", "--setup", "pf-forced-bucket/PfForced"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("✘ the trust policy of PfForced admits StageAdmin");
    expect(verify.stdout).toContain(`trust policy of role PfForced does not admit ${STAGE_ADMIN}`);
    expect(verify.stdout).not.toContain("assumed to allow");
  });
});
