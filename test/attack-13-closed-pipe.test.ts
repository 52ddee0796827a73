/**
 * `xacct list | head -1`: the reader goes away before xacct is done printing. xacct ends as a
 * process the closed pipe stopped (exit 141, like SIGPIPE), quietly: no Node stack trace.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), "xacct-pipe-"))));
afterAll(() => rm(dir, { recursive: true, force: true }));

function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = { PATH: process.env["PATH"], HOME: dir, XDG_CONFIG_HOME: join(dir, "xdg"), NO_COLOR: "1" };
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  // The reader is gone before the first line is written.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((done) => child.on("close", (code) => done({ code, stderr })));
}

describe("output into a closed pipe", () => {
  it.each([["list"], ["--help"]])("xacct %s ends quietly, exit 141", async (...args) => {
    const run = await runIntoClosedPipe(args);
    expect(run.stderr).not.toMatch(/EPIPE|node:events|Unhandled|\n\s+at /);
    expect(run.code).toBe(141);
  });
});
