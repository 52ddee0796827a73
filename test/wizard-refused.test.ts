/**
 * A refused answer is asked again at its own question, with the reason, and never lost: a
 * Staging profile in the Production account, a mistyped profile, a trusted principal outside
 * Staging. On a failure the wizard prints the answers given so far as one command. Unattended,
 * a bucket name another account owns is one sentence, exit 2, before any write.
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isReadOperation } from "../src/aws/call-log.js";
import { writeSandboxProfiles } from "../src/localaws/bootstrap.js";
import { clientsFor } from "./support/accounts.js";
import { runInProcess, setupArgs, useSandbox } from "./support/sandbox.js";
import { answer, clearInput, promptShowing, screen, selectAskedAgain } from "./support/wizard-screen.js";

const sandbox = useSandbox();

beforeAll(async () => {
  // A second profile in the Production account: the wrong answer for Staging.
  await writeSandboxProfiles(
    join(sandbox.dir, "aws"),
    { prod: sandbox.prod, "prod-too": sandbox.prod, staging: sandbox.staging },
    { endpoint: sandbox.moto.endpoint },
  );
  await clientsFor(sandbox.moto.endpoint, sandbox.staging).s3.send(new CreateBucketCommand({ Bucket: "staging-owns-this" }));
});

describe("answers the wizard refuses", () => {
  it("asks for the Staging profile again when it is in the Production account, and a typo at once", async () => {
    const run = runInProcess(["setup"], process.env, true);
    await answer("Which profile holds Production admin credentials?");
    // prod is taken; prod-too comes first, and is in the same account.
    expect(await answer("Which profile holds Staging admin credentials?")).toMatch(/❯ prod-too/);
    const again = await selectAskedAgain("Which profile holds Staging admin credentials?");
    expect(again).not.toContain("Region for the bucket");
    // A typed name that is no profile is refused inside the prompt.
    screen.keypress("down");
    screen.keypress("down");
    await answer("Type another name…");
    await answer("Staging profile name", "stagign");
    expect(await promptShowing('Profile "stagign" is not in your AWS config')).toContain("Staging profile name");
    for (let i = 0; i < 7; i++) screen.keypress("backspace");
    screen.type("staging");
    screen.keypress("enter");
    await answer("Region for the bucket");
    // Ctrl-C at the next question: the answers so far are printed as a command.
    await promptShowing("How should Staging reach the bucket?");
    screen.keypress({ name: "c", ctrl: true });
    const result = await run;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("! Profiles prod and prod-too are both in account 111111111111; cross-account access needs two different accounts.");
    expect(result.stderr).toContain(
      "Your answers, to run again without questions: xacct setup --production-profile prod --staging-profile staging --region us-east-1 --yes",
    );
    expect(result.stderr).toContain("✘ Cancelled at a prompt");
  });

  it("refuses a trusted principal outside Staging at the question", async () => {
    const run = runInProcess(
      ["setup", "--production-profile", "prod", "--staging-profile", "staging", "--region", "us-east-1", "--mode", "role", "--bucket", "principal-bucket"],
      process.env,
      true,
    );
    await answer("Name of the role in Production");
    await answer("Name of the role's read-only policy");
    await answer("Staging user who will assume the role");
    await answer("Harden the role's trust", "y");
    await answer("Trust only these users or roles", "arn:aws:iam::111111111111:user/ProdAdmin");
    expect(await promptShowing("not in Staging")).toContain(
      "arn:aws:iam::111111111111:user/ProdAdmin is in account 111111111111, not in Staging (222222222222)",
    );
    clearInput();
    screen.type("arn:aws:iam::222222222222:user/StageAdmin");
    screen.keypress("enter");
    await promptShowing("Require an external ID?");
    screen.keypress({ name: "c", ctrl: true });
    const result = await run;
    expect(result.code).toBe(130);
  });

  it("unattended, refuses a bucket name another account owns before any write (exit 2)", async () => {
    const result = await sandbox.run(setupArgs("staging-owns-this"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "✘ The bucket name staging-owns-this belongs to another AWS account (bucket names are global), so Production cannot create or share it.",
    );
    expect(result.calls.calls.filter((c) => !isReadOperation(c.operation))).toEqual([]);
    expect(existsSync(sandbox.statePath)).toBe(false);
  });
});
