/** `xacct completion SHELL`: the script for that shell, generated from the program it is part of. */
import type { Command } from "commander";
import { invalidInput } from "../errors.js";
import { fishScript } from "./fish.js";
import { completionModel } from "./model.js";
import { bashScript, zshScript } from "./posix.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;

export function completionScript(shell: string, program: Command): string {
  const model = completionModel(program);
  if (shell === "bash") return bashScript(model);
  if (shell === "zsh") return zshScript(model);
  if (shell === "fish") return fishScript(model);
  throw invalidInput(
    `xacct has no completion script for ${JSON.stringify(shell)}: it writes them for bash, zsh or fish.`,
    "Run xacct completion bash, zsh or fish.",
  );
}
