/**
 * A rerun of the wizard starts from the setup it continues: the remembered profiles, region,
 * mode, bucket and names are the defaults, so Enter keeps them; xacct's own temporary profiles
 * are never offered as admin profiles.
 */
import { describe, expect, it } from "vitest";
import { answer, promptShowing, screen } from "./support/wizard-screen.js";
import { runInProcess, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();

describe("the wizard after a setup", () => {
  it("offers the remembered answers as defaults and never xacct's own TempCred as an admin profile", async () => {
    const first = await sandbox.run(setupArgs("rerun-bucket", ["--role-name", "RerunRole", "--staging-user", "RerunUser"]));
    expect(first.code).toBe(0);

    const run = runInProcess(["setup"], process.env, true);
    const production = await answer("Which profile holds Production admin credentials?");
    expect(production).not.toContain("TempCred");
    expect(production).toMatch(/❯ prod\b/);
    const staging = await answer("Which profile holds Staging admin credentials?");
    expect(staging).not.toContain("TempCred");
    expect(staging).toMatch(/❯ staging\b/);
    await answer("Region for the bucket");
    expect(await answer("How should Staging reach the bucket?")).toMatch(/❯ Through a role/);
    expect(await answer("Name of the Production bucket to share")).toContain("rerun-bucket");
    expect(await answer("Name of the role in Production")).toContain("RerunRole");
    expect(await answer("Name of the role's read-only policy")).toContain("RerunRoleReadObjects");
    expect(await answer("Staging user who will assume the role")).toContain("RerunUser");
    // The earlier run's trust was the recipe's: the question stays open, No keeps it.
    await answer("Harden the role's trust beyond the recipe");
    // The profile is static keys already: Enter keeps that style.
    expect(await answer("How should the profile for Staging be written?")).toMatch(/❯ Static keys/);
    await promptShowing("Key of an object to download");
    const result = await runUntilDone(run);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("No changes: both accounts already match the plan.");
    expect(result.stdout).toContain("= keep   role RerunRole (trust policy)  (no change)");
    expect(result.stdout).toContain(
      "The same setup without questions: xacct setup --production-profile prod --staging-profile staging --region us-east-1 --mode role --bucket rerun-bucket --role-name RerunRole --policy-name RerunRoleReadObjects --staging-user RerunUser --plain-trust --profile-style static --yes",
    );
  });
});

/** Enter at the last prompt (skip the download), then the run's result. */
async function runUntilDone(run: ReturnType<typeof runInProcess>) {
  await answer("Key of an object to download");
  return run;
}

describe("the wizard with two remembered setups", () => {
  it("asks which setup the run continues, and takes that one's answers as defaults", async () => {
    const second = await sandbox.run(setupArgs("second-bucket", ["--role-name", "SecondRole", "--temp-profile", "SecondCred"]));
    expect(second.code).toBe(0);

    const run = runInProcess(["setup"], process.env, true);
    const which = await answer("Which setup do you want to change?");
    expect(which).toContain("rerun-bucket/RerunRole");
    expect(which).toContain("second-bucket/SecondRole");
    expect(which).toContain("A new setup");
    // The first choice (sorted as remembered) is continued: its bucket is the default.
    const chosen = /❯ (\S+)/.exec(which)?.[1];
    await answer("Which profile holds Production admin credentials?");
    await answer("Which profile holds Staging admin credentials?");
    await answer("Region for the bucket");
    await answer("How should Staging reach the bucket?");
    expect(await answer("Name of the Production bucket to share")).toContain(chosen!.split("/")[0]!);
    expect(await answer("Name of the role in Production")).toContain(chosen!.split("/")[1]!);
    await promptShowing("Name of the role's read-only policy");
    screen.keypress({ name: "c", ctrl: true });
    expect((await run).code).toBe(130);
  });
});
