/**
 * Where the command of `xacct exec [options] COMMAND [ARGS…]` starts, as `env`, `sudo` and
 * `aws-vault exec` decide it: at the first word that is neither one of xacct's options nor an
 * option's value, or after `--`. Everything from there is the command's, even words that look
 * like xacct's options (`xacct exec aws s3 ls --debug`). Pure.
 */

/** How an option is spelled on the command line: whether it takes the next word as its value. */
export type OptionArity = (flag: string) => "value" | "flag" | undefined;

/**
 * xacct's words and the command's: the parser sees only xacct's, so no word of the command is
 * ever read as xacct's. `command` is undefined when the subcommand is not `subcommand`, and
 * empty when no command was given.
 */
export function splitCommand(
  argv: readonly string[],
  subcommand: string,
  globalArity: OptionArity,
  subcommandArity: OptionArity,
): { xacct: string[]; command: string[] | undefined } {
  const at = subcommandIndex(argv, globalArity);
  if (at === undefined || argv[at] !== subcommand) return { xacct: [...argv], command: undefined };
  const arity = (flag: string) => subcommandArity(flag) ?? globalArity(flag);
  for (let i = at + 1; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === "--") return { xacct: argv.slice(0, i), command: argv.slice(i + 1) };
    if (!isOption(word)) return { xacct: argv.slice(0, i), command: argv.slice(i) };
    if (!word.includes("=") && arity(word) === "value") i += 1;
  }
  return { xacct: [...argv], command: [] };
}

/** The index of the first word that is not a global option or its value. */
function subcommandIndex(argv: readonly string[], globalArity: OptionArity): number | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === "--") return undefined;
    if (!isOption(word)) return i;
    if (!word.includes("=") && globalArity(word) === "value") i += 1;
  }
  return undefined;
}

function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith("-");
}
