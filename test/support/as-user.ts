/**
 * Runs the built CLI (or a Node script) as a user who is not root, so file-permission tests
 * run in CI, where tests run as root: as root, through `setpriv` with a uid no one uses;
 * otherwise as ourselves. Every run has a time limit, so a hang fails the test instead of CI.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll } from "vitest";
import { chmod, chown, cp, mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const IS_ROOT = process.getuid?.() === 0;
/** The user the runs below act as. */
export const USER = IS_ROOT ? { uid: 4242, gid: 4242 } : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

export const BIN = resolve(__dirname, "../../bin/xacct.js");
const CHECKOUT = resolve(__dirname, "../..");

let built: Promise<string> | undefined;
let copied: string | undefined;
// Registered as the test file imports this module, so it runs after that file's tests.
afterAll(() => {
  if (copied) rmSync(copied, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

/**
 * The checkout's built CLI where USER can read it. A checkout in a folder only root may enter
 * (`mktemp -d` makes 0700 ones) is out of USER's reach: then bin/, dist/ and package.json are
 * copied once, per test process, into a folder anyone may read.
 */
export function builtForUser(): Promise<string> {
  built ??= (async () => {
    if (!IS_ROOT || (await readableByOthers(CHECKOUT))) return CHECKOUT;
    const copy = await mkdtemp(join(tmpdir(), "xacct-build-"));
    copied = copy;
    await chmod(copy, 0o755);
    for (const part of ["bin", "dist", "package.json"]) await cp(join(CHECKOUT, part), join(copy, part), { recursive: true });
    return copy;
  })();
  return built;
}

/** Whether a user who is neither owner nor in the group may reach `dir`: every folder up to / lets others in. */
async function readableByOthers(dir: string): Promise<boolean> {
  for (let at = dir; ; at = resolve(at, "..")) {
    if (((await stat(at)).mode & 0o005) !== 0o005) return false;
    if (at === resolve(at, "..")) return true;
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** A new directory under the temp dir, owned by USER. */
export async function userOwnedDir(prefix = "xacct-user-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await giveToUser(dir);
  return dir;
}

export async function giveToUser(path: string): Promise<void> {
  if (IS_ROOT) await chown(path, USER.uid, USER.gid);
}

/** `node ARGS` as USER, killed after `timeoutMs`. */
export function runNodeAsUser(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<RunResult> {
  const asUser = IS_ROOT ? ["setpriv", `--reuid=${USER.uid}`, `--regid=${USER.gid}`, "--clear-groups", process.execPath] : [process.execPath];
  const [command, ...prefix] = asUser as [string, ...string[]];
  const started = Date.now();
  const child = spawn(command, [...prefix, ...args], { env: options.env, cwd: options.cwd ?? tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? 20_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, timedOut, ms: Date.now() - started });
    }),
  );
}

/** `xacct ARGS` as USER. */
export function runXacctAsUser(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<RunResult> {
  return builtForUser().then((root) => runNodeAsUser([join(root, "bin/xacct.js"), ...args], options));
}
