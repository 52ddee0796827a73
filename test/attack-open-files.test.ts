/**
 * Session keys never go into a file other users may read: static keys into a config or
 * credentials file open to group or others are refused before any AWS call; role and process
 * styles write no secret, so they may write to such a config file (its mode is kept).
 */
import { chmod, readFile, stat } from "node:fs/promises";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

beforeAll(async () => {
  expect((await sandbox.run(setupArgs("open-files-bucket"))).code).toBe(0);
});
afterEach(async () => {
  await chmod(sandbox.configFile, 0o600);
  await chmod(sandbox.credentialsFile, 0o600);
});

describe("static keys into a file open to others", () => {
  it.each([
    ["config", 0o644, []],
    ["config", 0o640, []],
    ["credentials", 0o644, ["--credentials-file"]],
  ] as const)("the %s file at mode %o: refused before any AWS call, left as it was", async (file, mode, flags) => {
    const path = file === "config" ? sandbox.configFile : sandbox.credentialsFile;
    await chmod(path, mode);
    const before = await readFile(path, "utf8");

    const result = await sandbox.run(["assume", "--write-profile", "W1", ...flags]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} is open to other users (mode 0${mode.toString(8)}), so xacct will not write session keys into it.`);
    expect(result.stderr).toContain(`chmod 600 ${path}; or use --profile-style role`);
    expect(result.calls.calls).toEqual([]);
    expect(await readFile(path, "utf8")).toBe(before);
    expect(await modeOf(path)).toBe(mode);
  });

  it("setup, which writes static keys when unattended, refuses before any AWS call", async () => {
    await chmod(sandbox.configFile, 0o644);
    const result = await sandbox.run(setupArgs("open-files-bucket"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is open to other users (mode 0644)");
    expect(result.calls.calls).toEqual([]);
  });

  it.each(["role", "process"])("%s style writes no secret: allowed, and the file keeps its mode", async (style) => {
    await chmod(sandbox.configFile, 0o644);
    const result = await sandbox.run(["assume", "--write-profile", `W-${style}`, "--profile-style", style]);
    expect(result.code).toBe(0);
    expect(await modeOf(sandbox.configFile)).toBe(0o644);
    const section = (await readFile(sandbox.configFile, "utf8")).split(`[profile W-${style}]`)[1]!.split("[")[0];
    expect(section).not.toMatch(/aws_secret_access_key|aws_session_token/);
  });

  it("a private file (0600) takes the keys and keeps its mode", async () => {
    const result = await sandbox.run(["assume", "--write-profile", "W2"]);
    expect(result.code).toBe(0);
    expect(await modeOf(sandbox.configFile)).toBe(0o600);
    expect(await modeOf(`${sandbox.configFile}.xacct.bak`)).toBe(0o600);
  });
});
