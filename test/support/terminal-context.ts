/**
 * A command context as a person at a terminal gives it, with every question answered by the
 * prompter the test hands in and everything printed captured: for tests that change AWS
 * while a plan is on screen, which the CLI's closed stdin cannot do.
 */
import { PassThrough } from "node:stream";
import { CallLog } from "../../src/aws/call-log.js";
import type { CommandContext } from "../../src/commands/context.js";
import { Output } from "../../src/ui/output.js";
import type { Prompter } from "../../src/wizard/prompter.js";

export function terminalContext(statePath: string, prompter: Prompter): { ctx: CommandContext; printed: () => string } {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const ctx: CommandContext = {
    out: new Output({ stdout, stderr: stdout }),
    prompter,
    interactive: true,
    env: process.env,
    stdout,
    endpoint: undefined,
    statePath,
    calls: new CallLog(),
    json: false,
    result: {},
  };
  return { ctx, printed: () => text };
}
