/**
 * What shell completion offers, read from the commander program itself (its commands, their
 * options and arguments), so a flag added anywhere is offered without touching the scripts.
 * Pure: a program in, a plain description out.
 */
import type { Command, Option } from "commander";

/** What a flag's value (or a positional argument) completes to. */
export type ValueKind =
  | { kind: "flag" } // takes no value
  | { kind: "text" } // any text: nothing to offer
  | { kind: "profiles" }
  | { kind: "setups" }
  | { kind: "dirs" }
  | { kind: "files" }
  | { kind: "values"; values: string[] };

export interface FlagModel {
  /** Every spelling: `--profile`, and `-y` beside `--yes`. */
  names: string[];
  value: ValueKind;
  description: string;
}

export interface CommandModel {
  name: string;
  description: string;
  /** The command's own flags, then the program's (commander takes those anywhere). */
  flags: FlagModel[];
  /** The value of its first positional argument. */
  argument: ValueKind;
  /** It runs another program (a variadic argument): the words from the program on are that program's. */
  runsProgram: boolean;
}

export interface CompletionModel {
  globalFlags: FlagModel[];
  commands: CommandModel[];
}

/** Values of flags that check them in xacct's own words rather than commander's choices. */
const KNOWN_VALUES: Record<string, string[]> = {
  "--mode": ["role", "resource-policy"],
  "--profile-style": ["static", "role", "process"],
};

export function completionModel(program: Command): CompletionModel {
  const help = program.createHelp();
  // visibleOptions: the options --help lists, -h/--help included.
  const globalFlags = help.visibleOptions(program).map(flagModel);
  const commands = help
    .visibleCommands(program)
    .filter((c) => c.name() !== "help")
    .map((command) => ({
      name: command.name(),
      description: firstSentence(command.description()),
      flags: [...help.visibleOptions(command).map(flagModel), ...globalFlags.filter((g) => !g.names.includes("--help"))],
      argument: argumentValue(command),
      runsProgram: command.registeredArguments.some((a) => a.variadic),
    }));
  return { globalFlags, commands };
}

function flagModel(option: Option): FlagModel {
  const names = [option.long, option.short].filter((n): n is string => n !== undefined);
  return { names, value: valueOf(option), description: firstSentence(option.description) };
}

function valueOf(option: Option): ValueKind {
  if (!option.required && !option.optional) return { kind: "flag" };
  const long = option.long ?? "";
  if (option.argChoices) return { kind: "values", values: [...option.argChoices] };
  const known = KNOWN_VALUES[long];
  if (known) return { kind: "values", values: known };
  if (long === "--setup") return { kind: "setups" };
  if (/(^--|-)profile$/.test(long)) return { kind: "profiles" };
  if (long.endsWith("-dir")) return { kind: "dirs" };
  if (long.endsWith("-file")) return { kind: "files" };
  return { kind: "text" };
}

function argumentValue(command: Command): ValueKind {
  const first = command.registeredArguments[0];
  if (!first) return { kind: "text" };
  return first.argChoices ? { kind: "values", values: [...first.argChoices] } : { kind: "text" };
}

function firstSentence(text: string): string {
  const line = text.split(/[.;](?:\s|$)| \(/)[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
