/**
 * `xacct export --out-dir DIR` replaces only the files it wrote itself (they carry its marker):
 * a file of the user's under one of its names is refused before any AWS call, unless --force.
 */
import { link, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", "export-overwrite-1", "--region", "us-east-1"];
const exportTo = (dir: string, format = "cloudformation", extra: string[] = []) =>
  sandbox.run(["export", ...TARGET, "--format", format, "--out-dir", dir, ...extra]);

describe("export into a directory holding the user's files", () => {
  it("refuses a regular staging.json it did not write, before any AWS call, and writes nothing", async () => {
    const dir = join(sandbox.dir, "infra");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "staging.json"), '{"mine": true}\n');

    const result = await exportTo(dir);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, "staging.json")} already exists and xacct export did not write it`);
    expect(result.stderr).toContain("--force");
    expect(result.calls.calls).toEqual([]);
    expect(await readFile(join(dir, "staging.json"), "utf8")).toBe('{"mine": true}\n');
  });

  it("replaces it with --force", async () => {
    const dir = join(sandbox.dir, "forced");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "production.tf.json"), "{}\n");
    expect((await exportTo(dir, "terraform")).code).toBe(2);
    expect((await exportTo(dir, "terraform", ["--force"])).code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "production.tf.json"), "utf8"))["//"]).toContain("xacct export");
  });

  it("replaces its own files on a second run, and never writes through a hard link", async () => {
    const dir = join(sandbox.dir, "again");
    expect((await exportTo(dir)).code).toBe(0);
    const template = JSON.parse(await readFile(join(dir, "staging.json"), "utf8"));
    expect(template.Metadata.xacct).toContain("xacct export");
    const elsewhere = join(sandbox.dir, "linked-copy.json");
    await link(join(dir, "staging.json"), elsewhere);
    const before = await readFile(elsewhere, "utf8");
    await writeFile(join(dir, "production.json"), (await readFile(join(dir, "production.json"), "utf8")).replace("Description", "Description2"));

    expect((await exportTo(dir)).code).toBe(0);
    expect(await readFile(elsewhere, "utf8")).toBe(before);
    expect(await readFile(join(dir, "production.json"), "utf8")).not.toContain("Description2");
  });
});
