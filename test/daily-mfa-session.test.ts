/**
 * One MFA code a day: when the role requires MFA, xacct gets a session with GetSessionToken once,
 * caches it (0600, like the role sessions), and assumes roles with it, so `assume`, `credentials`,
 * `exec` and `env` ask for a code only when that session is gone. Counted in AWS calls and in
 * prompts. The emulator accepts any code: a refused one is injected by a proxy in front of it.
 */
import { execFile } from "node:child_process";
import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assumeCommand } from "../src/commands/assume.js";
import { serveCachedCredentials } from "../src/credential-process.js";
import { cacheDirectory } from "../src/credentials-cache.js";
import { splitShellWords } from "../src/shell-split.js";
import type { Prompter } from "../src/wizard/prompter.js";
import { roleSession } from "../src/workflows/role-session.js";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { terminalContext } from "./support/terminal-context.js";

const sandbox = useSandbox();
const exec = promisify(execFile);
const SETUP = "mfa-day-bucket/MfaDayRole";
const SERIAL = "arn:aws:iam::222222222222:mfa/StageAdmin";
const CODE = "731904";
const ROLE_ARN = "arn:aws:sts::111111111111:assumed-role/MfaDayRole/";

/** A person at a terminal who types `codes` in turn and is counted. */
function typist(codes: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const prompter = {
    asked,
    select: async () => {
      throw new Error("unexpected question");
    },
    confirm: async () => {
      throw new Error("unexpected question");
    },
    input: async (q: { message: string }) => {
      asked.push(q.message);
      return codes.shift() ?? "000000";
    },
  };
  return prompter as Prompter & { asked: string[] };
}

const mfaFiles = async (): Promise<string[]> =>
  (await readdir(cacheDirectory(process.env)).catch(() => [] as string[])).filter((name) => name.startsWith("mfa-") && name.endsWith(".json"));

/** The next day: every cached MFA session has expired (the file stays as the user's, 0600). */
async function nextDay(): Promise<void> {
  for (const name of await mfaFiles()) {
    const file = join(cacheDirectory(process.env), name);
    const cached = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...cached, expiration: new Date(Date.now() - 60_000).toISOString() }));
    await chmod(file, 0o600);
  }
}

const count = (calls: { calls: { operation: string }[] }, operation: string): number => calls.calls.filter((c) => c.operation === operation).length;

beforeAll(async () => {
  const setup = await sandbox.run(setupArgs("mfa-day-bucket", ["--require-mfa", "--role-name", "MfaDayRole", "--temp-profile", "MfaDayCred"]));
  expect(setup.code).toBe(0);
});

