/**
 * Attack 13-d D7: `teardown --yes` on a terminal with several setups showed "Which setup?" with
 * the first highlighted and, because of --yes, removed the one picked with no "Remove these?".
 * --yes never goes with a setup picked from a list: it needs --setup, and is refused otherwise.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { teardownCommand } from "../src/commands/teardown.js";
import { XacctError } from "../src/errors.js";
import { loadSetups, setupIdOf } from "../src/state.js";
import { unattendedPrompter, type Prompter } from "../src/wizard/prompter.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { terminalContext } from "./support/terminal-context.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

describe("teardown --yes with several setups and a terminal", () => {
  it("refuses (exit 2, naming --setup and the setups) instead of removing a setup picked from a list", async () => {
    // Given two remembered setups
    for (const [bucket, role] of [
      ["alpha-d", "AlphaRole"],
      ["beta-d", "BetaRole"],
    ]) {
      const run = await sandbox.run(setupArgs(bucket, ["--role-name", role!, "--temp-profile", `${role}Cred`]));
      expect(run.code, run.stderr).toBe(0);
    }
    // When teardown --yes runs on a terminal where Enter takes the highlighted (first) setup
    const asked: string[] = [];
    const unattended = unattendedPrompter();
    const prompter: Prompter = {
      ...unattended,
      select: async (q) => (asked.push(q.message), q.choices[0]!.value),
      confirm: async (q) => (asked.push(q.message), true),
    };
    const { ctx, printed } = terminalContext(sandbox.statePath, prompter);
    const error = await teardownCommand({ yes: true }, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Then it is refused before any question or AWS call, naming --setup and both setups
    expect(error, printed()).toBeInstanceOf(XacctError);
    expect((error as XacctError).exitCode).toBe(2);
    expect((error as XacctError).message).toContain("--setup");
    expect(`${(error as XacctError).message} ${(error as XacctError).hint}`).toContain("alpha-d/AlphaRole, beta-d/BetaRole");
    expect(asked).toEqual([]);
    expect(ctx.calls.calls).toEqual([]);
    // And both setups are still there
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "AlphaRole" }))).Role).toBeTruthy();
    expect((await loadSetups(sandbox.statePath)).map(setupIdOf)).toEqual(["alpha-d/AlphaRole", "beta-d/BetaRole"]);

    // Without --yes the picker still works, and the picked setup is confirmed with "Remove these?"
    const { ctx: ctx2 } = terminalContext(sandbox.statePath, { ...prompter, confirm: async (q) => (asked.push(q.message), false) });
    expect(await teardownCommand({}, ctx2)).toBe(0);
    expect(asked).toEqual(["Which setup?", "Remove these?"]);
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "AlphaRole" }))).Role).toBeTruthy();
  }, 120_000);
});
