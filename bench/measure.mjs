/** Timing and memory of child processes, and the statistics the tables print. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";

const GNU_TIME = "/usr/bin/time";
const HAS_GNU_TIME = existsSync(GNU_TIME);

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs a command to completion: wall time in ms, exit code, output, and peak RSS in MB (from
 * GNU time's maximum resident set size, else by polling /proc/PID/status for VmHWM).
 */
export function run(command, args, { env, cwd, stdin = "ignore", peakRss = false } = {}) {
  const viaTime = peakRss && HAS_GNU_TIME;
  const [file, argv] = viaTime ? [GNU_TIME, ["-f", "xacct-bench-maxrss %M", command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, argv, { env, cwd, stdio: [stdin, "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let hwmKb = 0;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const poll = peakRss && !viaTime ? setInterval(() => readHwm(child.pid).then((kb) => (hwmKb = Math.max(hwmKb, kb))), 10) : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      clearInterval(poll);
      let rssMb;
      if (viaTime) {
        const match = /xacct-bench-maxrss (\d+)\s*$/.exec(stderr);
        stderr = stderr.replace(/xacct-bench-maxrss \d+\s*$/, "");
        rssMb = match ? Number(match[1]) / 1024 : undefined;
      } else if (peakRss) rssMb = hwmKb / 1024;
      resolve({ ms, code, stdout, stderr, rssMb });
    });
  });
}

async function readHwm(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // exited
  }
}

/** Runs `run` and fails loudly on a non-zero exit: a benchmark of a failing command means nothing. */
export async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stderr}${result.stdout}`);
  }
  return result;
}

export const fmt = {
  ms: (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`),
  ratio: (r) => `${r.toFixed(r < 10 ? 2 : 1)}×`,
  mb: (mb) => `${mb.toFixed(0)} MB`,
};
