/**
 * A user's own long-term keys (an access key without a session token) in a section of the
 * profile xacct is asked to write or remove are never xacct's: assume refuses every style
 * before any AWS call, teardown keeps the profile and says why, and neither the file nor its
 * backup loses them. A hand-made section of a session's temporary keys is still refreshed.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { backupPathFor, removeProfileFromFile, writeProfile } from "../src/awsconfig/store.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const USER_KEYS = "aws_access_key_id = AKIAUSERLONGTERM0001\naws_secret_access_key = usersecretdonotdelete\n";

let original: { config: string; credentials: string };
beforeAll(async () => {
  expect((await sandbox.run(setupArgs("own-keys-bucket"))).code).toBe(0);
  original = { config: await readFile(sandbox.configFile, "utf8"), credentials: await readFile(sandbox.credentialsFile, "utf8") };
});
afterEach(async () => {
  await writeFile(sandbox.configFile, original.config);
  await writeFile(sandbox.credentialsFile, original.credentials);
  await rm(backupPathFor(sandbox.credentialsFile), { force: true });
});

async function appendTo(file: string, text: string): Promise<void> {
  await writeFile(file, `${await readFile(file, "utf8")}\n${text}`);
}

const readOrNone = async (file: string) => (existsSync(file) ? readFile(file, "utf8") : undefined);

describe("assume --write-profile next to the user's long-term keys", () => {
  it.each([
    ["role", ["--profile-style", "role"]],
    ["process", ["--profile-style", "process"]],
    ["static (config file)", []],
    ["static (credentials file)", ["--credentials-file"]],
  ])("%s style: refused before any AWS call; the file and its backup keep the keys", async (_style, flags) => {
    // Given xacct's own profile Mine2 in the config file and the user's [Mine2] in credentials
    expect((await sandbox.run(["assume", "--write-profile", "Mine2"])).code).toBe(0);
    await appendTo(sandbox.credentialsFile, `[Mine2]\n${USER_KEYS}`);
    const before = { credentials: await readFile(sandbox.credentialsFile, "utf8"), backup: await readOrNone(backupPathFor(sandbox.credentialsFile)) };

    const result = await sandbox.run(["assume", "--write-profile", "Mine2", ...flags]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `[Mine2] in ${sandbox.credentialsFile} holds long-term keys that xacct did not write and that would shadow the profile it writes`,
    );
    expect(result.stderr).toContain("Remove them yourself, or choose another profile name");
    expect(result.calls.calls).toEqual([]);
    expect(await readFile(sandbox.credentialsFile, "utf8")).toBe(before.credentials);
    expect(await readOrNone(backupPathFor(sandbox.credentialsFile))).toBe(before.backup);
  });

  it("long-term keys pasted into xacct's own section are the user's too", async () => {
    expect((await sandbox.run(["assume", "--write-profile", "Pasted", "--credentials-file"])).code).toBe(0);
    const text = await readFile(sandbox.credentialsFile, "utf8");
    const [head, section] = text.split("[Pasted]\n") as [string, string];
    const marked = section.split("\n").filter((line) => line.startsWith("xacct_") || line === "");
    await writeFile(sandbox.credentialsFile, `${head}[Pasted]\n${USER_KEYS}${marked.join("\n")}`);

    for (const flags of [["--profile-style", "role"], ["--credentials-file"]]) {
      const result = await sandbox.run(["assume", "--write-profile", "Pasted", ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("[Pasted] in");
      expect(result.calls.calls).toEqual([]);
    }
    expect(await readFile(sandbox.credentialsFile, "utf8")).toContain(USER_KEYS);
  });

  it("the same keys in the config file's [profile Mine3] are refused with that file named", async () => {
    expect((await sandbox.run(["assume", "--write-profile", "Mine3"])).code).toBe(0);
    const text = (await readFile(sandbox.configFile, "utf8")).replace(/\[profile Mine3\]\n[^[]*/, `[profile Mine3]\n${USER_KEYS}xacct_profile = static\n\n`);
    await writeFile(sandbox.configFile, text);
    const result = await sandbox.run(["assume", "--write-profile", "Mine3", "--profile-style", "role"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`[profile Mine3] in ${sandbox.configFile} holds long-term keys that xacct did not write;`);
    expect(await readFile(sandbox.configFile, "utf8")).toBe(text);
  });

  it("a hand-made section of a session's temporary keys (it has a token) gets fresh keys, and stays the user's", async () => {
    await appendTo(sandbox.credentialsFile, "[Hand]\naws_access_key_id = ASIAHANDMADE00000001\naws_secret_access_key = s\naws_session_token = t\n");
    // Not turned into a role profile: only its keys are xacct's to refresh.
    const asRole = await sandbox.run(["assume", "--write-profile", "Hand", "--profile-style", "role"]);
    expect(asRole.code).toBe(2);
    const refreshed = await sandbox.run(["assume", "--write-profile", "Hand"]);
    expect(refreshed.code).toBe(0);
    const credentials = await readFile(sandbox.credentialsFile, "utf8");
    expect(credentials).toContain("[Hand]");
    expect(credentials).not.toContain("ASIAHANDMADE00000001");
  });
});

