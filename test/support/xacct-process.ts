/**
 * The built CLI in a process of its own, as the AWS tools and scripts run it: stdin closed,
 * stdout and stderr pipes, a time limit so a hang fails the test instead of CI.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";

export const BIN = resolve(__dirname, "../../bin/xacct.js");

export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runXacctProcess(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }): Promise<ProcessRun> {
  const child = execFile(process.execPath, [BIN, ...args], { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 });
  child.stdin?.end();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  return new Promise((done) => child.on("close", (code) => done({ code: code ?? 1, stdout, stderr })));
}
