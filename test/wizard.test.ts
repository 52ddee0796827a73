/**
 * The setup wizard driven through its real prompts (@inquirer/prompts, rendered on
 * @inquirer/testing's virtual screen), through all three stages, as a person would answer.
 */
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { runInProcess, useSandbox } from "./support/sandbox.js";
import { answer, askedAgain, promptShowing, screen } from "./support/wizard-screen.js";

const sandbox = useSandbox();

describe("xacct setup as an interactive wizard", () => {
  it("walks the three stages, asks again for a taken bucket name on the spot, and downloads a test object", async () => {
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await staging.s3.send(new CreateBucketCommand({ Bucket: "name-staging-owns" }));
    await prod.s3.send(new CreateBucketCommand({ Bucket: "wizard-bucket" }));
    await prod.s3.send(new PutObjectCommand({ Bucket: "wizard-bucket", Key: "Sunset.jpg", Body: "sunset", ContentType: "image/jpeg" }));

    const run = runInProcess(["setup"], { ...process.env, HOME: sandbox.dir }, true);

    const profiles = await answer("Which profile holds Production admin credentials?", "");
    expect(profiles).toContain("prod");
    expect(profiles).toContain("staging");
    expect(profiles).toContain("Type another name");
    const stagingChoices = await answer("Which profile holds Staging admin credentials?", "");
    expect(stagingChoices).not.toMatch(/\bprod\b/);
    expect(await answer("Region for the bucket", "")).toContain("us-east-1");
    expect(await answer("How should Staging reach the bucket?", "")).toContain("Through the bucket policy");
    await answer("Name of the Production bucket to share", "Not_Valid");
    expect(await promptShowing("is not a valid bucket name")).toContain("lowercase letters");
    screen.keypress({ name: "u", ctrl: true }); // clear the line
    for (let i = 0; i < 12; i++) screen.keypress("backspace");
    screen.type("name-staging-owns");
    screen.keypress("enter");
    // Refused before the next question, and the same question asked again.
    expect(await askedAgain("Name of the Production bucket to share", "name-staging-owns")).not.toContain("Name of the role in Production");
    screen.type("wizard-bucket");
    screen.keypress("enter");
    expect(await answer("Name of the role in Production", "")).toContain("StageRole");
    expect(await answer("Name of the role's read-only policy", "")).toContain("StageRoleReadObjects");
    expect(await answer("Staging user who will assume the role", "")).toContain("StageAdmin");
    expect(await answer("Harden the role's trust beyond the recipe", "")).toContain("(y/N)");
    await answer("Apply this plan?", "y");
    const styles = await promptShowing("How should the profile for Staging be written?");
    expect(styles).toContain("Role profile (recommended)");
    screen.keypress("down");
    expect(await promptShowing("No expiring keys on disk")).toContain("❯ Role profile");
    screen.keypress("enter");
    await answer("Key of an object to download as a test", "Sunset.jpg");

    const result = await run;
    expect(result.stderr).toContain("The bucket name name-staging-owns belongs to another AWS account");
    expect(result.stdout.match(/Stage 1 · Production/g)).toHaveLength(1);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("= keep   bucket wizard-bucket  (no change)");
    expect(result.stdout).toContain("Bucket wizard-bucket in us-east-1 — already in place");
    expect(result.stdout).toContain("Role StageRole, trusted by Staging account 222222222222 — created");
    expect(result.stdout).toContain("Downloaded s3://wizard-bucket/Sunset.jpg to Sunset.jpg");
    expect(await readFile(join(sandbox.dir, "Sunset.jpg"), "utf8")).toBe("sunset");
    expect(await readFile(sandbox.configFile, "utf8")).toMatch(
      /\[profile TempCred\]\nrole_arn = arn:aws:iam::111111111111:role\/StageRole\nsource_profile = staging\n/,
    );
  });

  it("answering no to the plan changes nothing", async () => {
    const run = runInProcess(
      [
        "setup",
        "--production-profile",
        "prod",
        "--staging-profile",
        "staging",
        "--bucket",
        "never-made-bucket",
        "--region",
        "us-east-1",
        "--mode",
        "role",
        "--role-name",
        "NeverRole",
      ],
      process.env,
      true,
    );
    await answer("Name of the role's read-only policy", "");
    await answer("Staging user who will assume the role", "");
    await answer("Harden the role's trust beyond the recipe", "");
    await answer("Apply this plan?", "n");
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nothing was changed.");
    expect(result.stdout).not.toContain("Applying");
  });

  it("Ctrl-C at a prompt cancels cleanly with exit code 130", async () => {
    const run = runInProcess(["setup"], process.env, true);
    await promptShowing("Which profile holds Production admin credentials?");
    screen.keypress({ name: "c", ctrl: true });
    const result = await run;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("✘ Cancelled at a prompt; nothing more was changed.\n");
  });
});
