/**
 * Attack 14 (x4 1, r2 3): a command that leaves a background child holding stdout is done when
 * the command itself exits (the child is its own business); a hanging one is stopped at the
 * timeout, and that is one sentence.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { codeFromProcess } from "../src/mfa/code-process.js";

/** Running (a zombie waiting for a reaper that a container may not have is not running). */
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

describe("mfa_process and the children it leaves", () => {
  it("a background child holding stdout open does not hold xacct: the code is read when the command exits", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-mfa-group-"));
    const pid = join(dir, "pid");
    const started = Date.now();
    try {
      const code = await codeFromProcess(`sh -c 'sleep 300 & echo $! > ${pid}; echo 123456'`, "staging", process.env);
      expect(code).toBe("123456");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      try {
        process.kill(Number(await readFile(pid, "utf8")), "SIGKILL");
      } catch {
        // gone, as it should be
      }
    }
  });

  it("a command that hangs (ignoring SIGTERM, with a child) is stopped at the timeout, in one sentence", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-mfa-group-"));
    const pids = join(dir, "pids");
    const line = `sh -c 'trap "" TERM; sleep 300 & echo $! > ${pids}; echo $$ >> ${pids}; wait'`;
    const started = Date.now();
    const error = await codeFromProcess(line, "staging", process.env, 1_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(XacctError);
    expect((error as XacctError).message).toBe("The mfa_process of profile staging did not finish within 1 s and was stopped, so there is no MFA code.");
    const [child, shell] = (await readFile(pids, "utf8")).trim().split("\n").map(Number);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(shell!)).toBe(false);
    // What it left running is its own (README): not waited for, and cleaned up here.
    try {
      process.kill(child!, "SIGKILL");
    } catch {
      // gone
    }
  });
});
