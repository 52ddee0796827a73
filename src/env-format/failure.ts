/**
 * What `xacct env` prints on stdout when it fails: `eval "$(xacct env)"` evaluates it, and
 * evaluating nothing succeeds, so `&&`, `; and` and `set -e` would go on with the shell's old
 * credentials. One statement that fails when evaluated stops them; the exit code stays. Only
 * for the formats a shell evaluates, and never to a terminal (there it would only be noise).
 * A format xacct could not read (a bad --format) gets `false`, which fails in sh and fish. Pure.
 */
const FAILING: Record<string, string | undefined> = {
  sh: "false\n",
  fish: "false\n",
  powershell: "throw 'xacct env failed: see the message above'\n",
  dotenv: undefined,
  json: undefined,
};

/** `argv`: xacct's own words, the subcommand already known to be env. */
export function envFailureText(argv: readonly string[]): string | undefined {
  if (argv.includes("--json")) return undefined; // a JSON document was printed instead
  let format = "sh";
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === "--format") format = argv[i + 1] ?? format;
    else if (word.startsWith("--format=")) format = word.slice("--format=".length);
  }
  return failingStatement(format);
}

/** The failing statement for one --format (a format xacct does not know: `false`). */
export function failingStatement(format: string): string | undefined {
  return format in FAILING ? FAILING[format] : "false\n";
}
