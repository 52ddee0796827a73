/**
 * `xacct export --out-dir` into a folder the user did not fill alone (a cloned repository):
 * a planted symlink under one of export's file names must not redirect the write.
 */
import { lstat, mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", "export-files-101", "--region", "us-east-1"];

describe("export's files", () => {
  it("refuses a symlink under one of its file names, and writes nothing at all", async () => {
    const dir = join(sandbox.dir, "cloned-repo", "infra");
    await mkdir(dir, { recursive: true });
    const victim = join(sandbox.dir, "victim-bashrc");
    await writeFile(victim, "export PATH=/usr/bin\n");
    await symlink("../../victim-bashrc", join(dir, "staging.json"));

    const result = await sandbox.run(["export", ...TARGET, "--format", "cloudformation", "--out-dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("staging.json is a symbolic link");
    expect(await readFile(victim, "utf8")).toBe("export PATH=/usr/bin\n");
    expect((await lstat(join(dir, "staging.json"))).isSymbolicLink()).toBe(true);
    expect(await readdir(dir)).toEqual(["staging.json"]); // production.json was not written either
  });

  it("replaces its own regular files when exported again", async () => {
    const dir = join(sandbox.dir, "re-export");
    const args = ["export", ...TARGET, "--format", "terraform", "--out-dir", dir];
    expect((await sandbox.run(args)).code).toBe(0);
    expect((await sandbox.run(args)).code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(["production.tf.json", "providers.tf.json", "staging.tf.json", "variables.tf.json"]);
  });
});
