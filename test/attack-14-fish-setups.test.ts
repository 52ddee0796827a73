/**
 * attack-14 r1 F6: fish completion of --setup asks the xacct being completed for setup names.
 * `command $bin` skipped a fish function (what `alias xacct=…` makes) and let fish's own
 * "Unknown command" through: it now calls xacct as the user's fish reaches it, quietly.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const hasFish = spawnSync("sh", ["-c", "command -v fish"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "xacct-fish-setups-"));
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));

function complete(prelude: string, line: string): { stdout: string; stderr: string } {
  const script = join(dir, "xacct.fish");
  writeFileSync(script, execFileSync(process.execPath, [BIN, "completion", "fish"], { encoding: "utf8" }));
  const env = { PATH: process.env.PATH, HOME: dir, XACCT_STATE_FILE: join(dir, "state.json") };
  const ran = spawnSync("fish", ["--no-config", "-c", `${prelude}; source ${script}; complete -C "${line}"`], { env, encoding: "utf8" });
  return { stdout: ran.stdout, stderr: ran.stderr };
}

describe.runIf(hasFish)("fish completion of --setup", () => {
  it("calls xacct when it is a fish function (an alias)", () => {
    const { stdout, stderr } = complete('function xacct; test "$argv" = "__complete setups"; and echo my-bucket/MyRole; end', "xacct env --setup ");
    expect(stdout.split("\n").map((l) => l.split("\t")[0])).toContain("my-bucket/MyRole");
    expect(stderr).toBe("");
  });

  it("prints no fish error when xacct cannot be reached", () => {
    const { stderr } = complete("true", "xacct env --setup ");
    expect(stderr).toBe("");
  });
});
