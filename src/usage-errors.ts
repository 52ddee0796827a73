/**
 * Commander's usage errors ("error: required option '--out-dir <dir>' not specified") as
 * xacct's own: one sentence, a hint naming the help to read, exit 2. Pure.
 */
import { invalidInput, type XacctError } from "./errors.js";

export interface UsageMistake {
  /** Commander's error code, e.g. commander.unknownOption. */
  code: string;
  /** Commander's message, "error: …", perhaps followed by "(Did you mean …?)". */
  message: string;
  /** For too many arguments: the ones beyond what the command takes. */
  extra?: string[] | undefined;
}

/** `command`: the subcommand the user ran, when there was one. */
export function usageError(mistake: UsageMistake, command: string | undefined): XacctError {
  const [first = "", ...rest] = mistake.message.split("\n");
  const said = first.replace(/^error:\s*/, "");
  const suggestion = /\(Did you mean (.+?)\?\)/.exec(rest.join(" "))?.[1];
  const who = command ? `xacct ${command}` : "xacct";
  const help = mistake.code === "commander.unknownCommand" ? "Run `xacct --help` for the commands." : `Run \`${who} --help\` for its options.`;
  return invalidInput(sentence(mistake, said, who), `${suggestion ? `Did you mean ${suggestion}? ` : ""}${help}`);
}

function sentence({ code, extra }: UsageMistake, said: string, who: string): string {
  const quoted = /'([^']+)'/.exec(said)?.[1];
  switch (code) {
    case "commander.missingMandatoryOptionValue":
      return `${who} needs ${quoted}.`;
    case "commander.unknownOption":
      return `${who} has no option ${quoted}.`;
    case "commander.optionMissingArgument":
      return `${quoted} needs a value.`;
    case "commander.missingArgument":
      return `${who} needs the argument <${quoted}>.`;
    case "commander.invalidArgument": {
      const [, flags, value, allowed] = /option '([^']+)' argument '([^']*)' is invalid\.\s*(.*)/.exec(said) ?? [];
      return flags ? `${flags} cannot be ${JSON.stringify(value)}${allowed ? `: ${lowerFirst(allowed)}` : "."}` : capitalised(said);
    }
    case "commander.unknownCommand":
      return `xacct has no command ${quoted}.`;
    case "commander.excessArguments": {
      const [, expected, got] = /Expected (\d+) arguments? but got (\d+)/.exec(said) ?? [];
      const takes = expected === "0" ? "takes no arguments" : `takes at most ${expected} argument${expected === "1" ? "" : "s"}`;
      const given = extra && extra.length > 0 ? `: ${extra.map((a) => JSON.stringify(a)).join(", ")}` : ` ${got}`;
      return got ? `${who} ${takes}, but was given${given}.` : capitalised(said);
    }
    default:
      return capitalised(said);
  }
}

function capitalised(text: string): string {
  const trimmed = text.trim();
  const withStop = /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
  return `${withStop.charAt(0).toUpperCase()}${withStop.slice(1)}`;
}

function lowerFirst(text: string): string {
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
