/**
 * The one way a command after setup finds its setup: load what xacct remembers, choose by
 * --setup and the flags (choose.ts), and when several fit, ask on a terminal or, unattended,
 * exit 2 naming --setup and the choices.
 */
import type { CommandContext } from "../commands/context.js";
import { invalidInput } from "../errors.js";
import { loadSetups, setupIdOf, type SetupState } from "../state-read.js";
import { chooseSetup, setupNames, type SetupRequest } from "./choose.js";

export type { SetupRequest } from "./choose.js";

/** The remembered setup the command acts on, or undefined when none is meant (flags only). */
export async function resolveSetup(
  ctx: Pick<CommandContext, "statePath" | "interactive" | "prompter">,
  request: SetupRequest,
): Promise<SetupState | undefined> {
  const choice = chooseSetup(await loadSetups(ctx.statePath), request);
  if (choice.kind === "found") return choice.setup;
  if (choice.kind === "none") return undefined;
  if (request.noPicking !== undefined) {
    throw invalidInput(
      `xacct ${request.command} ${request.noPicking} does not know which of ${choice.choices.length} setups to act on, and never acts on one picked from a list: give --setup NAME.`,
      `The setups: ${setupNames(choice.choices)} (see \`xacct list\`).`,
    );
  }
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

/**
 * The remembered setup a `setup` run continues (the wizard's defaults come from it): the one
 * its --bucket (and --role-name) name, else the only one, else on a terminal the one the user
 * picks or a new one. Unattended, a setup its flags do not name is none: a new setup.
 */
export async function setupToContinue(
  ctx: Pick<CommandContext, "interactive" | "prompter">,
  flags: { bucket?: string | undefined; roleName?: string | undefined },
  remembered: readonly SetupState[],
): Promise<SetupState | undefined> {
  const choice = chooseSetup(remembered, { command: "setup", bucket: flags.bucket, roleName: flags.roleName });
  if (choice.kind === "found") return choice.setup;
  if (choice.kind === "none" || !ctx.interactive) return undefined;
  const id = await ctx.prompter.select({
    message: "Which setup do you want to change?",
    flag: "--bucket and --role-name",
    choices: [
      ...choice.choices.map((setup) => ({ name: setupIdOf(setup), value: setupIdOf(setup), description: describe(setup) })),
      { name: "A new setup", value: NEW_SETUP },
    ],
  });
  return choice.choices.find((setup) => setupIdOf(setup) === id);
}

/** Not a setup id: ids hold a slash, and this holds none. */
const NEW_SETUP = "new";
