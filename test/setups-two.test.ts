/**
 * Two setups (and then a third, in resource-policy mode) in one emulator: each is remembered
 * under its own id, a command picks one with --setup or says which flag it needs, a setup run
 * refused before any write changes nothing remembered, and teardown touches only its own
 * setup's entry and profile.
 */
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);
const ALPHA = "alpha-setup-bucket";
const BETA = "beta-setup-bucket";
const GAMMA = "gamma-setup-bucket";
const remembered = async (): Promise<Record<string, { roleName: string; updatedAt: string; lastVerifiedAt?: string }>> =>
  JSON.parse(await readFile(sandbox.statePath, "utf8")).setups;

describe("two setups in one emulator", () => {
  it("are remembered side by side, each under its own id", async () => {
    expect((await sandbox.run(setupArgs(ALPHA))).code).toBe(0);
    const beta = await sandbox.run(setupArgs(BETA, ["--role-name", "BetaRole", "--temp-profile", "BetaCred"]));
    expect(beta.code, beta.stderr).toBe(0);
    expect(Object.keys(await remembered())).toEqual([`${ALPHA}/StageRole`, `${BETA}/BetaRole`]);
  });

  it("a command with no choice made, unattended, exits 2 naming --setup and the setups, before any AWS call", async () => {
    const result = await sandbox.run(["assume"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("xacct assume does not know which of 2 setups to act on: give --setup NAME.");
    expect(result.stderr).toContain(`${ALPHA}/StageRole, ${BETA}/BetaRole`);
    expect(result.calls.calls).toHaveLength(0);
  });

  it("--setup picks one by id or by its bucket", async () => {
    const byBucket = await sandbox.run(["assume", "--setup", BETA]);
    expect(byBucket.code, byBucket.stderr).toBe(0);
    expect(byBucket.stdout).toContain(":assumed-role/BetaRole/");
    const byId = await sandbox.run(["assume", "--setup", `${ALPHA}/StageRole`]);
    expect(byId.stdout).toContain(":assumed-role/StageRole/");
    const unknown = await sandbox.run(["assume", "--setup", "no-such-bucket"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("xacct remembers no setup named no-such-bucket.");
  });

  it("test-get reads with the chosen setup's own temporary profile", async () => {
    await prod().s3.send(new PutObjectCommand({ Bucket: BETA, Key: "b.txt", Body: "beta" }));
    const got = await sandbox.run(["test-get", "b.txt", "-", "--setup", BETA]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe("beta");
    expect(got.calls.calls.find((c) => c.operation === "GetObject")?.caller).toBe("profile BetaCred");
  });

  it("a setup refused at its first write (a bucket name another account owns) neither replaces nor adds what is remembered", async () => {
    await staging().s3.send(new CreateBucketCommand({ Bucket: "taken-by-staging" }));
    const before = await readFile(sandbox.statePath, "utf8");
    const result = await sandbox.run(setupArgs("taken-by-staging", ["--role-name", "OtherRole"]));
    expect(result.code).not.toBe(0);
    expect(await readFile(sandbox.statePath, "utf8")).toBe(before);
    const plan = await sandbox.run(["teardown", "--plan", "--setup", ALPHA]);
    expect(plan.stdout).not.toContain("Nothing to remove");
    expect(plan.stdout).toMatch(/removals? pending/);
  });

  it("a rerun of one setup updates only its own entry; verify records when it ran", async () => {
    const before = await remembered();
    expect((await sandbox.run(setupArgs(BETA, ["--role-name", "BetaRole", "--temp-profile", "BetaCred"]))).code).toBe(0);
    const verify = await sandbox.run(["verify", "--setup", BETA]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const after = await remembered();
    expect(after[`${ALPHA}/StageRole`]).toEqual(before[`${ALPHA}/StageRole`]);
    expect(after[`${BETA}/BetaRole`]!.updatedAt).not.toBe(before[`${BETA}/BetaRole`]!.updatedAt);
    expect(after[`${BETA}/BetaRole`]!.lastVerifiedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(after[`${ALPHA}/StageRole`]!.lastVerifiedAt).toBeUndefined();
    // A later rerun keeps when it was last verified
    expect((await sandbox.run(setupArgs(BETA, ["--role-name", "BetaRole", "--temp-profile", "BetaCred"]))).code).toBe(0);
    expect((await remembered())[`${BETA}/BetaRole`]!.lastVerifiedAt).toBe(after[`${BETA}/BetaRole`]!.lastVerifiedAt);
  });

  it("verify does not take flags it would ignore", async () => {
    for (const flag of ["--temp-profile", "--policy-name"]) {
      const result = await sandbox.run(["verify", "--setup", BETA, flag, "Anything"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`xacct verify has no option ${flag}.`);
    }
  });

  it("list shows both, with profile expiry and last verify; --json the same facts and no secret", async () => {
    const human = await sandbox.run(["list"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${ALPHA}/StageRole`);
    expect(human.stdout).toMatch(/profile +BetaCred \(expires \S+, in \d+ min\)/);
    expect(human.stdout).toMatch(/verify +never run/);
    const json = JSON.parse((await sandbox.run(["list", "--json"])).stdout);
    expect(json.setups.map((s: { id: string }) => s.id)).toEqual([`${ALPHA}/StageRole`, `${BETA}/BetaRole`]);
    expect(json.setups[1]).toMatchObject({
      mode: "role",
      bucket: BETA,
      roleArn: "arn:aws:iam::111111111111:role/BetaRole",
      tempProfile: { name: "BetaCred", present: true, style: "static" },
    });
    expect(json.setups[1].lastVerifiedAt).not.toBeNull();
    const credentials = await readFile(sandbox.configFile, "utf8");
    const secret = /aws_secret_access_key = (\S+)/.exec(credentials)![1]!;
    expect(JSON.stringify(json)).not.toContain(secret);
  });
});

describe("a resource-policy setup beside role setups", () => {
  it("assume, credentials and console say it has no role and what to use instead (exit 2, no AWS call)", async () => {
    expect((await sandbox.run(setupArgs(GAMMA, ["--mode", "resource-policy"]))).code).toBe(0);
    for (const command of ["assume", "credentials", "console"]) {
      const result = await sandbox.run([command, "--setup", GAMMA]);
      expect(result.code, command).toBe(2);
      expect(result.stderr).toContain(`Setup ${GAMMA}/StageRole is in resource-policy mode: it has no role`);
      expect(result.stderr).toContain(`xacct test-get KEY --setup ${GAMMA}/StageRole`);
      expect(result.calls.calls).toHaveLength(0);
    }
  });

  it("test-get reads with the Staging profile there", async () => {
    await prod().s3.send(new PutObjectCommand({ Bucket: GAMMA, Key: "g.txt", Body: "gamma" }));
    const got = await sandbox.run(["test-get", "g.txt", "-", "--setup", GAMMA]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe("gamma");
  });

  it("its teardown lists no other setup's temporary profile and forgets only its own entry", async () => {
    const plan = JSON.parse((await sandbox.run(["teardown", "--plan", "--json", "--setup", GAMMA])).stdout);
    expect(plan.profile.removes).toBe(false);
    const result = await sandbox.run(["teardown", "--yes", "--delete-objects", "--setup", GAMMA]);
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(await remembered())).toEqual([`${ALPHA}/StageRole`, `${BETA}/BetaRole`]);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain("[profile TempCred]");
    expect(config).toContain("[profile BetaCred]");
  });
});

describe("teardown of one of two setups", () => {
  it("without a terminal and without --yes, says it needs --yes", async () => {
    const result = await sandbox.run(["teardown", "--setup", ALPHA]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("teardown has no terminal to confirm on, so it needs --yes.");
  });

  it("removes its own profile and entry, and leaves the other setup's", async () => {
    const result = await sandbox.run(["teardown", "--yes", "--delete-objects", "--setup", ALPHA]);
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(await remembered())).toEqual([`${BETA}/BetaRole`]);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).not.toContain("[profile TempCred]");
    expect(config).toContain("[profile BetaCred]");
  });

  it("then, with one setup left, commands need no --setup again; teardown twice ends in 'Nothing to remove'", async () => {
    expect((await sandbox.run(["assume"])).stdout).toContain(":assumed-role/BetaRole/");
    expect((await sandbox.run(["teardown", "--yes", "--delete-objects"])).code).toBe(0);
    const again = await sandbox.run(["teardown", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to remove");
    const list = await sandbox.run(["list"]);
    expect(list.stdout).toBe("No setup remembered yet: make one with `xacct setup`.\n");
  });
});
