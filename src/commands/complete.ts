/**
 * `xacct __complete setups`: the names the completion scripts offer for --setup, one a line.
 * Hidden: for the scripts, not for people. Reads the state file only (no AWS, no secret).
 */
import { loadSetups, setupIdOf } from "../state.js";
import type { CommandContext } from "./context.js";

export async function completeCommand(what: string, ctx: CommandContext): Promise<void> {
  if (what !== "setups") return;
  const setups = await loadSetups(ctx.statePath).catch(() => []);
  ctx.stdout.write(setups.map((s) => `${setupIdOf(s)}\n`).join(""));
}
