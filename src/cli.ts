/**
 * The commander program: commands, global flags, and the exit code. What runs a command
 * (command-run.ts), what prints a failure (cli-failure.ts) and each command's module load on
 * use, so `--help` loads commander and this file only.
 */
import { Argument, Command, CommanderError, Help, Option } from "commander";
import type { Readable, Writable } from "node:stream";
import type { CallLog } from "./aws/call-log.js";
import type { RunResult } from "./command-run.js";
import type { CommandContext } from "./commands/context.js";
import { splitCommand, type OptionArity } from "./exec/command-start.js";
import { isPipeOrFile, writeStdout } from "./std-streams.js";
import { VERSION } from "./version.js";

/** `xacct env --format`, listed here so --help loads no command module. */
const ENV_FORMAT_NAMES = ["sh", "fish", "powershell", "dotenv", "json"];

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  /** Whether questions may be asked; by default, whether stdin and stdout are terminals. */
  interactive?: boolean;
  /** Records the AWS calls of the run; tests pass one in to hold commands to a budget. */
  calls?: CallLog;
  /** Where commander's own output (help, version) goes; by default stdout.write. */
  writeHelp?: (text: string) => void;
}

export async function runCli(given: string[], io: CliIo = processIo()): Promise<number> {
  const result = { exitCode: 0 };
  const program = buildProgram(io, result);
  // `xacct exec … COMMAND ARGS`: only xacct's own words are looked at as xacct's, below too.
  const { argv, parsed } = withCommandApart(program, given);
  try {
    await program.parseAsync(parsed, { from: "user" });
  } catch (error) {
    // Help and version: commander stops with exit code 0 (exitOverride makes it throw).
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    const usage = error instanceof CommanderError ? error : undefined;
    return (await import("./cli-failure.js")).failedRunExitCode({ error, usage, program, globalArity: arityOf(program), argv }, io);
  }
  return result.exitCode;
}

/** xacct's words, and what commander parses: xacct's words, then `--` and the command's, if any. */
function withCommandApart(program: Command, given: string[]): { argv: string[]; parsed: string[] } {
  const exec = program.commands.find((c) => c.name() === "exec");
  if (!exec) return { argv: given, parsed: given };
  const { xacct, command } = splitCommand(given, "exec", arityOf(program), arityOf(exec));
  return { argv: xacct, parsed: command === undefined || command.length === 0 ? xacct : [...xacct, "--", ...command] };
}

/** Whether an option of this command takes the next word as its value. */
function arityOf(command: Command): OptionArity {
  return (flag) => {
    if (flag === "-h" || flag === "--help") return "flag";
    const option = command.options.find((o) => o.long === flag || o.short === flag);
    if (!option) return undefined;
    return option.required || option.optional ? "value" : "flag";
  };
}

function processIo(): CliIo {
  // Getters: the process's streams are built on first use, a cost --help need not pay (std-streams.ts).
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    writeHelp: writeStdout,
  };
}

