/**
 * Rules that were written out more than once now have one definition, so every command that
 * applies one says the same thing. Bad input: no AWS call, exit 2, the same sentence.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "./support/sandbox.js";

async function emptyHome(): Promise<NodeJS.ProcessEnv> {
  const dir = await mkdtemp(join(tmpdir(), "xacct-review-"));
  return {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    XDG_CONFIG_HOME: join(dir, "xdg"),
    NO_COLOR: "1",
  };
}

const firstLine = (text: string) => text.split("\n").find((line) => line.startsWith("✘")) ?? text;

describe("one OU check", () => {
  it("setup --ou and export --ou refuse a malformed OU ID with the same sentence", async () => {
    const env = await emptyHome();
    const target = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", "b-one-ou", "--region", "us-east-1"];
    const setup = await runInProcess(["setup", ...target, "--staging-accounts-from-org", "--ou", "ou-nope", "--yes"], env);
    const exported = await runInProcess(
      ["export", "--format", "cloudformation", "--out-dir", join(env.HOME!, "out"), ...target, "--stackset", "--ou", "ou-nope"],
      env,
    );
    expect(setup.code).toBe(2);
    expect(exported.code).toBe(2);
    expect(firstLine(setup.stderr)).toContain("is not an organizational unit ID");
    expect(firstLine(exported.stderr)).toBe(firstLine(setup.stderr));
    expect([...setup.calls.calls, ...exported.calls.calls]).toEqual([]);
  });
});
