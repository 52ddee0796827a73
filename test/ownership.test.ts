/**
 * What is not xacct's stays untouched (review findings): the admin profiles, another setup's
 * role, a role xacct did not make, a managed policy attached elsewhere, a stronger trust on a
 * rerun without flags, and a mode switch that would leave old grants behind.
 */
import { AttachUserPolicyCommand, CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

describe("xacct never takes what is not its own", () => {
  it("refuses to write the temporary profile over a profile it uses, before any change", async () => {
    const config = await readFile(sandbox.configFile, "utf8");
    const credentials = await readFile(sandbox.credentialsFile, "utf8");
    const setup = await sandbox.run(setupArgs("own-bucket", ["--temp-profile", "staging"]));
    expect(setup.code).toBe(2);
    expect(setup.stderr).toContain("xacct will not write profile staging");
    expect(setup.calls.writes).toEqual([]);
    expect((await sandbox.run(setupArgs("own-bucket"))).code).toBe(0);
    const assume = await sandbox.run(["assume", "--write-profile", "staging", "--profile-style", "role"]);
    expect(assume.code).toBe(2);
    const other = await sandbox.run(["assume", "--write-profile", "prod"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`[prod] in ${sandbox.credentialsFile} holds long-term keys that xacct did not write`);
    expect(await readFile(sandbox.credentialsFile, "utf8")).toBe(credentials);
    expect((await readFile(sandbox.configFile, "utf8")).startsWith(config)).toBe(true);
  });

  it("replaces a hand-made profile of temporary keys (the recipe's TempCred), but not one with long-term keys", async () => {
    const { appendFile } = await import("node:fs/promises");
    await appendFile(
      sandbox.configFile,
      "\n[profile HandTemp]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = old\naws_security_token = old-token\nregion = us-west-2\n",
    );
    await appendFile(sandbox.credentialsFile, "\n[HandLong]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = keep-me\n");
    expect((await sandbox.run(["assume", "--write-profile", "HandTemp"])).code).toBe(0);
    const refused = await sandbox.run(["assume", "--write-profile", "HandLong"]);
    expect(refused.code).toBe(2);
    expect(await readFile(sandbox.credentialsFile, "utf8")).toContain("aws_secret_access_key = keep-me");
  });

  it("a second setup may not take over the first one's role; teardown of one leaves the other", async () => {
    const refused = await sandbox.run(setupArgs("other-bucket", ["--temp-profile", "OtherCred"]));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("role StageRole belongs to xacct setup own-bucket/StageRole");
    expect(refused.calls.writes).toEqual([]);
    expect((await sandbox.run(setupArgs("other-bucket", ["--role-name", "OtherRole", "--temp-profile", "OtherCred"]))).code).toBe(0);
    const teardown = await sandbox.run([
      "teardown",
      "--yes",
      "--bucket",
      "other-bucket",
      "--role-name",
      "OtherRole",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
    ]);
    expect(teardown.code).toBe(0);
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role).toBeTruthy();
  });

  it("uses a role it did not make without dropping its other trust or its session limit, and teardown hands it back", async () => {
    // Their trust admits a service, not another account: a third account would get the bucket's read through the role (pre-flight refuses that).
    const theirs = {
      Version: "2012-10-17",
      Statement: [{ Sid: "Batch", Effect: "Allow", Principal: { Service: "batch.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
    await prod().iam.send(new CreateRoleCommand({ RoleName: "TheirRole", AssumeRolePolicyDocument: JSON.stringify(theirs), MaxSessionDuration: 43200 }));
    expect((await sandbox.run(setupArgs("their-bucket", ["--role-name", "TheirRole", "--temp-profile", "TheirCred"]))).code).toBe(0);
    let role = (await prod().iam.send(new GetRoleCommand({ RoleName: "TheirRole" }))).Role!;
    expect(parsePolicyDocument(role.AssumeRolePolicyDocument!).Statement.map((s) => s.Sid)).toEqual([
      "Batch",
      expect.stringMatching(/^XacctTrustStagingAccount[0-9a-f]{12}$/),
    ]);
    expect(role.MaxSessionDuration).toBe(43200);

    const teardown = await sandbox.run(["teardown", "--yes", "--delete-objects", "--setup", "their-bucket"]);
    expect(teardown.code).toBe(0);
    expect(teardown.stdout).toContain("Remove xacct's statement from the trust policy of role TheirRole — updated");
    role = (await prod().iam.send(new GetRoleCommand({ RoleName: "TheirRole" }))).Role!;
    expect(parsePolicyDocument(role.AssumeRolePolicyDocument!).Statement).toEqual(theirs.Statement);
  });

  it("keeps a managed policy that is attached elsewhere too", async () => {
    expect((await sandbox.run(setupArgs("shared-policy-bucket", ["--role-name", "SharedRole", "--temp-profile", "SharedCred"]))).code).toBe(0);
    await prod().iam.send(new AttachUserPolicyCommand({ UserName: "ProdAdmin", PolicyArn: "arn:aws:iam::111111111111:policy/SharedRoleReadObjects" }));
    const teardown = await sandbox.run(["teardown", "--yes", "--delete-objects", "--setup", "shared-policy-bucket"]);
    expect(teardown.code).toBe(0);
    expect(teardown.stdout).toContain("managed policy SharedRoleReadObjects and all its versions  (it is attached to other roles, users or groups too)");
  });

  it("a rerun without the hardening flags keeps the trust; --plain-trust drops it", async () => {
    const hard = setupArgs("hard-kept-bucket", ["--role-name", "KeptRole", "--temp-profile", "KeptCred", "--external-id", "--org-id", "o-abcdef12345"]);
    expect((await sandbox.run(hard)).code).toBe(0);
    const rerun = await sandbox.run([
      ...setupArgs("hard-kept-bucket", ["--role-name", "KeptRole", "--temp-profile", "KeptCred"]),
      "--plan",
      "--detailed-exitcode",
    ]);
    expect(rerun.code).toBe(0);
    const plain = await sandbox.run([
      ...setupArgs("hard-kept-bucket", ["--role-name", "KeptRole", "--temp-profile", "KeptCred", "--plain-trust"]),
      "--plan",
      "--detailed-exitcode",
    ]);
    expect(plain.code).toBe(2);
  });

  it("refuses to switch a setup's mode in place", async () => {
    const result = await sandbox.run(setupArgs("hard-kept-bucket", ["--role-name", "KeptRole", "--temp-profile", "KeptCred", "--mode", "resource-policy"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("was made in role mode; switching to resource-policy would leave the old mode's grants in place");
  });

  it("tearing down one setup leaves another that the state file remembers intact", async () => {
    expect((await sandbox.run(setupArgs("tb-bucket", ["--role-name", "TbRole", "--temp-profile", "TbCred"]))).code).toBe(0);
    const teardownA = await sandbox.run([
      "teardown",
      "--yes",
      "--delete-objects",
      "--bucket",
      "own-bucket",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
    ]);
    expect(teardownA.code).toBe(0);
    expect(teardownA.stdout).toMatch(/Role StageRole — deleted/);
    expect(teardownA.stdout).not.toContain("TbRole");
    expect((await sandbox.run(["verify", "--setup", "tb-bucket"])).code).toBe(0); // setup B, remembered, still holds
    // Each setup has its own temporary profile: A's goes, B's stays
    expect(teardownA.stdout).toContain("Profile TempCred removed");
    expect(await readFile(sandbox.configFile, "utf8")).toContain("[profile TbCred]");
  });

  it("recognises a role-style profile written before profiles carried xacct's mark", async () => {
    const { appendFile } = await import("node:fs/promises");
    await appendFile(
      sandbox.configFile,
      "\n[profile OldRoleCred]\nrole_arn = arn:aws:iam::111111111111:role/TbRole\nsource_profile = staging\nrole_session_name = xacct-staging\nregion = us-east-1\n",
    );
    expect((await sandbox.run(["assume", "--setup", "tb-bucket", "--write-profile", "OldRoleCred", "--profile-style", "role"])).code).toBe(0);
  });
});