function buildProgram(io: CliIo, result: RunResult): Command {
  const program = new Command("xacct")
    .description("Safe, quick, boring cross-account access between AWS accounts.")
    .version(VERSION, "-V, --version")
    .option("--endpoint-url <url>", "send AWS calls to this endpoint (default: AWS_ENDPOINT_URL, else AWS)")
    .option("--debug", "show stack traces and SDK details on failure")
    .option("--no-color", "plain output")
    .option("--json", "print one JSON document on stdout (the human report goes to stderr)")
    .exitOverride();
  const { getOutHelpWidth, getOutHasColors } = program.configureOutput();
  program
    .configureOutput({
      writeOut: (text) => (io.writeHelp ? io.writeHelp(text) : io.stdout.write(text)),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors are printed by runCli, as xacct's own.
      outputError: () => undefined,
      // commander's own answers, but a pipe or a file is known to be no terminal without asking
      // process.stdout, which would build the stream: commander's width for it (80), and no
      // colours (xacct's help has none to strip either way).
      getOutHelpWidth: () => (isPipeOrFile(1) ? 80 : getOutHelpWidth!()),
      getOutHasColors: () => (isPipeOrFile(1) ? false : getOutHasColors!()),
    })
    .configureHelp({
      showGlobalOptions: true,
      optionDescription(option) {
        const description = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${description} (required)` : description;
      },
    });

  /** Runs one command (command-run.ts, loaded only then); its returned number, if any, is the exit code. */
  const run: Runner = async (command, body) => (await import("./command-run.js")).runCommand(io, command, result, body);

  addLifecycleCommands(program, run);
  addSessionCommands(program, run);
  addShellCommands(program, run);
  return program;
}

const SETUP_OPTION = ["--setup <name>", "the remembered setup to act on: bucket/role, or a bucket only one setup has (see xacct list)"] as const;

/**
 * The answers setup asks for; teardown, verify and export take the same ones to find (or
 * describe) what setup made, and create nothing, so only setup's help says "created if missing".
 * `omit`: flags this command does not use.
 */
function addTargetOptions(command: Command, how: { creates?: boolean; omit?: readonly string[] } = {}): Command {
  const { creates = false, omit = [] } = how;
  const ifMissing = (what: string) => (creates ? `, created if missing` : what);
  const options: [string, string][] = [
    ["--mode <mode>", "role (Staging assumes a Production role; the recipe) or resource-policy (the bucket grants Staging directly) (default: role)"],
    ["--production-profile <name>", "profile with admin credentials in the Production account"],
    ["--staging-profile <name>", "profile with admin credentials in the Staging account (repeatable: further profiles are further Staging accounts)"],
    ["--bucket <name>", `the Production bucket to share${ifMissing(" (default: what setup remembered)")}`],
    ["--role-name <name>", "role in Production that Staging assumes (default: StageRole)"],
    ["--policy-name <name>", "managed policy allowing s3:GetObject (default: <role-name>ReadObjects)"],
    ["--staging-user <name>", `Staging user who gets access (role mode: may assume the role)${ifMissing("")} (default: StageAdmin)`],
    ["--staging-role <name>", "role mode: an existing Staging role that may assume the role, instead of a user (never created or deleted by xacct)"],
    ["--region <region>", "region of the bucket (default: the Production profile's region, else us-east-1)"],
    ["--temp-profile <name>", "profile for the temporary credentials (default: TempCred)"],
  ];
  for (const [flags, description] of options) {
    if (omit.some((flag) => flags.startsWith(`${flag} `))) continue;
    if (flags.startsWith("--staging-profile")) command.option(flags, description, collect);
    else command.option(flags, description);
  }
  return command;
}

/** For repeatable options: each use adds a value. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

type Runner = (command: Command, body: (ctx: CommandContext) => Promise<number | void>) => Promise<void>;

/** Commands that change or check the accounts: setup, teardown, verify, export. */
function addLifecycleCommands(program: Command, run: Runner): void {
  addTargetOptions(program.command("setup").description("walk the three stages: Production bucket and role, Staging permission, test access"), {
    creates: true,
  })
    .option("--test-key <key>", "download this object after setup, as a test")
    .option(
      "--profile-style <style>",
      "how the temporary profile (--temp-profile) is written: static (keys that expire; default, unless the profile already has another style), role (recommended: the AWS tools refresh it) or process",
    )
    .option("--trust-principal <arn>", "trust this user or role instead of the whole Staging account (repeatable)", collect)
    .option(
      "--trust-sso-permission-set <name>",
      "trust this IAM Identity Center permission set's roles in the Staging account (repeatable); setup prints the policy the permission set must carry",
      collect,
    )
    .option("--external-id [id]", "require this sts:ExternalId (no value: generate a random one)")
    .option("--require-mfa", "require MFA (aws:MultiFactorAuthPresent) to assume the role")
    .option("--mfa-serial <arn>", "with an MFA trust: the device stage 3 assumes the role with (asked in a terminal: the Staging user's devices)")
    .option("--token-code <code>", "with --mfa-serial: the current MFA code, for unattended runs (asked in a terminal)")
    .option("--org-id <id>", "only principals of this AWS Organization (aws:PrincipalOrgID)")
    .option("--max-session-duration <seconds>", "longest session the role allows, 3600 to 43200 (default: 3600)")
    .option("--allow-source-identity", "let callers set a source identity (sts:SetSourceIdentity)")
    .option("--plain-trust", "drop the trust conditions an earlier run added (reruns keep them otherwise)")
    .option("--staging-account <id>", "also trust this Staging account (repeatable); its users are granted where a --staging-profile reaches it", collect)
    .option("--staging-accounts-from-org", "also trust every account of the organization (Organizations ListAccounts, with the Production profile)")
    .option("--ou <id>", "with --staging-accounts-from-org: only the accounts of this organizational unit")
    .option("--harden-bucket", "bring an existing bucket up to Block Public Access, SSE-S3 and BucketOwnerEnforced (new buckets always get them)")
    .option("-y, --yes", "apply the plan without asking")
    .option("--plan", "read only: show what would change, and change nothing")
    .option("--detailed-exitcode", "with --plan: exit 0 when nothing would change, 2 when changes are pending, 1 on error")
    .option("--no-preflight", "apply even when the policy evaluator finds the planned access wrong")
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/setup.js")).setupCommand(options, ctx)));

  addTargetOptions(program.command("teardown").description("remove exactly what setup made (flags as for setup, default: what setup remembered)"))
    .option(...SETUP_OPTION)
    .option("--delete-objects", "also delete the objects of a bucket xacct created, so the bucket can go")
    .option("-y, --yes", "remove without asking")
    .option("--plan", "read only: show what would be removed, and remove nothing")
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/teardown.js")).teardownCommand(options, ctx)));

  addTargetOptions(
    program.command("verify").description("check every hop from the Staging user to the bucket with a policy evaluator (flags as for setup)"),
    // verify judges the role's policies whatever their names, and writes no profile.
    { omit: ["--policy-name", "--temp-profile"] },
  )
    .option(...SETUP_OPTION)
    .option("--live", "also make the real calls: assume the role, read --key, and try a write that must be refused")
    .option("--key <key>", "with --live: an object that exists, to read")
    .option("--external-id <id>", "judge a request with this external ID (default: the one setup made)")
    .option("--no-mfa", "judge a request signed without MFA")
    .option("--org-profile <profile>", "read SCPs and RCPs with this profile (the organization's management or delegated administrator account)")
    .addHelpText(
      "after",
      [
        "",
        "Each check is shown ✔ (holds), ✘ (fails, with the statement and the fix) or ? (cannot tell: it",
        "turns on a fact xacct cannot read, such as aws:SourceIp, or on SCPs it may not read; the",
        "statement is named). A ? never counts as holding.",
        "",
        "Exit codes: 0 every check holds; 1 some check fails; 3 none fails but some cannot be told.",
        '--json: each hop has "ok": true, false or null (cannot tell); "failed" and "undecided" count them.',
      ].join("\n"),
    )
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/verify.js")).verifyCommand(options, ctx)));

  addTargetOptions(
    program
      .command("export")
      .description(
        "write what setup makes as CloudFormation or Terraform (flags as for setup), adopting what exists already (import blocks or import steps); changes nothing in AWS",
      ),
    // export writes no profile.
    { omit: ["--temp-profile"] },
  )
    .option(...SETUP_OPTION)
    .addOption(new Option("--format <format>", "template language").choices(["cloudformation", "terraform"]).makeOptionMandatory())
    .requiredOption("--out-dir <dir>", "directory to write the files to (created if missing)")
    .option("--stackset", "CloudFormation: make the Staging template a service-managed StackSet over --ou (a group, not one user)")
    .option("--ou <id>", "with --stackset: the organizational unit to deploy the StackSet to")
    .option("--force", "replace files of the export's names that xacct export did not write")
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/export.js")).exportCommand(options, ctx)));
}

/** Commands that use what setup made: assume, credentials, console, test-get. */
function addSessionCommands(program: Command, run: Runner): void {
  program
    .command("list")
    .description("show every setup xacct remembers: accounts, bucket, mode, role, temporary profile and its expiry, last verify")
    .action((_options, command: Command) => run(command, async (ctx) => (await import("./commands/list.js")).listCommand(ctx)));

  program
    .command("assume")
    .description("assume the role with the Staging profile; print the identity and expiry, never a secret")
    .option(...SETUP_OPTION)
    .option("--profile <name>", "Staging profile to assume the role with (default: from setup)")
    .option("--role-arn <arn>", "role to assume (default: from setup)")
    .option("--session-name <name>", "role session name (default: xacct-<profile>)")
    .option("--duration-seconds <seconds>", "lifetime of the credentials, 900 to 43200")
    .option("--region <region>", "region written into the profile (default: from setup)")
    .addOption(new Option("--write-profile [name]", "save the credentials as this profile in the AWS config file (default name: TempCred)"))
    .option("--credentials-file", "with --write-profile: save the keys in the credentials file instead, for tools that read only that file")
    .option(
      "--profile-style <style>",
      "with --write-profile: static (keys that expire; default, unless the profile already has another style), role (the AWS tools assume the role themselves; recommended) or process (credential_process runs xacct credentials)",
    )
    .option("--external-id <id>", "the sts:ExternalId the role requires (default: what setup made)")
    .option("--mfa-serial <arn>", "MFA device, when the role requires MFA (default: the profile's mfa_serial)")
    .option("--token-code <code>", "the current MFA code, when no MFA session is cached (asked for in a terminal)")
    .option("--mfa-duration <seconds>", "with MFA: how long a new MFA session lasts, 900 to 129600 (default 43200: one code a day)")
    .option("--source-identity <name>", "set a source identity on the session (the trust must allow it)")
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/assume.js")).assumeCommand(options, ctx)));

  program
    .command("credentials")
    .description("print credential_process JSON for the role (used by process-style profiles; cached until shortly before expiry)")
    .option(...SETUP_OPTION)
    .option("--role-arn <arn>", "role to assume (default: from setup)")
    .option("--profile <name>", "Staging profile to assume it with (default: from setup)")
    .option("--session-name <name>", "role session name")
    .option("--region <region>", "region (default: from setup)")
    .option("--external-id <id>", "the sts:ExternalId the role requires (default: what setup made)")
    .option("--duration-seconds <seconds>", "lifetime of the credentials, 900 to 43200")
    .option("--mfa-serial <arn>", "MFA device, when the role requires MFA (default: the profile's mfa_serial)")
    .option("--token-code <code>", "the current MFA code, when no MFA session is cached")
    .option("--mfa-duration <seconds>", "how long a new MFA session lasts, 900 to 129600 (default 43200)")
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/credentials.js")).credentialsCommand(options, ctx)));

  program
    .command("env")
    .description('print the role\'s credentials for a shell to evaluate: eval "$(xacct env)" (never to a terminal without --force)')
    .option(...SETUP_OPTION)
    .option("--role-arn <arn>", "role to assume (default: from setup)")
    .option("--profile <name>", "Staging profile to assume it with (default: from setup)")
    .option("--session-name <name>", "role session name")
    .option("--region <region>", "region to export, AWS_REGION (default: from setup)")
    .option("--external-id <id>", "the sts:ExternalId the role requires (default: what setup made)")
    .option("--duration-seconds <seconds>", "lifetime of the credentials, 900 to 43200")
    .option("--mfa-serial <arn>", "MFA device, when the role requires MFA (default: the profile's mfa_serial)")
    .option("--token-code <code>", "the current MFA code, when no MFA session is cached (asked for in a terminal)")
    .option("--mfa-duration <seconds>", "how long a new MFA session lasts, 900 to 129600 (default 43200)")
    .addOption(new Option("--format <format>", "sh (also bash, zsh), fish, powershell, dotenv or json").choices(ENV_FORMAT_NAMES).default("sh"))
    .option("--force", "print to a terminal too")
    .option("--allow-nested", "print even inside a command run by xacct exec (XACCT_EXEC set), replacing its credentials")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        '  eval "$(xacct env)"                                   sh, bash, zsh',
        "  xacct env --format fish | source                      fish",
        "  xacct env --format powershell | Invoke-Expression     PowerShell",
        "  (umask 077; xacct env --format dotenv > .env)         docker, Compose, dotenv libraries",
        "",
        "sh, fish and powershell also remove AWS_PROFILE and the other variables that would choose other credentials.",
        "On failure they print one statement that fails when evaluated (the exit code is kept). In scripts:",
        '  creds=$(xacct env) && eval "$creds"',
      ].join("\n"),
    )
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/env.js")).envCommand(options, ctx)));

  program
    .command("exec")
    .usage("[options] [--] <command> [args...]")
    .description("run a command with the role's credentials in its environment (no shell; its exit code is xacct's)")
    .argument("<command>", "the program to run (looked up on PATH)")
    .argument("[args...]", "its arguments, passed as they are: every word from the command on is the command's, even one that looks like an xacct option")
    .option(...SETUP_OPTION)
    .option("--role-arn <arn>", "role to assume (default: from setup)")
    .option("--profile <name>", "Staging profile to assume it with (default: from setup)")
    .option("--session-name <name>", "role session name")
    .option("--region <region>", "region for the command, AWS_REGION (default: from setup)")
    .option("--external-id <id>", "the sts:ExternalId the role requires (default: what setup made)")
    .option("--duration-seconds <seconds>", "lifetime of the credentials, 900 to 43200")
    .option("--mfa-serial <arn>", "MFA device, when the role requires MFA (default: the profile's mfa_serial)")
    .option(
      "--token-code <code>",
      "the current MFA code, when no MFA session is cached (better typed at the prompt in a terminal: a code on the command line is readable by other users until xacct hides it)",
    )
    .option("--mfa-duration <seconds>", "how long a new MFA session lasts, 900 to 129600 (default 43200)")
    .option("--allow-nested", "run even inside another xacct exec (XACCT_EXEC set), replacing its credentials")
    .addHelpText(
      "after",
      [
        "",
        "The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION,",
        "AWS_REGION, AWS_DEFAULT_REGION and AWS_ACCOUNT_ID (and AWS_ENDPOINT_URL with --endpoint-url); AWS_PROFILE and",
        "every other variable that would choose other credentials are removed. XACCT_EXEC names the role.",
        "",
        "Examples:",
        "  xacct exec -- aws s3 ls",
        "  xacct exec --setup my-bucket/StageRole -- terraform plan",
        "",
        "Exit code: the command's; 126 it cannot be run, 127 not found; killed by a signal, xacct ends by the same signal.",
        "Signals: TERM, HUP, USR1, USR2, ALRM, WINCH and CONT sent to xacct go to the command. INT and QUIT too, except while",
        "xacct is in the terminal's foreground: the terminal sent Ctrl-C to both already, and a second would make terraform",
        "stop at once. So there, a kill -INT to xacct's PID alone is not passed on: signal the process group, or use TERM.",
        "The keys last at least 15 minutes (or half the session) when handed over; the expiry is printed on stderr.",
      ].join("\n"),
    )
    .action((command: string, args: string[], options, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/exec.js")).execCommand(command, args, options, ctx)),
    );

  program
    .command("console")
    .description("print the AWS console's switch-role link for the role, or with --signin a sign-in link that needs no console sign-in")
    .option(...SETUP_OPTION)
    .option("--role-arn <arn>", "role (default: from setup)")
    .option("--display-name <name>", "name the console shows for the role")
    .option("--signin", "instead: a sign-in link from a fresh role session (federation endpoint); needs no console sign-in first")
    .option("--open", "with --signin: open the link in your browser ($BROWSER, else the system's opener) without printing it")
    .option("--duration <seconds>", "with --signin: length of the role session, which the console session follows, 900 to 43200 (default: 3600)")
    .option("--force", "with --signin: print the link even to a terminal (it is a credential for 15 minutes)")
    .option("--profile <name>", "with --signin: Staging profile to assume the role with (default: from setup)")
    .option("--region <region>", "with --signin: the console's region (default: from setup)")
    .option("--external-id <id>", "with --signin: the sts:ExternalId the role requires (default: what setup made)")
    .option("--mfa-serial <arn>", "with --signin: MFA device, when the role requires MFA (default: the profile's mfa_serial)")
    .option("--token-code <code>", "with --signin: the current MFA code (asked for in a terminal)")
    .action((options, command: Command) => run(command, async (ctx) => (await import("./commands/console.js")).consoleCommand(options, ctx)));

  program
    .command("test-get")
    .description(
      "download one object with the setup's reading profile (its temporary profile, or the Staging profile in resource-policy mode) and report size, type and ETag",
    )
    .argument("<key>", "object key in the bucket")
    .argument("[outfile]", "where to save it ('-' for stdout; default: the key's base name)")
    .option(...SETUP_OPTION)
    .option("--bucket <name>", "bucket (default: from setup)")
    .option("--profile <name>", "profile to read with (default: the setup's temporary profile, or its Staging profile in resource-policy mode; else TempCred)")
    .option("--region <region>", "region (default: from setup)")
    .option("--force", "replace an existing file (its mode is kept); new files are created 0600")
    .action((key: string, outfile: string | undefined, options, command: Command) =>
      run(command, async (ctx) => (await import("./commands/test-get.js")).testGetCommand(key, outfile, options, ctx)),
    );
}

/** Shell completion: the script, and the hidden command it calls back for setup names. */
function addShellCommands(program: Command, run: Runner): void {
  program
    .command("completion")
    .description("print a completion script for bash, zsh or fish (commands, flags, profile and setup names); see its first lines to install it")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .action((shell: string, _options, command: Command) =>
      run(command, async (ctx) => {
        ctx.stdout.write((await import("./completion/script.js")).completionScript(shell, command.parent!));
      }),
    );

  program
    .command("__complete", { hidden: true })
    .argument("<what>")
    .action((what: string, _options, command: Command) => run(command, async (ctx) => (await import("./commands/complete.js")).completeCommand(what, ctx)));
}
