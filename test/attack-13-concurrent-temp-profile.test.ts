/**
 * Attack 13-d D4: two setups run at the same time may both pass the "temporary profile of
 * another setup" check, which reads the state before the plan. The one that records itself
 * second (under the state file's lock, before its first AWS write) must be refused.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { setupCommand } from "../src/commands/setup.js";
import { XacctError } from "../src/errors.js";
import { loadSetups, setupIdOf } from "../src/state.js";
import { unattendedPrompter, type Prompter } from "../src/wizard/prompter.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { terminalContext } from "./support/terminal-context.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

describe("two setups taking one temporary profile at the same time", () => {
  it("refuses the one that records itself second, with exit 2 and nothing written to AWS", async () => {
    // Given setup conc5 at its "Apply this plan?" question, having passed the temp-profile check,
    // while setup conc6 runs meanwhile to completion with the same temporary profile RACE
    let other: { code: number; stderr: string } | undefined;
    const unattended = unattendedPrompter();
    // Enter on every question but the last: its default; "Apply this plan?" after conc6 has run.
    const prompter: Prompter = {
      select: async (q) => q.default ?? unattended.select(q),
      input: async (q) => q.default ?? unattended.input(q),
      confirm: async (q) => {
        if (!q.message.startsWith("Apply this plan")) return q.default ?? false;
        other = await sandbox.run(setupArgs("conc6-d", ["--role-name", "Conc6", "--temp-profile", "RACE"]));
        return true;
      },
    };
    const { ctx, printed } = terminalContext(sandbox.statePath, prompter);
    const options = {
      productionProfile: "prod",
      stagingProfile: "staging",
      bucket: "conc5-d",
      region: "us-east-1",
      roleName: "Conc5",
      tempProfile: "RACE",
      profileStyle: "static",
      mode: "role",
    };

    // When conc5 is confirmed
    const error = await setupCommand(options, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Then conc6 succeeded, and conc5 is refused with exit 2, naming the profile and the fix
    expect(other?.code, `${String(error)}\n${printed()}\n${other?.stderr}`).toBe(0);
    expect(error, printed()).toBeInstanceOf(XacctError);
    expect((error as XacctError).exitCode).toBe(2);
    expect((error as XacctError).message).toContain("Profile RACE is the temporary profile of setup conc6-d/Conc6");
    expect((error as XacctError).hint).toContain("--temp-profile NAME");
    // Nothing of conc5 was made, and only conc6 holds RACE in the state
    await expect(prod().iam.send(new GetRoleCommand({ RoleName: "Conc5" }))).rejects.toThrow();
    await expect(prod().s3.send(new HeadBucketCommand({ Bucket: "conc5-d" }))).rejects.toThrow();
    expect((await loadSetups(sandbox.statePath)).filter((s) => s.tempProfile === "RACE").map(setupIdOf)).toEqual(["conc6-d/Conc6"]);
  }, 120_000);
});
