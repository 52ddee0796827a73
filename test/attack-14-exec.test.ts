/**
 * xacct exec, as attacked: every catchable signal sent to xacct reaches the command and xacct
 * outlives it (before, USR2 and ALRM killed xacct and orphaned the command, and USR1 opened
 * Node's inspector on 127.0.0.1:9229, inside a process holding the role's keys); the command's
 * environment holds no variable xacct set for itself; --token-code is not left readable in
 * xacct's command line while the command runs; a cached session with little time left is not
 * handed to a command.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { handedOutMinimumMs } from "../src/workflows/role-session.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { BIN } from "./support/xacct-process.js";

const sandbox = useSandbox();

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI; `onStdout` sees the output so far and xacct's pid, as it comes. */
function xacct(args: string[], options: { env?: NodeJS.ProcessEnv; onStdout?: (text: string, pid: number) => void } = {}): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...sandbox.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: sandbox.dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
    options.onStdout?.(stdout, child.pid!);
  });
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  return new Promise((done) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    }),
  );
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
}, 120_000);

describe("signals sent to xacct reach the command, and xacct outlives it", () => {
  for (const signal of ["SIGUSR1", "SIGUSR2", "SIGALRM", "SIGWINCH", "SIGCONT", "SIGHUP", "SIGTERM"] as const) {
    it(`${signal}`, async () => {
      const name = signal.slice(3);
      const script = `trap "echo got-${name}; exit 3" ${name}; echo ready; i=0; while [ $i -lt 60 ]; do sleep 0.05; i=$((i+1)); done; exit 9`;
      let sent = false;
      let text = "";
      const ran = await xacct(["exec", "--", "sh", "-c", script], {
        onStdout: (now, pid) => {
          text = now;
          if (!sent && text.includes("ready")) {
            sent = true;
            process.kill(pid, signal);
            // On a loaded machine one signal in a few runs was seen not to show in the command's output within the
            // loop (cause not found): sent again every 300 ms until it does; before the fix none ever arrived.
            const again = setInterval(() => {
              if (text.includes("got-")) clearInterval(again);
              else
                try {
                  process.kill(pid, signal);
                } catch {
                  clearInterval(again); // xacct has ended
                }
            }, 300);
            setTimeout(() => clearInterval(again), 2500);
          }
        },
      });
      expect({ stdout: ran.stdout, stderr: ran.stderr }).toEqual({ stdout: `ready\ngot-${name}\n`, stderr: expect.any(String) });
      expect(ran.code).toBe(3); // the command's exit code: xacct was alive to report it
      expect(ran.stderr).not.toContain("Debugger");
    }, 20_000);
  }

  it("SIGUSR1 never opens Node's inspector: 127.0.0.1:9229 stays closed", async () => {
    const script = 'trap "echo got-USR1" USR1; trap "exit 4" TERM; echo ready; i=0; while [ $i -lt 60 ]; do sleep 0.05; i=$((i+1)); done; exit 9';
    let sent = false;
    let open: Promise<boolean> | undefined;
    const ran = await xacct(["exec", "--", "sh", "-c", script], {
      onStdout: (text, pid) => {
        if (!sent && text.includes("ready")) {
          sent = true;
          process.kill(pid, "SIGUSR1");
        }
        if (open === undefined && text.includes("got-USR1")) {
          open = new Promise((r) => setTimeout(r, 300)).then(() => portOpen(9229));
          void open.then(() => process.kill(pid, "SIGTERM"));
        }
      },
    });
    expect(await open).toBe(false);
    expect(ran.stderr).not.toContain("Debugger listening");
    expect(ran.code).toBe(4);
  }, 20_000);
});

describe("the command's environment", () => {
  it("does not get AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, which xacct sets for itself", async () => {
    const ran = await xacct(["exec", "--", "env"], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined } });
    expect(ran.code).toBe(0);
    expect(ran.stdout).not.toContain("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED");
  });

  it("keeps it when it was the user's", async () => {
    const ran = await xacct(["exec", "--", "env"], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" } });
    expect(ran.stdout).toContain("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false\n");
  });
});

describe("--token-code", () => {
  it("is not in xacct's command line (/proc/PID/cmdline) while the command runs", async () => {
    const serial = `arn:aws:iam::${sandbox.staging.accountId}:mfa/f5`;
    const ran = await xacct([
      "exec",
      "--mfa-serial",
      serial,
      "--token-code",
      "654321",
      "--session-name",
      "f5",
      "--",
      "sh",
      "-c",
      'tr "\\0" " " < /proc/$PPID/cmdline',
    ]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("exec");
    expect(ran.stdout).not.toContain("654321");
  });
});

/** Shortens every cached session to `minutes` from now, as if the cache were that much older. */
function ageCache(minutes: number): void {
  const dir = join(sandbox.dir, ".cache", "xacct", "credentials");
  const soon = new Date(Date.now() + minutes * 60_000).toISOString();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const cached = JSON.parse(readFileSync(file, "utf8"));
    if (cached.expiration) writeFileSync(file, JSON.stringify({ ...cached, expiration: soon }), { mode: 0o600 });
  }
}

describe("how long a handed-out session must still last", () => {
  it("min(15 minutes, half the session)", () => {
    expect(handedOutMinimumMs(undefined)).toBe(15 * 60_000);
    expect(handedOutMinimumMs(900)).toBe(450_000);
    expect(handedOutMinimumMs(43200)).toBe(15 * 60_000);
  });

  it("env fetches a fresh session too, and credentials keeps serving the cached one (its 5-minute margin)", async () => {
    const first = await xacct(["env", "--session-name", "f9env", "--format", "json"]);
    expect(first.code).toBe(0);
    ageCache(6);
    const served = await xacct(["credentials", "--session-name", "f9env"]);
    expect(new Date(JSON.parse(served.stdout).Expiration).getTime() - Date.now()).toBeLessThan(7 * 60_000);
    const second = await xacct(["env", "--session-name", "f9env", "--format", "json"]);
    expect(new Date(JSON.parse(second.stdout).AWS_CREDENTIAL_EXPIRATION).getTime() - Date.now()).toBeGreaterThan(15 * 60_000);
  });
});

describe("a cached session with little time left", () => {
  it("is not handed to a command: exec fetches a fresh one, and says until when it lasts", async () => {
    const first = await xacct(["exec", "--session-name", "f9", "--", "sh", "-c", "echo $AWS_CREDENTIAL_EXPIRATION"]);
    expect(first.code).toBe(0);
    // As if the cache were 54 minutes old: 6 minutes left, more than credential_process's 5-minute margin.
    const dir = join(sandbox.dir, ".cache", "xacct", "credentials");
    const soon = new Date(Date.now() + 6 * 60_000).toISOString();
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      const cached = JSON.parse(readFileSync(file, "utf8"));
      if (cached.expiration) writeFileSync(file, JSON.stringify({ ...cached, expiration: soon }), { mode: 0o600 });
    }
    const second = await xacct(["exec", "--session-name", "f9", "--", "sh", "-c", "echo $AWS_CREDENTIAL_EXPIRATION"]);
    expect(second.code).toBe(0);
    const left = new Date(second.stdout.trim()).getTime() - Date.now();
    expect(left).toBeGreaterThan(15 * 60_000);
    expect(second.stderr).toContain(second.stdout.trim().replace(/\.000Z$/, ""));
  });
});
