/**
 * The profile xacct writes, seen from the user's side: which file holds it, what the other
 * file keeps, what the environment would shadow, bad files refused untouched, and the aws CLI
 * using a profile written to the credentials file.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const exec = promisify(execFile);

beforeAll(async () => {
  expect((await sandbox.run(setupArgs("profile-bucket"))).code).toBe(0);
  await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutObjectCommand({ Bucket: "profile-bucket", Key: "k.txt", Body: "kv" }));
});

describe("where the temporary profile goes", () => {
  it("--credentials-file puts the keys there, leaves only the region in config, and the aws CLI uses it", async () => {
    const result = await sandbox.run(["assume", "--write-profile", "CredOnly", "--credentials-file"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote profile CredOnly to ${sandbox.credentialsFile}`);
    const credentials = await readFile(sandbox.credentialsFile, "utf8");
    expect(credentials).toMatch(/\[CredOnly\]\naws_access_key_id = \S+\naws_secret_access_key = \S+\naws_session_token = \S+/);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain("[profile CredOnly]\nregion = us-east-1\n");
    expect(config.split("[profile CredOnly]")[1]).not.toMatch(/aws_access_key_id|aws_session_token/);

    const { stdout } = await exec(
      "aws",
      ["s3api", "get-object", "--bucket", "profile-bucket", "--key", "k.txt", join(sandbox.dir, "k.txt"), "--profile", "CredOnly"],
      { env: sandbox.env },
    );
    expect(JSON.parse(stdout).ContentLength).toBe(2);
  });

  it("moving a profile from config to credentials removes the stale keys from config", async () => {
    expect((await sandbox.run(["assume", "--write-profile", "Moving"])).code).toBe(0);
    expect(await readFile(sandbox.configFile, "utf8")).toMatch(/\[profile Moving\]\naws_access_key_id/);
    expect((await sandbox.run(["assume", "--write-profile", "Moving", "--credentials-file"])).code).toBe(0);
    const movedSection = (await readFile(sandbox.configFile, "utf8")).split("[profile Moving]")[1]!.split("[")[0];
    expect(movedSection).toBe("\nregion = us-east-1\nxacct_profile = static\nxacct_role = arn:aws:iam::111111111111:role/StageRole\n");
  });

  it("writing config while the credentials file still has keys removes those stale keys, and says so", async () => {
    const result = await sandbox.run(["assume", "--write-profile", "CredOnly"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Removed older keys of profile CredOnly from");
    expect(result.stderr).toContain("the AWS tools would have used them instead");
    expect(await readFile(sandbox.credentialsFile, "utf8")).not.toContain("[CredOnly]");
  });

  it("warns when the environment would make other tools ignore the profile", async () => {
    const result = await sandbox.run(["assume", "--write-profile"], { env: { AWS_PROFILE: "prod", AWS_SESSION_TOKEN: "x" } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("AWS_SESSION_TOKEN is set in this shell: tools run without --profile use it instead of profile TempCred");
    expect(result.stderr).toContain("AWS_PROFILE is prod in this shell");
    expect(result.stderr).toContain("export AWS_PROFILE=TempCred");
  });

  it("refuses static keys into a file open to others, and keeps a private file's mode and a backup", async () => {
    await chmod(sandbox.configFile, 0o644);
    const refused = await sandbox.run(["assume", "--write-profile"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is open to other users (mode 0644), so xacct will not write session keys into it");
    await chmod(sandbox.configFile, 0o600);
    expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);
    expect((await stat(sandbox.configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(`${sandbox.configFile}.xacct.bak`)).mode & 0o777).toBe(0o600);
  });
});

describe("bad files are refused with one sentence, exit 1, and left untouched", () => {
  it.each([
    ["a directory where the file should be", async (path: string) => mkdir(path), "is a directory, not an AWS config file"],
    ["a file that is not INI", async (path: string) => writeFile(path, '{"profiles": []}\n'), "is not an AWS config file: line 1"],
    ["a file that is not text", async (path: string) => writeFile(path, Buffer.from([0xff, 0xfe, 0x00, 0x9c])), "is not valid UTF-8 text"],
  ])("%s", async (_name, make, phrase) => {
    const path = join(sandbox.dir, `bad-${Math.random().toString(36).slice(2)}`);
    await make(path);
    const before = await stat(path);
    const result = await sandbox.run(["assume", "--write-profile"], { env: { AWS_CONFIG_FILE: path } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(phrase);
    expect(result.stderr.trim().split("\n")).toHaveLength(2);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
  });
});
