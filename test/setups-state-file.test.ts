/**
 * The state file holds every setup by its id: a version 1 file is read as its one setup and
 * rewritten as version 2 on the next write; writes change one entry under a lock, from the
 * file as it is then, atomically and 0600; a file others may change is refused, not rewritten.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetSetup, loadSetups, markVerified, saveSetup, setupIdOf, type SetupState } from "../src/state.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-setups-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(bucket: string, roleName = "StageRole"): SetupState {
  return {
    productionProfile: "prod",
    stagingProfile: "staging",
    region: "us-east-1",
    bucket,
    roleName,
    policyName: `${roleName}ReadObjects`,
    roleArn: `arn:aws:iam::111111111111:role/${roleName}`,
    policyArn: `arn:aws:iam::111111111111:policy/${roleName}ReadObjects`,
    stagingUser: "StageAdmin",
    tempProfile: "TempCred",
    productionAccountId: "111111111111",
    stagingAccountId: "222222222222",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("the state file of many setups", () => {
  it("reads a version 1 file as its one setup, and rewrites it as version 2 keeping it on the next write", async () => {
    const path = join(dir, "v1.json");
    await writeFile(path, JSON.stringify({ version: 1, setup: setup("old-bucket") }), { mode: 0o600 });
    expect((await loadSetups(path)).map(setupIdOf)).toEqual(["old-bucket/StageRole"]);

    await saveSetup(setup("new-bucket", "OtherRole"), path);

    const file = JSON.parse(await readFile(path, "utf8"));
    expect(file.version).toBe(2);
    expect(Object.keys(file.setups)).toEqual(["new-bucket/OtherRole", "old-bucket/StageRole"]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("a setup saved again replaces only its own entry", async () => {
    const path = join(dir, "same-id.json");
    await saveSetup(setup("bkt-a"), path);
    await saveSetup(setup("bkt-b"), path);
    await saveSetup({ ...setup("bkt-a"), region: "eu-west-1" }, path);
    expect((await loadSetups(path)).map((s) => [setupIdOf(s), s.region])).toEqual([
      ["bkt-a/StageRole", "eu-west-1"],
      ["bkt-b/StageRole", "us-east-1"],
    ]);
  });

  it("setups saved at the same time are all kept (each write re-reads the file under the lock)", async () => {
    const path = join(dir, "race.json");
    const buckets = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    await Promise.all(buckets.map((bucket) => saveSetup(setup(bucket), path)));
    expect((await loadSetups(path)).map((s) => s.bucket).sort()).toEqual([...buckets].sort());
  });

  it("forgetting a setup forgets only it; the file goes with the last one", async () => {
    const path = join(dir, "forget.json");
    await saveSetup(setup("bkt-a"), path);
    await saveSetup(setup("bkt-b"), path);
    await forgetSetup("bkt-a/StageRole", path);
    expect((await loadSetups(path)).map(setupIdOf)).toEqual(["bkt-b/StageRole"]);
    await forgetSetup("bkt-b/StageRole", path);
    expect(existsSync(path)).toBe(false);
    expect(await loadSetups(path)).toEqual([]);
  });

  it("records when a setup was verified on the entry as it is, and nowhere else", async () => {
    const path = join(dir, "verified.json");
    await saveSetup(setup("bkt-a"), path);
    await saveSetup(setup("bkt-b"), path);
    await markVerified("bkt-b/StageRole", new Date("2026-02-03T04:05:06.000Z"), "passed", path);
    await markVerified("gone/StageRole", new Date(), "failed", path);
    expect((await loadSetups(path)).map((s) => [s.bucket, s.lastVerifiedAt])).toEqual([
      ["bkt-a", undefined],
      ["bkt-b", "2026-02-03T04:05:06.000Z"],
    ]);
  });

  it("a file others may change is refused before it is rewritten", async () => {
    const path = join(dir, "open.json");
    await saveSetup(setup("bkt-a"), path);
    await chmod(path, 0o666);
    await expect(saveSetup(setup("bkt-b"), path)).rejects.toThrow(/can be changed by other users/);
    await chmod(path, 0o600);
    expect((await loadSetups(path)).map(setupIdOf)).toEqual(["bkt-a/StageRole"]);
  });

  it("an entry whose id is not its setup's is named as damage", async () => {
    const path = join(dir, "mismatch.json");
    await writeFile(path, JSON.stringify({ version: 2, setups: { "x/Y": setup("bkt-a") } }), { mode: 0o600 });
    await expect(loadSetups(path)).rejects.toThrow(/the entry "x\/Y" holds setup bkt-a\/StageRole/);
  });

  it("a version this xacct does not know is not guessed at", async () => {
    const path = join(dir, "v3.json");
    await writeFile(path, JSON.stringify({ version: 3, setups: {} }), { mode: 0o600 });
    await expect(loadSetups(path)).rejects.toThrow(/has version 3/);
  });
});
