/**
 * `xacct exec -- COMMAND …` as a user runs it: the built CLI in a process, the real aws CLI
 * (or sh) as the command, against the emulator. The command gets the role's keys and nothing
 * that competes with them; its exit code and its death by a signal pass through; no shell
 * reads its arguments; an exec inside an exec is refused unless asked.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { chmod, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { BIN } from "./support/xacct-process.js";

const sandbox = useSandbox();

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI with stdin closed; `onStdout` sees the output as it comes, with the process. */
function xacct(args: string[], options: { env?: NodeJS.ProcessEnv; onStdout?: (text: string, pid: number) => void } = {}): Promise<Ran> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...sandbox.env, ...options.env }, cwd: sandbox.dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
    options.onStdout?.(stdout, child.pid!);
  });
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((done) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // The expiry line exec prints for every run (checked in attack-14-exec): the rest must be as quiet as before.
      done({ code, signal, stdout, stderr: stderr.replace(/^xacct exec: the role's keys last until \S+\.\n/m, "") });
    }),
  );
}

const roleArn = () => `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
const assumedArn = () => `arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/xacct-staging`;

/** The command's environment, as `env -0` prints it. */
function envOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .split("\0")
      .slice(0, -1)
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
}, 120_000);

describe("xacct exec runs the command with the role's credentials", () => {
  it("the aws CLI is the role: get-caller-identity prints its assumed-role ARN", async () => {
    const ran = await xacct(["exec", "--", "aws", "sts", "get-caller-identity"]);
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).Arn).toBe(assumedArn());
  });

  it("the command sees the keys, region and expiry, and no profile or other credential variable", async () => {
    const stale = {
      AWS_PROFILE: "prod",
      AWS_DEFAULT_PROFILE: "prod",
      AWS_SECURITY_TOKEN: "stale-token",
      AWS_SECRET_KEY: "stale-secret",
      AWS_ROLE_ARN: "arn:aws:iam::999999999999:role/Other",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/nonexistent/token",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/creds",
      AWS_ACCOUNT_ID: "999999999999",
    };
    const ran = await xacct(["exec", "--", "env", "-0"], { env: stale });
    expect(ran.code).toBe(0);
    const env = envOf(ran.stdout);
    for (const name of Object.keys(stale).filter((n) => n !== "AWS_ACCOUNT_ID")) expect(env[name], name).toBeUndefined();
    expect(env["AWS_ACCESS_KEY_ID"]).toMatch(/^\S+$/);
    expect(env["AWS_SECRET_ACCESS_KEY"]).toMatch(/^\S+$/);
    expect(env["AWS_SESSION_TOKEN"]).toMatch(/^\S+$/);
    expect(env["AWS_REGION"]).toBe("us-east-1");
    expect(env["AWS_DEFAULT_REGION"]).toBe("us-east-1");
    expect(env["AWS_ACCOUNT_ID"]).toBe(sandbox.prod.accountId);
    expect(new Date(env["AWS_CREDENTIAL_EXPIRATION"]!).toISOString()).toBe(env["AWS_CREDENTIAL_EXPIRATION"]);
    expect(env["XACCT_EXEC"]).toBe(roleArn());
    // The user's files stay the tools' files: their other settings still apply.
    expect(env["AWS_CONFIG_FILE"]).toBe(sandbox.configFile);
    // Nothing secret from xacct itself.
    expect(ran.stderr).toBe("");
  });

  it("with AWS_PROFILE set to another account, the aws CLI is still the role", async () => {
    const ran = await xacct(["exec", "--", "aws", "sts", "get-caller-identity"], { env: { AWS_PROFILE: "prod" } });
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).Arn).toBe(assumedArn());
  });

  it("--endpoint-url reaches the command too: its keys work only there", async () => {
    const ran = await xacct(["--endpoint-url", sandbox.moto.endpoint, "exec", "--", "aws", "sts", "get-caller-identity"], {
      env: { AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" },
    });
    expect(ran.stderr).toBe("");
    expect(JSON.parse(ran.stdout).Arn).toBe(assumedArn());
  });
});

describe("with an MFA device", () => {
  it("the code is given once: the next exec, and an env in sh, assume again through the cached MFA session", async () => {
    const serial = `arn:aws:iam::${sandbox.staging.accountId}:mfa/daily`;
    const arn = (name: string) => `arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/${name}`;
    const first = await xacct([
      "exec",
      "--mfa-serial",
      serial,
      "--token-code",
      "123456",
      "--session-name",
      "mfa-one",
      "--",
      "aws",
      "sts",
      "get-caller-identity",
    ]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).Arn).toBe(arn("mfa-one"));
    // A new session name is a new role session; no code and no terminal: only the MFA session can serve it.
    const second = await xacct(["exec", "--mfa-serial", serial, "--session-name", "mfa-two", "--", "aws", "sts", "get-caller-identity"]);
    expect(second.stderr).toBe("");
    expect(JSON.parse(second.stdout).Arn).toBe(arn("mfa-two"));
    const script = `eval "$("$NODE" "$XACCT" env --mfa-serial ${serial} --session-name mfa-env)" && aws sts get-caller-identity`;
    const { stdout } = await promisify(execFile)("sh", ["-c", script], { env: { ...sandbox.env, NODE: process.execPath, XACCT: BIN }, cwd: sandbox.dir });
    expect(JSON.parse(stdout).Arn).toBe(arn("mfa-env"));
  });
});

describe("the command's own arguments are its own", () => {
  it("after --, options go to the command: aws gets --debug, xacct does not", async () => {
    const ran = await xacct(["exec", "--", "aws", "sts", "get-caller-identity", "--debug"]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain("botocore");
    expect(ran.stderr).not.toMatch(/AWS calls:/);
  });

  it("without --, the command starts at the first word that is not one of xacct's options", async () => {
    const ran = await xacct(["exec", "--region", "us-east-1", "printf", "%s|", "--region", "--json", "--", "x"]);
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toBe("--region|--json|--|x|");
  });

  it("no shell reads them: $(…), ; and * arrive as written", async () => {
    const ran = await xacct(["exec", "--", "printf", "%s|", "$(touch pwned)", ";", "*", "`id`", "a b"]);
    expect(ran.stdout).toBe("$(touch pwned)|;|*|`id`|a b|");
    expect(existsSync(join(sandbox.dir, "pwned"))).toBe(false);
  });
});

describe("the command's end is xacct's end", () => {
  it("its exit code passes through", async () => {
    const ran = await xacct(["exec", "--", "sh", "-c", "exit 7"]);
    expect(ran.code).toBe(7);
    expect(ran.stderr).toBe("");
  });

  it("killed by a signal, xacct dies of the same signal", async () => {
    const ran = await xacct(["exec", "--", "sh", "-c", "kill -TERM $$"]);
    expect(ran.signal).toBe("SIGTERM");
  });

  it("a SIGTERM sent to xacct goes to the command, and xacct waits for its end", async () => {
    const script = 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done';
    let sent = false;
    const ran = await xacct(["exec", "--", "sh", "-c", script], {
      onStdout: (text, pid) => {
        if (!sent && text.includes("ready")) {
          sent = true;
          process.kill(pid, "SIGTERM");
        }
      },
    });
    expect(ran.stdout).toBe("ready\ngot-term\n");
    expect(ran.code).toBe(3);
  });

  it("a command that does not exist: one sentence, exit 127", async () => {
    const ran = await xacct(["exec", "--", "no-such-command-xacct"]);
    expect(ran.code).toBe(127);
    expect(ran.stderr).toMatch(/no-such-command-xacct/);
    expect(ran.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  });

  it("a file that cannot be run: exit 126", async () => {
    const file = join(sandbox.dir, "not-executable.sh");
    await writeFile(file, "echo hi\n");
    await chmod(file, 0o644);
    const ran = await xacct(["exec", "--", file]);
    expect(ran.code).toBe(126);
    expect(ran.stderr).toContain("not-executable.sh");
  });
});

/** Runs argv in a new pseudo-terminal (python's pty), types Ctrl-C once "ready" is on screen, and returns the screen and exit status. */
const PTY_SCRIPT = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
out, sent = b"", False
while True:
    ready, _, _ = select.select([fd], [], [], 20)
    if not ready: break
    try: data = os.read(fd, 4096)
    except OSError: break
    if not data: break
    out += data
    if not sent and b"ready" in out:
        time.sleep(0.2); os.write(fd, b"\\x03"); sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace") + "\\nEXIT %d\\n" % (os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)))
`;

