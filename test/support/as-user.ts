/**
 * Runs the built CLI (or a Node script) as a user who is not root, so file-permission tests
 * run in CI, where tests run as root: as root, through `setpriv` with a uid no one uses;
 * otherwise as ourselves. Every run has a time limit, so a hang fails the test instead of CI.
 */
import { spawn } from "node:child_process";
import { chown, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const IS_ROOT = process.getuid?.() === 0;
/** The user the runs below act as. */
export const USER = IS_ROOT ? { uid: 4242, gid: 4242 } : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

export const BIN = resolve(__dirname, "../../bin/xacct.js");

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
  return runNodeAsUser([BIN, ...args], options);
}