describe("teardown next to the user's long-term keys", () => {
  it("keeps the profile, says why, and the credentials file keeps the keys", async () => {
    // setup wrote TempCred into the config file; the user keeps their own [TempCred] keys in credentials
    await appendTo(sandbox.credentialsFile, `[TempCred]\n${USER_KEYS}`);
    const credentials = await readFile(sandbox.credentialsFile, "utf8");

    const plan = await sandbox.run(["teardown", "--plan"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /profile TempCred in your AWS config and credentials files.*the credentials file holds long-term keys for it that xacct did not write/,
    );

    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("Profile TempCred removed");
    expect(await readFile(sandbox.credentialsFile, "utf8")).toBe(credentials);
    expect(await readFile(sandbox.configFile, "utf8")).toContain("[profile TempCred]");
  });

  it("removing xacct's profile leaves the user's long-term keys of that name in the backup", async () => {
    expect((await sandbox.run(setupArgs("own-keys-bucket-2"))).code).toBe(0);
    // The user's [TempCred] was in credentials when xacct last wrote it, so the backup holds it...
    await appendTo(sandbox.credentialsFile, `[TempCred]\n${USER_KEYS}`);
    const withUsers = await readFile(sandbox.credentialsFile, "utf8");
    expect((await sandbox.run(["assume", "--write-profile", "Other", "--credentials-file"])).code).toBe(0);
    expect(await readFile(backupPathFor(sandbox.credentialsFile), "utf8")).toBe(withUsers);
    // ...then the user moved it out of the live file.
    await writeFile(sandbox.credentialsFile, (await readFile(sandbox.credentialsFile, "utf8")).replace(`[TempCred]\n${USER_KEYS}`, ""));

    const result = await sandbox.run(["teardown", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Profile TempCred removed from");
    expect(await readFile(backupPathFor(sandbox.credentialsFile), "utf8")).toContain(`[TempCred]\n${USER_KEYS}`);
  });
});

describe("the store itself, under its lock", () => {
  it("never replaces or removes a section of long-term keys, nor a section xacct did not write", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-own-keys-"));
    const credentials = join(dir, "credentials");
    const text = `[Mine]\n${USER_KEYS}\n[Theirs]\nrole_arn = arn:aws:iam::111111111111:role/Theirs\nsource_profile = Mine\n`;
    await writeFile(credentials, text, { mode: 0o600 });

    const keys = { aws_access_key_id: "ASIANEW", aws_secret_access_key: "s", aws_session_token: "t" };
    await expect(writeProfile({ path: credentials, file: "credentials", profile: "Mine", values: keys })).rejects.toMatchObject({
      message: expect.stringContaining("holds long-term keys"),
    });
    await expect(removeProfileFromFile({ path: credentials, file: "credentials", profile: "Mine" })).rejects.toMatchObject({
      message: expect.stringContaining("holds long-term keys"),
    });
    await expect(removeProfileFromFile({ path: credentials, file: "credentials", profile: "Theirs" })).rejects.toMatchObject({
      message: expect.stringContaining("that xacct did not write"),
    });
    expect(await readFile(credentials, "utf8")).toBe(text);
    expect(existsSync(backupPathFor(credentials))).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});