describe("at a terminal", () => {
  it("Ctrl-C reaches the command once (the terminal sends it to both), and xacct waits for the command's end", async () => {
    // A program that counts each SIGINT it is sent (a shell's trap would merge two arriving together).
    const counter =
      "let n = 0; process.on('SIGINT', () => n++); console.log('ready'); setTimeout(() => { console.log('interrupts=' + n); process.exit(5); }, 1500);";
    const { stdout } = await promisify(execFile)("python3", ["-c", PTY_SCRIPT, process.execPath, BIN, "exec", "--", process.execPath, "-e", counter], {
      env: sandbox.env,
      cwd: sandbox.dir,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/interrupts=1\r?\n/);
    expect(stdout).toMatch(/EXIT 5\n$/);
  });
});

describe("refusals", () => {
  it("an exec inside an exec is refused, naming the fix; --allow-nested runs it", async () => {
    const nested = await xacct(["exec", "--", "aws", "sts", "get-caller-identity"], { env: { XACCT_EXEC: roleArn() } });
    expect(nested.code).toBe(2);
    expect(nested.stdout).toBe("");
    expect(nested.stderr).toContain("--allow-nested");
    const allowed = await xacct(["exec", "--allow-nested", "--", "aws", "sts", "get-caller-identity"], { env: { XACCT_EXEC: roleArn() } });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).Arn).toBe(assumedArn());
  });

  it("--json is refused: stdout belongs to the command", async () => {
    const ran = await xacct(["--json", "exec", "--", "true"]);
    expect(ran.code).toBe(2);
  });

  it("without a command, a usage error", async () => {
    const ran = await xacct(["exec"]);
    expect(ran.code).toBe(2);
  });

  it("xacct never prints the keys it hands over", async () => {
    const ran = await xacct(["exec", "--debug", "--", "sh", "-c", 'printf %s "$AWS_SECRET_ACCESS_KEY|$AWS_SESSION_TOKEN" > handed.txt']);
    expect(ran.code).toBe(0);
    const [secret, token] = (await import("node:fs")).readFileSync(join(sandbox.dir, "handed.txt"), "utf8").split("|");
    expect(secret!.length).toBeGreaterThan(10);
    expect(ran.stdout + ran.stderr).not.toContain(secret);
    expect(ran.stdout + ran.stderr).not.toContain(token);
  });
});
