/**
 * Names the wizard offers or takes must be ones xacct itself accepts: a profile name that
 * --production-profile would refuse is not offered, and a role name another remembered setup
 * owns is neither the default nor accepted at its question: it is asked again on the spot.
 */
import { appendFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { runInProcess, setupArgs, useSandbox } from "./support/sandbox.js";
import { answer, clearInput, promptShowing, screen } from "./support/wizard-screen.js";

const sandbox = useSandbox();

beforeAll(async () => {
  // Setup A: own-bucket-a with xacct's default role name.
  const made = await sandbox.run(setupArgs("own-bucket-a"));
  expect(made.code).toBe(0);
  // A section whose name holds a space (and shell syntax): not a name xacct's flags take.
  await appendFile(sandbox.credentialsFile, "\n[pr$(touch pwned)od]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = secret\n");
});

describe("names in the wizard", () => {
  it("does not offer a profile name xacct refuses, and asks again for a role another setup owns", async () => {
    const run = runInProcess(["setup"], process.env, true);
    const profiles = await answer("Which profile holds Production admin credentials?");
    expect(profiles).toContain("prod");
    expect(profiles).not.toContain("pr$(");
    await answer("Which profile holds Staging admin credentials?");
    await answer("Region for the bucket");
    await answer("How should Staging reach the bucket?");
    await promptShowing("Name of the Production bucket to share");
    clearInput();
    await answer("Name of the Production bucket to share", "other-bucket-b");
    // Setup A's role is not pre-filled for another bucket.
    const role = await promptShowing("Name of the role in Production");
    expect(role).toContain("StageRole2");
    clearInput();
    screen.type("StageRole");
    screen.keypress("enter");
    expect(await promptShowing("belongs to xacct setup own-bucket-a/StageRole")).toContain("Name of the role in Production");
    clearInput();
    await answer("Name of the role in Production", "OtherRole");
    expect(await promptShowing("Name of the role's read-only policy")).toContain("OtherRoleReadObjects");
    screen.keypress({ name: "c", ctrl: true });
    const result = await run;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("--bucket other-bucket-b --role-name OtherRole --yes");
  });
});
