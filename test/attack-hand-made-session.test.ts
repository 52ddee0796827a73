/**
 * A session profile the user saved by hand (the recipe's TempCred) may be refreshed when they
 * name it, but it stays theirs: only its key lines change, its region, other settings and
 * comments stay, no xacct mark is added, and teardown keeps it.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProfileView } from "../src/awsconfig/sdk-view.js";
import { refuseForeignProfile, whyProfileIsKept, writeTemporaryProfile } from "../src/awsconfig/temporary-profile.js";

const HAND_MADE =
  "# my hand-made session for billing\n[profile billing]\naws_access_key_id = ASIAOLDOLDOLD0000001\naws_secret_access_key = old\naws_session_token = oldtoken\nregion = eu-west-1\n";
const creds = { accessKeyId: "ASIANEWNEWNEW0000001", secretAccessKey: "new", sessionToken: "newtoken", expiration: new Date("2030-01-01T00:00:00Z") };

async function files(config: string, credentials = "[prod]\naws_access_key_id = AKIAPROD000000000001\naws_secret_access_key = p\n") {
  const dir = await mkdtemp(join(tmpdir(), "xacct-hand-made-"));
  const env = { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") };
  await writeFile(env.AWS_CONFIG_FILE, `[profile prod]\nregion = us-east-1\n${config}`, { mode: 0o600 });
  await writeFile(env.AWS_SHARED_CREDENTIALS_FILE, credentials, { mode: 0o600 });
  return env;
}

describe("a hand-made session profile", () => {
  it("gets fresh keys and nothing else; teardown keeps it", async () => {
    const env = await files(HAND_MADE);
    const before = await loadProfileView(env);
    refuseForeignProfile(before, "billing", ["prod"]);
    await writeTemporaryProfile({ name: "billing", target: "config", credentials: creds, region: "us-east-1", before }, env);
    const config = await readFile(env.AWS_CONFIG_FILE, "utf8");
    expect(config).toBe(
      "[profile prod]\nregion = us-east-1\n# my hand-made session for billing\n[profile billing]\naws_access_key_id = ASIANEWNEWNEW0000001\naws_secret_access_key = new\naws_session_token = newtoken\nregion = eu-west-1\n",
    );
    expect(whyProfileIsKept(await loadProfileView(env), "billing")).toBe("not written by xacct");
  });

  it("is refreshed where its keys are, in the credentials file", async () => {
    const env = await files(
      "",
      `[prod]\naws_access_key_id = AKIAPROD000000000001\naws_secret_access_key = p\n[billing]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\naws_session_token = oldtoken\n`,
    );
    const before = await loadProfileView(env);
    await writeTemporaryProfile({ name: "billing", target: "config", credentials: creds, region: "us-east-1", before }, env);
    expect(await readFile(env.AWS_SHARED_CREDENTIALS_FILE, "utf8")).toContain(
      "[billing]\naws_access_key_id = ASIANEWNEWNEW0000001\naws_secret_access_key = new\naws_session_token = newtoken\n",
    );
    expect(await readFile(env.AWS_CONFIG_FILE, "utf8")).not.toContain("billing");
  });

  it("is not turned into a role- or process-style profile", async () => {
    const env = await files(HAND_MADE);
    const before = await loadProfileView(env);
    expect(() => refuseForeignProfile(before, "billing", ["prod"], "role")).toThrow(/only refreshes their keys/);
  });
});

describe("a switch of profile style", () => {
  it("scrubs the keys it removed from the backup too", async () => {
    const { writeRoleProfile } = await import("../src/awsconfig/refreshing-profile.js");
    const env = await files(
      "[profile TempCred]\naws_access_key_id = ASIAOLDOLDOLD0000001\naws_secret_access_key = oldsecret\naws_session_token = oldtoken\nregion = us-east-1\nxacct_profile = static\n",
    );
    await writeRoleProfile(
      { name: "TempCred", roleArn: "arn:aws:iam::111111111111:role/StageRole", sourceProfile: "prod", sessionName: "xacct-prod", region: "us-east-1" },
      env,
    );
    const config = await readFile(env.AWS_CONFIG_FILE, "utf8");
    expect(config).toContain("role_arn = arn:aws:iam::111111111111:role/StageRole");
    expect(config).not.toContain("oldsecret");
    const backup = await readFile(`${env.AWS_CONFIG_FILE}.xacct.bak`, "utf8");
    expect(backup).toContain("[profile TempCred]");
    expect(backup).not.toMatch(/oldsecret|oldtoken|ASIAOLD/);
  });
});

describe("a profile in two files", () => {
  it("says the first file was written when the second cannot be", async () => {
    const { chmod } = await import("node:fs/promises");
    const env = await files("[profile TempCred]\nregion = us-east-1\nxacct_profile = static\n");
    await chmod(env.AWS_CONFIG_FILE, 0o400);
    const before = await loadProfileView(env);
    await expect(writeTemporaryProfile({ name: "TempCred", target: "credentials", credentials: creds, region: "us-east-1", before }, env)).rejects.toThrow(
      /^Profile TempCred was written to .*credentials, but its other file could not be changed: .*config is read-only/,
    );
  });
});
