/**
 * What would fail the profile write is found before the first AWS call, not after the role is
 * assumed (or, in setup, after both accounts were changed): a setting xacct writes spelled in
 * another case in the target section, a backup that is not a file, a lock that is not a folder.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { backupPathFor, lockPathFor } from "../src/awsconfig/store.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
let original: string;
beforeAll(async () => {
  expect((await sandbox.run(setupArgs("late-checks-bucket"))).code).toBe(0);
  original = await readFile(sandbox.configFile, "utf8");
});
afterEach(async () => {
  await writeFile(sandbox.configFile, original);
  await rm(backupPathFor(sandbox.configFile), { recursive: true, force: true });
  await rm(lockPathFor(sandbox.configFile), { recursive: true, force: true });
});

const ASSUME = ["assume", "--write-profile", "T2"];

describe("a profile write that cannot succeed is refused before any AWS call", () => {
  it("setup: REGION beside the region xacct writes changes nothing in either account", async () => {
    await writeFile(sandbox.configFile, `${original}\n[profile T2]\nxacct_profile = static\nREGION = us-west-2\n`);
    const result = await sandbox.run(setupArgs("late-checks-other", ["--role-name", "LateRole", "--temp-profile", "T2"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("region twice");
    expect(result.calls.writes).toEqual([]);
  });

  it("assume: the same section costs no AssumeRole (nor an MFA code)", async () => {
    await writeFile(sandbox.configFile, `${original}\n[profile T2]\nxacct_profile = static\nREGION = us-west-2\n`);
    const result = await sandbox.run(ASSUME);
    expect(result.code).toBe(2);
    expect(result.calls.calls).toEqual([]);
  });

  it("a folder where the backup goes is named before AssumeRole", async () => {
    await mkdir(`${backupPathFor(sandbox.configFile)}/x`, { recursive: true });
    const result = await sandbox.run(ASSUME);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not a regular file");
    expect(result.calls.calls).toEqual([]);
  });

  it("a leftover file where the lock goes is named at once, not after a wait", async () => {
    await writeFile(lockPathFor(sandbox.configFile), "");
    const started = Date.now();
    const result = await sandbox.run(ASSUME);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(lockPathFor(sandbox.configFile));
    expect(result.calls.calls).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
