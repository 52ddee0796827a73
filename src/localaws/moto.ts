/**
 * moto's server as a local AWS for the demo, the tests and benchmarks: one process per
 * MotoServer, on a free 127.0.0.1 port, that never outlives the Node process that started it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { XacctError } from "../errors.js";

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
/** How often a random free port may be taken by someone else before we give up. */
const PORT_ATTEMPTS = 3;

export interface MotoServer {
  /** Serves every service (IAM, STS, S3, ...): use as AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** The server's output: one line per request, tracebacks on errors. */
  readonly logFile: string;
  /** Wipes all state in every account. */
  reset(): Promise<void>;
  /** Kills the server's process group and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** File for the server's output; by default a temp file removed by stop(). */
  log?: string;
  /** Interpreter with moto[server] installed. */
  python?: string;
}

const execFileAsync = promisify(execFile);
const checkedInterpreters = new Map<string, Promise<string>>();

// flask and flask_cors are imported too: moto.server imports without them, then fails per request.
const IMPORT_CHECK = "import sys, moto.server, flask, flask_cors, werkzeug; print(sys.executable)";

/**
 * Checks that `python` can run moto's server and resolves to the interpreter's real path
 * (so a pyenv shim is not in the way of the pid we signal). Checked once per interpreter.
 */
export function ensureMotoAvailable(python = "python3"): Promise<string> {
  let checked = checkedInterpreters.get(python);
  if (!checked) {
    checked = checkMoto(python);
    checkedInterpreters.set(python, checked);
    checked.catch(() => checkedInterpreters.delete(python));
  }
  return checked;
}

async function checkMoto(python: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(python, ["-c", IMPORT_CHECK], { timeout: 60_000 });
    return stdout.trim();
  } catch (err) {
    const install = `${python} -m pip install 'moto[server]'`;
    throw new XacctError(`The local AWS emulator cannot start: ${python} cannot import moto's server (${lastLine(err)}). ` + `Install it with: ${install}`, {
      hint: `Run: ${install}`,
      cause: err,
    });
  }
}

function lastLine(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === "string" && stderr.trim() !== "" ? stderr : String(err);
  return text.trim().split("\n").at(-1) ?? text;
}

/** Starts moto's server and resolves once it answers requests. */
export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const python = await ensureMotoAvailable(opts.python);
  const attempts = opts.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await launch(python, port, opts.log);
    } catch (err) {
      // Between closing our probe socket and moto binding, another process may take the port.
      if (!(err instanceof PortInUseError) || attempt >= attempts) throw err;
    }
  }
}

class PortInUseError extends XacctError {}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Runs moto's server with a watchdog thread: stdin is a pipe from us, and it reaches EOF when
 * this Node process ends in any way (even SIGKILL, which no exit handler sees), so the server
 * exits with it instead of lingering as an orphan holding its port.
 */
const SERVER_SCRIPT = `
import os, sys, threading
from moto.server import main

def exit_when_parent_is_gone():
    # os.read, not sys.stdin: a buffered read holds a lock that stalls interpreter shutdown.
    while os.read(0, 4096):
        pass
    os._exit(0)

threading.Thread(target=exit_when_parent_is_gone, daemon=True).start()
main(sys.argv[1:])
`;

async function launch(python: string, port: number, log: string | undefined): Promise<MotoServer> {
  const tempDir = log === undefined ? await mkdtemp(join(tmpdir(), "xacct-moto-")) : undefined;
  const logFile = log ?? join(tempDir!, "server.log");
  const child = spawnServer(python, port, logFile);
  const endpoint = `http://${HOST}:${port}`;
  const removeTemp = async () => {
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, endpoint, logFile);
  } catch (err) {
    await stopProcessGroup(child);
    await removeTemp();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid!,
    logFile,
    reset: () => resetMoto(endpoint),
    stop: () => (stopping ??= stopProcessGroup(child).then(removeTemp)),
  };
}

function spawnServer(python: string, port: number, logFile: string): ChildProcess {
  const logFd = openSync(logFile, "w");
  try {
    const child = spawn(python, ["-c", SERVER_SCRIPT, "-H", HOST, "-p", String(port)], {
      // Its own process group, so stop() can signal the server and anything it starts.
      detached: true,
      stdio: ["pipe", logFd, logFd],
      env: serverEnv(port),
    });
    child.on("error", () => {}); // a failed spawn shows up as an exit in waitUntilReady
    track(child);
    // A forgotten stop() must not keep Node alive; the exit handler and watchdog clean up.
    child.unref();
    (child.stdin as Socket | null)?.unref();
    return child;
  } finally {
    closeSync(logFd); // the child holds its own copy
  }
}

function serverEnv(port: number): NodeJS.ProcessEnv {
  // MOTO_ACCOUNT_ID would force every request into one account, defeating per-key accounts.
  const { MOTO_ACCOUNT_ID: _account, MOTO_PORT: _port, ...env } = process.env;
  return { ...env, MOTO_PORT: String(port), PYTHONUNBUFFERED: "1" };
}

/**
 * Ready once our child says it holds the port and the port answers. The first alone is not
 * enough (moto answers only after loading), the second alone could be another server that
 * took the port, with our child about to die of "Address already in use".
 */
async function waitUntilReady(child: ChildProcess, endpoint: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // werkzeug prints this line right after binding; it has done so for many major versions.
  const bound = new RegExp(`Running on ${endpoint.replaceAll(".", "\\.")}\\b`);
  let holdsPort = false;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      const tail = await readTail(logFile);
      const message = `moto's server exited (code ${child.exitCode ?? child.signalCode}) before answering on ${endpoint}.\n${tail}`;
      throw /in use/i.test(tail) ? new PortInUseError(message) : new XacctError(message);
    }
    holdsPort ||= bound.test(await readTail(logFile));
    if (holdsPort && (await answers(`${endpoint}/moto-api/`))) return;
    await sleep(50);
  }
  throw new XacctError(`moto's server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s.\n${await readTail(logFile)}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false; // not listening yet
  }
}

async function readTail(file: string, bytes = 2_000): Promise<string> {
  try {
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - bytes);
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - start), 0, size - start, start);
      return `Last server output:\n${buffer.subarray(0, bytesRead).toString("utf8")}`;
    } finally {
      await handle.close();
    }
  } catch {
    return "(no server output)";
  }
}

async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  await res.arrayBuffer();
  if (!res.ok) throw new XacctError(`Resetting moto at ${endpoint} failed: HTTP ${res.status}.`);
}

const running = new Set<ChildProcess>();
let exitHandlerInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    // Only synchronous work runs in an exit handler, hence SIGKILL rather than a polite stop.
    process.once("exit", () => running.forEach((c) => signalGroup(c, "SIGKILL")));
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  child.ref(); // keep Node alive until the exit is seen
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child, "SIGTERM");
  const escalate = setTimeout(() => signalGroup(child, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(escalate);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // negative pid: the whole process group
  } catch {
    // ESRCH: already gone
  }
}