describe("one MFA code a day", () => {
  it("assume asks for the code once; an exec-like session and `credentials` after it ask for none and make no GetSessionToken", async () => {
    const person = typist([CODE]);
    const first = terminalContext(sandbox.statePath, person);
    await assumeCommand({ setup: SETUP, mfaSerial: SERIAL }, first.ctx);
    expect(person.asked).toEqual([`MFA code for ${SERIAL}:`]);
    expect(count(first.ctx.calls, "GetSessionToken")).toBe(1);
    expect(first.printed()).toContain(`Assumed ${ROLE_ARN}`);
    expect(first.printed()).toMatch(/MFA session .* until \d{4}-\d\d-\d\dT/);

    const second = terminalContext(sandbox.statePath, person);
    const session = await roleSession("exec", { setup: SETUP, mfaSerial: SERIAL }, second.ctx);
    expect(session.creds.assumedRoleArn).toContain(ROLE_ARN);
    expect(person.asked).toHaveLength(1);
    expect(count(second.ctx.calls, "GetSessionToken")).toBe(0);
    expect(count(second.ctx.calls, "AssumeRole")).toBe(1);

    // Unattended (as the aws CLI runs it), another role session: still no code, no GetSessionToken.
    const third = await sandbox.run(["credentials", "--setup", SETUP, "--mfa-serial", SERIAL, "--session-name", "third"]);
    expect(third.code).toBe(0);
    expect(count(third.calls, "GetSessionToken")).toBe(0);
    expect(count(third.calls, "AssumeRole")).toBe(1);

    // The session is cached as the role sessions are: 0600, and no code or secret was printed.
    const files = await mfaFiles();
    expect(files).toHaveLength(1);
    const file = join(cacheDirectory(process.env), files[0]!);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const cached = JSON.parse(await readFile(file, "utf8")) as { secretAccessKey: string; sessionToken: string };
    for (const text of [first.printed(), second.printed(), third.stderr]) {
      expect(text).not.toContain(CODE);
      expect(text).not.toContain(cached.secretAccessKey);
      expect(text).not.toContain(cached.sessionToken);
    }
    expect(third.stdout).not.toContain(cached.sessionToken);
  });

  it("the next day asks again, once; --mfa-duration sets how long the session lasts", async () => {
    await nextDay();
    const person = typist([CODE]);
    const { ctx } = terminalContext(sandbox.statePath, person);
    await roleSession("env", { setup: SETUP, mfaSerial: SERIAL, sessionName: "day-two", mfaDuration: "900" }, ctx);
    expect(person.asked).toHaveLength(1);
    expect(count(ctx.calls, "GetSessionToken")).toBe(1);
    const [name] = await mfaFiles();
    const { expiration } = JSON.parse(await readFile(join(cacheDirectory(process.env), name!), "utf8")) as { expiration: string };
    const left = new Date(expiration).getTime() - Date.now();
    expect(left).toBeGreaterThan(13 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
  });

  it("unattended with the session gone: one sentence on how to type today's code, exit 2, no AWS call", async () => {
    await nextDay();
    const result = await sandbox.run(["credentials", "--setup", SETUP, "--mfa-serial", SERIAL, "--session-name", "unattended"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`xacct credentials cannot ask for the MFA code of ${SERIAL} here (no terminal)`);
    expect(result.stderr).toContain(`xacct assume --setup ${SETUP}`);
    expect(result.calls.calls).toEqual([]);
  });

  it("refuses an --mfa-duration STS would refuse, and a role session over one hour from an MFA session, before any AWS call", async () => {
    const short = await sandbox.run(["credentials", "--setup", SETUP, "--mfa-duration", "600"]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("900 to 129600");
    expect(short.calls.calls).toEqual([]);
    const long = await sandbox.run(["credentials", "--setup", SETUP, "--mfa-serial", SERIAL, "--token-code", CODE, "--duration-seconds", "7200"]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("one hour");
    expect(long.calls.calls).toEqual([]);
  });
});

describe("a code AWS refuses", () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(sandbox.moto.endpoint);
  });
  afterAll(async () => proxy.close());
  const refuseOnce = () => {
    let refused = 0;
    proxy.rule = (request) =>
      request.action === "GetSessionToken" && refused++ === 0
        ? { status: 403, code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code." }
        : undefined;
  };

  it("at a terminal is asked for again, and the second code starts the session", async () => {
    await nextDay();
    refuseOnce();
    const person = typist(["592817", CODE]);
    const { ctx, printed } = terminalContext(sandbox.statePath, person);
    ctx.endpoint = proxy.endpoint;
    await roleSession("exec", { setup: SETUP, mfaSerial: SERIAL, sessionName: "retyped" }, ctx);
    expect(person.asked).toHaveLength(2);
    expect(count(ctx.calls, "GetSessionToken")).toBe(2);
    expect(printed()).toContain(`AWS refused the MFA code for ${SERIAL}`);
    expect(printed()).not.toContain("592817");
  });

  it("unattended (--token-code) fails with one sentence and exit 1, the code never printed", async () => {
    await nextDay();
    refuseOnce();
    const result = await sandbox.run([
      "--endpoint-url",
      proxy.endpoint,
      "credentials",
      "--setup",
      SETUP,
      "--mfa-serial",
      SERIAL,
      "--token-code",
      "864209",
      "--session-name",
      "refused",
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`AWS refused the MFA code for ${SERIAL}`);
    expect(result.stderr).not.toContain("864209");
    expect(count(result.calls, "GetSessionToken")).toBe(1);
    expect(count(result.calls, "AssumeRole")).toBe(0);
  });
});

describe("process-style profiles for a role that requires MFA", () => {
  it("are written with the device, and the aws CLI uses them all day without a code", async () => {
    await nextDay();
    const written = await sandbox.run([
      "assume",
      "--setup",
      SETUP,
      "--mfa-serial",
      SERIAL,
      "--token-code",
      CODE,
      "--write-profile",
      "MfaProcess",
      "--profile-style",
      "process",
    ]);
    expect(written.code).toBe(0);
    expect(count(written.calls, "GetSessionToken")).toBe(1);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain(`'--mfa-serial=${SERIAL}'`);
    for (let i = 0; i < 2; i++) {
      const who = await exec("aws", ["sts", "get-caller-identity", "--profile", "MfaProcess"], { env: sandbox.env });
      expect(JSON.parse(who.stdout).Arn).toContain(ROLE_ARN);
    }
    // The line's --mfa-serial is part of the role session's key, and the cache-hit path (no SDK) knows it.
    const line = /credential_process = (.*)/.exec(await readFile(sandbox.configFile, "utf8"))![1]!;
    let served = "";
    const argv = splitShellWords(line).slice(2);
    expect(await serveCachedCredentials(argv, { env: process.env, stdoutIsTerminal: false, write: (text) => (served += text) })).toBe(true);
    expect(JSON.parse(served)).toMatchObject({ Version: 1, AccessKeyId: expect.any(String) });
    // --json says which MFA session served, never its keys.
    const json = await sandbox.run(["--json", "assume", "--setup", SETUP, "--mfa-serial", SERIAL]);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout) as { mfaSession: { profile: string; serial: string; started: boolean; expiration: string } };
    expect(document.mfaSession).toEqual({ profile: "staging", serial: SERIAL, started: false, expiration: expect.any(String) });
    expect(count(json.calls, "GetSessionToken")).toBe(0);
    expect(json.stdout).not.toMatch(/secret|sessionToken|SessionToken/i);
  });
});

describe("setup with --require-mfa and --profile-style process", () => {
  it("tests the role through the MFA session and writes the profile with the device", async () => {
    await nextDay();
    const setup = await sandbox.run(
      setupArgs("mfa-proc-bucket", [
        "--require-mfa",
        "--role-name",
        "MfaProcRole",
        "--temp-profile",
        "MfaSetupProc",
        "--profile-style",
        "process",
        "--mfa-serial",
        SERIAL,
        "--token-code",
        CODE,
      ]),
    );
    expect(setup.code).toBe(0);
    expect(count(setup.calls, "GetSessionToken")).toBe(1);
    expect(setup.stdout).toContain("Started an MFA session of profile staging");
    expect(await readFile(sandbox.configFile, "utf8")).toMatch(
      /\[profile MfaSetupProc\]\ncredential_process = .*'--mfa-serial=arn:aws:iam::222222222222:mfa\/StageAdmin'/,
    );
    expect(setup.stdout + setup.stderr).not.toContain(CODE);
    expect((await sandbox.run(["teardown", "--setup", "mfa-proc-bucket/MfaProcRole", "--yes"])).code).toBe(0);
  });
});

describe("mfa_process in the Staging profile", () => {
  it("gives the code when no terminal can: run without a shell, its output never printed; anything but 6 digits is refused", async () => {
    const script = join(sandbox.dir, "code.mjs");
    // Prints the code only if its last argument arrived as written: no shell expanded it.
    await writeFile(script, "process.stdout.write((process.argv[3] === '$(false)' ? process.argv[2] : 'shell') + '\\n');\n");
    const original = await readFile(sandbox.configFile, "utf8");
    const withProcess = (printed: string) =>
      original.replace("[profile staging]\n", `[profile staging]\nmfa_process = '${process.execPath}' '${script}' '${printed}' "$(false)"\n`);
    try {
      await nextDay();
      await writeFile(sandbox.configFile, withProcess("468024"));
      const ok = await sandbox.run(["credentials", "--setup", SETUP, "--mfa-serial", SERIAL, "--session-name", "from-process"]);
      expect(ok.stderr).not.toContain("468024");
      expect(ok.code).toBe(0);
      expect(count(ok.calls, "GetSessionToken")).toBe(1);

      await nextDay();
      await writeFile(sandbox.configFile, withProcess("not-a-code"));
      const bad = await sandbox.run(["credentials", "--setup", SETUP, "--mfa-serial", SERIAL, "--session-name", "bad-process"]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("mfa_process of profile staging printed something other than 6 digits");
      expect(bad.stderr).not.toContain("not-a-code");
      expect(bad.calls.calls).toEqual([]);
    } finally {
      await writeFile(sandbox.configFile, original);
    }
  });
});

describe("processes started together", () => {
  it("make one GetSessionToken between them", async () => {
    await nextDay();
    const run = (name: string) => sandbox.run(["credentials", "--setup", SETUP, "--mfa-serial", SERIAL, "--token-code", CODE, "--session-name", name]);
    const results = await Promise.all([run("together-1"), run("together-2"), run("together-3")]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results.reduce((sum, r) => sum + count(r.calls, "GetSessionToken"), 0)).toBe(1);
    expect(results.reduce((sum, r) => sum + count(r.calls, "AssumeRole"), 0)).toBe(3);
  });
});

describe("teardown", () => {
  it("keeps the MFA session while another setup uses the Staging profile, and removes it with the last one", async () => {
    expect(await mfaFiles()).not.toHaveLength(0);
    const other = await sandbox.run(setupArgs("mfa-other-bucket", ["--role-name", "OtherRole", "--temp-profile", "OtherCred"]));
    expect(other.code).toBe(0);
    const first = await sandbox.run(["teardown", "--setup", SETUP, "--yes"]);
    expect(first.code).toBe(0);
    expect(await mfaFiles()).not.toHaveLength(0);
    const last = await sandbox.run(["teardown", "--setup", "mfa-other-bucket/OtherRole", "--yes"]);
    expect(last.code).toBe(0);
    expect(last.stdout).toContain("Removed the cached MFA session");
    expect(await mfaFiles()).toEqual([]);
  });
});
