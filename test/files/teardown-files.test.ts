/**
 * Teardown edits the profile files last, after deleting in AWS: it checks them first, and
 * removes a profile only when every section either reader takes as it is xacct's.
 */
import { chmod, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "../support/sandbox.js";

const sandbox = useSandbox();
const writes = (calls: { operation: string }[]) => calls.filter((c) => /^(Delete|Detach|Put|Create)/.test(c.operation));

describe("teardown and the profile files", () => {
  it("refuses a read-only config before deleting anything in AWS", async () => {
    expect((await sandbox.run(setupArgs())).code).toBe(0);
    expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);
    await chmod(sandbox.configFile, 0o400);
    const run = await sandbox.run(["teardown", "--yes"]);
    await chmod(sandbox.configFile, 0o600);
    expect(run.stderr).toContain(`${sandbox.configFile} is read-only`);
    expect(run.code).toBe(1);
    expect(writes(run.calls.calls)).toEqual([]);
  });

  it("keeps TempCred when the aws CLI reads a section of it the user wrote", async () => {
    const users = "\n[profile  TempCred]\nrole_arn = arn:aws:iam::333333333333:role/Admin\nsource_profile = staging\n";
    await writeFile(sandbox.configFile, (await readFile(sandbox.configFile, "utf8")) + users);
    const run = await sandbox.run(["teardown", "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("the aws CLI reads a section of it that xacct did not write");
    expect(await readFile(sandbox.configFile, "utf8")).toContain(users);
  });
});
