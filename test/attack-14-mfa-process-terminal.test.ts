/**
 * mfa_process runs in xacct's own session: it keeps the terminal (a prompt on /dev/tty works),
 * and when xacct is ended (Ctrl-C, SIGTERM) the command goes with it instead of waiting forever.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const LINE = [
  "credentials",
  "--role-arn=arn:aws:iam::111111111111:role/StageRole",
  "--profile=staging",
  "--region=us-east-1",
  "--mfa-serial=arn:aws:iam::222222222222:mfa/StageAdmin",
];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function sandbox(mfaProcess: string): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = await mkdtemp(join(tmpdir(), "xacct-a14-mfa-tty-"));
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "config"), `[profile staging]\nregion = us-east-1\nmfa_process = ${mfaProcess}\n`);
  await writeFile(
    join(home, ".aws", "credentials"),
    "[staging]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = secretsecretsecretsecretsecretsecret0000\n",
    { mode: 0o600 },
  );
  const env = {
    PATH: process.env["PATH"],
    HOME: home,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    XACCT_STATE_FILE: join(home, "state.json"),
    XDG_CACHE_HOME: join(home, "cache"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  };
  return { home, env };
}

async function waitFor(path: string, ms: number): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const text = (await readFile(path, "utf8")).trim();
      if (text) return text;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${path} never appeared`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("mfa_process keeps the terminal and ends with xacct", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("xacct ended by %s stops the command", async (signal) => {
    const { home, env } = await sandbox("");
    const pidFile = join(home, "pid");
    await writeFile(env["AWS_CONFIG_FILE"]!, `[profile staging]\nregion = us-east-1\nmfa_process = sh -c 'echo $$ > ${pidFile}; sleep 97; echo 123456'\n`);
    const xacct = spawn(process.execPath, [BIN, ...LINE], { env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise((r) => xacct.on("exit", r));
    const shell = Number(await waitFor(pidFile, 20_000));
    xacct.kill(signal);
    await exited;
    await new Promise((r) => setTimeout(r, 300));
    const left = alive(shell);
    if (left) process.kill(shell, "SIGKILL");
    expect(left).toBe(false);
  });

  it("a command that asks on /dev/tty gets the terminal", async () => {
    const { env } = await sandbox("sh -c 'exec 3<>/dev/tty || exit 7; echo 123456'");
    const command = [process.execPath, BIN, ...LINE].map((w) => `'${w}'`).join(" ") + " | cat";
    const output = await new Promise<string>((done) => {
      execFile("script", ["-qec", command, "/dev/null"], { env, timeout: 60_000 }, (_error, stdout, stderr) => done(stdout + stderr));
    });
    expect(output).not.toMatch(/mfa_process of profile staging failed/);
    expect(output).not.toMatch(/\/dev\/tty/);
  });
});
