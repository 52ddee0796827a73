/**
 * The one way a command after setup finds its setup: load what xacct remembers, choose by
 * --setup and the flags (choose.ts), and when several fit, ask on a terminal or, unattended,
 * exit 2 naming --setup and the choices.
 */
import type { CommandContext } from "../commands/context.js";
import { invalidInput } from "../errors.js";
import { loadSetups, setupIdOf, type SetupState } from "../state.js";
import { chooseSetup, setupNames, type SetupRequest } from "./choose.js";

export type { SetupRequest } from "./choose.js";

/** The remembered setup the command acts on, or undefined when none is meant (flags only). */
export async function resolveSetup(ctx: Pick<CommandContext, "statePath" | "interactive" | "prompter">, request: SetupRequest): Promise<SetupState | undefined> {
  const choice = chooseSetup(await loadSetups(ctx.statePath), request);
  if (choice.kind === "found") return choice.setup;
  if (choice.kind === "none") return undefined;
  if (!ctx.interactive) {
    throw invalidInput(
      `xacct ${request.command} does not know which of ${choice.choices.length} setups to act on: give --setup NAME.`,
      `The setups: ${setupNames(choice.choices)} (see \`xacct list\`).`,
    );
  }
  const id = await ctx.prompter.select({
    message: "Which setup?",
    flag: "--setup",
    choices: choice.choices.map((setup) => ({ name: setupIdOf(setup), value: setupIdOf(setup), description: describe(setup) })),
  });
  return choice.choices.find((setup) => setupIdOf(setup) === id);
}

function describe(setup: SetupState): string {
  const mode = setup.mode === "resource-policy" ? "resource-policy" : `role ${setup.roleName}`;
  return `${setup.productionAccountId} → ${setup.stagingAccountId}, ${mode}`;
}
