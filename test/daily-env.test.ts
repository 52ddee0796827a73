/**
 * `xacct env` as a user evaluates it: the built CLI inside the real shell (eval "$(xacct env)"
 * in dash and bash; `| source` in fish where installed), then the real aws CLI, against the
 * emulator. Refuses a terminal unless --force, and --json, like `xacct credentials`.
 */
import { execFile } from "node:child_process";
import { PassThrough, Readable } from "node:stream";
import { promisify } from "node:util";
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { BIN } from "./support/xacct-process.js";

const sandbox = useSandbox();
const exec = promisify(execFile);
const assumedArn = () => `arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/xacct-staging`;

function installed(shell: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${shell}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs `shell -c script` in the sandbox, with $XACCT the built CLI and an outer AWS_PROFILE of another account. */
async function inShell(shell: string, script: string, extra: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const env = { ...sandbox.env, XACCT: BIN, NODE: process.execPath, AWS_PROFILE: "prod", AWS_SECURITY_TOKEN: "stale", ...extra };
  const args = shell === "fish" ? ["--no-config", "-c", script] : ["-c", script];
  return exec(shell, args, { env, cwd: sandbox.dir });
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
}, 120_000);

describe("a shell that evaluates xacct env is the role", () => {
  for (const shell of ["dash", "bash"]) {
    it(`${shell}: eval "$(xacct env)"; aws sts get-caller-identity prints the role's ARN`, async () => {
      const { stdout } = await inShell(
        shell,
        'eval "$("$NODE" "$XACCT" env)" && aws sts get-caller-identity && echo "profile=${AWS_PROFILE-unset} token=${AWS_SECURITY_TOKEN-unset}"',
      );
      const [json, rest] = stdout.split(/(?<=\})\n/);
      expect(JSON.parse(json!).Arn).toBe(assumedArn());
      expect(rest).toBe("profile=unset token=unset\n");
    });
  }

  it.skipIf(!installed("fish"))("fish: xacct env --format fish | source; aws sts get-caller-identity prints the role's ARN", async () => {
    const { stdout } = await inShell(
      "fish",
      "$NODE $XACCT env --format fish | source; and aws sts get-caller-identity; and set -q AWS_PROFILE; or echo no-profile",
    );
    const [json, rest] = stdout.split(/(?<=\})\n/);
    expect(JSON.parse(json!).Arn).toBe(assumedArn());
    expect(rest).toBe("no-profile\n");
  });

  it("dotenv: the lines docker --env-file reads give the aws CLI the role", async () => {
    const { stdout } = await inShell("sh", '"$NODE" "$XACCT" env --format dotenv');
    const lines = stdout.trimEnd().split("\n");
    const env = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CREDENTIAL_EXPIRATION",
      ]),
    );
    const base = Object.fromEntries(Object.entries(sandbox.env).filter(([name]) => !["AWS_PROFILE"].includes(name)));
    const { stdout: who } = await exec("aws", ["sts", "get-caller-identity"], { env: { ...base, ...env } });
    expect(JSON.parse(who).Arn).toBe(assumedArn());
  });

  it("json: one object of name to value, the same keys", async () => {
    const { stdout } = await inShell("sh", '"$NODE" "$XACCT" env --format json');
    const object = JSON.parse(stdout) as Record<string, string>;
    expect(object["AWS_REGION"]).toBe("us-east-1");
    expect(object["AWS_SESSION_TOKEN"]).toMatch(/\S/);
    expect(object["XACCT_EXEC"]).toBeUndefined();
  });

  it("powershell: one line per variable, removals first", async () => {
    const { stdout } = await inShell("sh", '"$NODE" "$XACCT" env --format powershell');
    expect(stdout).toMatch(/^Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m);
    expect(stdout).toMatch(/^\$Env:AWS_REGION = 'us-east-1'$/m);
  });
});

describe("refusals", () => {
  async function toTerminal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    let out = "";
    let err = "";
    terminal.on("data", (d) => (out += d));
    stderr.on("data", (d) => (err += d));
    const code = await runCli(args, { stdout: terminal, stderr, stdin: Readable.from([]), env: process.env, interactive: false });
    return { code, stdout: out, stderr: err };
  }

  it("a terminal is refused (exit 2, nothing printed) unless --force", async () => {
    const refused = await toTerminal(["env"]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("--force");
    const forced = await toTerminal(["env", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^export AWS_ACCESS_KEY_ID=/m);
  });

  it("--json is refused: its document never holds a secret", async () => {
    const ran = await sandbox.run(["--json", "env"]);
    expect(ran.code).toBe(2);
    expect(ran.stdout).not.toMatch(/AWS_SECRET_ACCESS_KEY/);
  });

  it("an unknown format is a usage error naming the formats", async () => {
    const ran = await sandbox.run(["env", "--format", "csh"]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/sh.*fish.*powershell.*dotenv.*json/);
  });
});
