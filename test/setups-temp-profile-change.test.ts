/**
 * A rerun of a setup that writes its temporary credentials to another profile: the old profile
 * is left as it is (it may be in use), and setup says that xacct no longer tracks it.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();

describe("a rerun with another --temp-profile", () => {
  it("leaves the old profile in place and says that xacct no longer tracks it", async () => {
    expect((await sandbox.run(setupArgs("profile-move-bucket", ["--temp-profile", "OldCred"]))).code).toBe(0);
    const rerun = await sandbox.run(setupArgs("profile-move-bucket", ["--temp-profile", "NewCred"]));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("This setup wrote its temporary credentials to profile OldCred before; this run writes NewCred");
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain("[profile OldCred]");
    expect(config).toContain("[profile NewCred]");
    // The same profile again: nothing to say
    const again = await sandbox.run(setupArgs("profile-move-bucket", ["--temp-profile", "NewCred"]));
    expect(again.stderr).not.toContain("before; this run writes");
  });
});
