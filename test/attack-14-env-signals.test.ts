/**
 * attack-14 r1 F1-F3: xacct env and credentials, waiting on an endpoint that never answers
 * (a slow STS, a firewall dropping packets; an MFA prompt makes the same window):
 * - SIGUSR1 never opens Node's inspector at 127.0.0.1:9229, and does not end xacct;
 * - SIGTERM/SIGINT/SIGHUP make env print its failing statement, so `eval "$(timeout 3 xacct env)"
 *   && next` stops, and exit 128+n;
 * - env refuses a stdout file other users may read, as credentials does, before any AWS call.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const home = mkdtempSync(join(tmpdir(), "xacct-env-sig-"));
const sockets: Socket[] = [];
let silent: Server;
let endpoint = "";
const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
const ROLE = "arn:aws:iam::111111111111:role/StageRole";

beforeAll(async () => {
  silent = createServer((socket) => sockets.push(socket)); // accepts, never answers
  await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  writeFileSync(
    join(home, "credentials"),
    "[staging]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    { mode: 0o600 },
  );
  writeFileSync(join(home, "config"), "[profile staging]\nregion = us-east-1\n", { mode: 0o600 });
});
afterAll(() => {
  for (const s of sockets) s.destroy();
  silent.close();
  rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

const env = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  AWS_CONFIG_FILE: join(home, "config"),
  AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
  XACCT_STATE_FILE: join(home, "state.json"),
  // A cache of its own per run: a run killed while it fetches leaves the cache lock behind, and
  // the next run with the same session key would wait out its 10 s staleness.
  XDG_CACHE_HOME: mkdtempSync(join(home, "cache-")),
  AWS_PROFILE: "prod",
  NODE: process.execPath,
  XACCT: BIN,
});
const hanging = (command: string, format = "sh") =>
  command === "env"
    ? ["env", "--format", format, "--profile", "staging", "--role-arn", ROLE, "--endpoint-url", endpoint]
    : ["credentials", "--profile", "staging", "--role-arn", ROLE, "--endpoint-url", endpoint];

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const c = createConnection({ port, host: "127.0.0.1" });
    c.on("connect", () => (c.destroy(), done(true)));
    c.on("error", () => done(false));
  });
}
function groupAlive(group: number): boolean {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
}
/** Starts xacct, waits until it has connected to the silent endpoint. */
async function startHanging(args: string[]) {
  const before = sockets.length;
  const child = spawn(process.execPath, [BIN, ...args], { env: env(), cwd: home, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("close", (code, signal) => done({ code, signal })));
  for (let i = 0; i < 200 && sockets.length === before && child.exitCode === null; i += 1) await sleep(50);
  if (sockets.length === before) child.kill("SIGKILL"); // never left waiting for a later test to count
  expect(sockets.length, stderr).toBeGreaterThan(before);
  return { child, ended, out: () => stdout, err: () => stderr };
}

describe("SIGUSR1 never opens the inspector (F1)", () => {
  for (const command of ["env", "credentials"]) {
    it(`xacct ${command} waiting on STS: USR1 leaves 9229 closed and xacct running`, async () => {
      const run = await startHanging(hanging(command));
      try {
        run.child.kill("SIGUSR1");
        await sleep(700);
        expect(await portOpen(9229)).toBe(false);
        expect(run.err()).not.toContain("Debugger listening");
        expect(run.child.exitCode).toBeNull();
        expect(run.child.signalCode).toBeNull();
      } finally {
        run.child.kill("SIGKILL");
        await run.ended;
      }
    }, 20_000);
  }
});

describe("a signal ends xacct env with the failing statement (F2)", () => {
  for (const [signal, n] of [
    ["SIGTERM", 15],
    ["SIGINT", 2],
    ["SIGHUP", 1],
  ] as const) {
    it(`${signal}: stdout is the failing line, exit ${128 + n}`, async () => {
      const run = await startHanging(hanging("env"));
      run.child.kill(signal);
      expect(await run.ended).toEqual({ code: 128 + n, signal: null });
      expect(run.out()).toBe("false\n");
    }, 20_000);
  }

  it("powershell gets its throw", async () => {
    const run = await startHanging(hanging("env", "powershell"));
    run.child.kill("SIGTERM");
    await run.ended;
    expect(run.out()).toBe("throw 'xacct env failed: see the message above'\n");
  }, 20_000);

  it('bash: eval "$(timeout 3 xacct env …)" && echo continued does not continue', () => {
    const script = `eval "$(timeout 3 "$NODE" "$XACCT" env --profile staging --role-arn ${ROLE} --endpoint-url ${endpoint})" && echo continued; echo end`;
    expect(execFileSync("bash", ["-c", script], { env: env(), cwd: home, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })).toBe("end\n");
  }, 20_000);

  it.runIf(has("fish"))(
    "fish: timeout 3 xacct env --format fish | source; and echo continued does not continue",
    () => {
      const script = `timeout 3 $NODE $XACCT env --format fish --profile staging --role-arn ${ROLE} --endpoint-url ${endpoint} | source; and echo continued; echo end`;
      expect(execFileSync("fish", ["--no-config", "-c", script], { env: env(), cwd: home, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })).toBe(
        "end\n",
      );
    },
    20_000,
  );
});

describe("xacct env refuses a stdout file others may read (F3)", () => {
  it("umask 022 > out.env: refused, exit 2, the file stays empty, no AWS call", () => {
    const before = sockets.length;
    const script = `umask 022; "$NODE" "$XACCT" env --format dotenv --profile staging --role-arn ${ROLE} --endpoint-url ${endpoint} > out.env`;
    const ran = spawnSync("sh", ["-c", script], { env: env(), cwd: home, encoding: "utf8" });
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain("a file other users may read");
    expect(readFileSync(join(home, "out.env"), "utf8")).toBe("");
    expect(sockets.length).toBe(before);
  });

  it("the README's form, (umask 077; … > .env), is a private file and passes the check", async () => {
    const before = sockets.length;
    const script = `(umask 077; exec "$NODE" "$XACCT" env --format dotenv --profile staging --role-arn ${ROLE} --endpoint-url ${endpoint} > private.env)`;
    // The parentheses make a subshell, so xacct is sh's grandchild: it runs in a process group of
    // its own, which is signalled and waited for as a whole. Killing only sh would leave xacct
    // waiting on STS, to exit (and write its caches into the temp home) after the clean-up began.
    const child = spawn("sh", ["-c", script], { env: env(), cwd: home, stdio: "ignore", detached: true });
    const group = -(child.pid as number);
    try {
      for (let i = 0; i < 200 && sockets.length === before; i += 1) await sleep(50); // got as far as STS
      expect(sockets.length).toBeGreaterThan(before);
      expect(statSync(join(home, "private.env")).mode & 0o077).toBe(0);
    } finally {
      process.kill(group, "SIGTERM");
      for (let i = 0; i < 400 && groupAlive(group); i += 1) await sleep(25);
      if (groupAlive(group)) process.kill(group, "SIGKILL");
    }
    expect(groupAlive(group)).toBe(false);
  }, 20_000);
});
