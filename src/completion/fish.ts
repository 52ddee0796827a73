/** The fish script: one `complete` line per command and flag, from the completion model. Pure. */
import type { CommandModel, CompletionModel, FlagModel, ValueKind } from "./model.js";
import { PROFILES_AWK } from "./profiles-awk.js";

export function fishScript(model: CompletionModel): string {
  return [
    "# xacct completion for fish. Install one of:",
    "#   xacct completion fish > ~/.config/fish/completions/xacct.fish",
    "#   xacct completion fish | source",
    FISH_FUNCTIONS,
    "complete -c xacct -f",
    ...model.commands.map((c) => `complete -c xacct -n __fish_use_subcommand -a ${quote(c.name)} -d ${quote(c.description)}`),
    ...model.globalFlags.map((f) => flagLine(f, undefined)),
    ...model.commands.flatMap((c) => commandLines(c, new Set(model.globalFlags))),
    "",
  ].join("\n");
}

function commandLines(command: CommandModel, global: Set<FlagModel>): string[] {
  const lines = command.flags.filter((f) => !global.has(f)).map((f) => flagLine(f, command.name));
  if (command.argument.kind === "values") {
    lines.push(`complete -c xacct -n ${quote(seen(command.name))} -a ${quote(command.argument.values.join(" "))}`);
  }
  return lines;
}

function flagLine(flag: FlagModel, command: string | undefined): string {
  const parts = ["complete -c xacct"];
  if (command) parts.push(`-n ${quote(seen(command))}`);
  for (const name of flag.names) parts.push(name.startsWith("--") ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`);
  parts.push(valueArgs(flag.value));
  if (flag.description) parts.push(`-d ${quote(flag.description)}`);
  return parts.filter(Boolean).join(" ");
}

function valueArgs(value: ValueKind): string {
  switch (value.kind) {
    case "flag":
      return "";
    case "text":
      return "-x";
    case "profiles":
      return "-x -a '(__xacct_profiles)'";
    case "setups":
      return "-x -a '(__xacct_setups)'";
    case "dirs":
      return "-x -a '(__fish_complete_directories)'";
    case "files":
      return "-r -F";
    case "values":
      return `-x -a ${quote(value.values.join(" "))}`;
  }
}

function seen(command: string): string {
  return `__fish_seen_subcommand_from ${command}`;
}

/** A fish single-quoted string: only \ and ' are special inside. */
function quote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

const FISH_FUNCTIONS = [
  "function __xacct_profiles",
  "    set -l config $HOME/.aws/config",
  "    set -q AWS_CONFIG_FILE; and set config $AWS_CONFIG_FILE",
  "    set -l credentials $HOME/.aws/credentials",
  "    set -q AWS_SHARED_CREDENTIALS_FILE; and set credentials $AWS_SHARED_CREDENTIALS_FILE",
  "    set -l files",
  "    test -r $config; and set files $files cfg=1 $config",
  "    test -r $credentials; and set files $files cfg=0 $credentials",
  "    test (count $files) -gt 0; or return 0",
  `    awk ${quote(PROFILES_AWK)} $files 2>/dev/null | sort -u`,
  "end",
  "# Setup names come from xacct's state file, through the xacct being completed.",
  "function __xacct_setups",
  "    set -l bin (commandline -opc)[1]",
  "    # As the user's fish reaches it (a function or alias too); quiet when it reaches none.",
  "    if functions -q -- $bin; or command -q -- $bin",
  "        $bin __complete setups 2>/dev/null",
  "    end",
  "end",
].join("\n");
