/**
 * A profile the user spelled oddly is still theirs, in either file, to either reader: after
 * `[profile  Dbl]` (two spaces) or its variants, `assume --write-profile Dbl` refuses before
 * any AWS call; a header neither the aws CLI nor the JS SDK reads as Dbl is left alone, and
 * both then resolve Dbl to the profile xacct wrote.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cliProfileName } from "../src/awsconfig/section-names.js";
import { readWithSdk } from "./awsconfig/sdk-reader.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const exec = promisify(execFile);
const ROLE_SETTINGS = "role_arn = arn:aws:iam::333333333333:role/UserOwn\nsource_profile = staging\n";
const KEY_SETTINGS = "aws_access_key_id = ASIAUSERSESSION00001\naws_secret_access_key = s\naws_session_token = t\nregion = eu-west-1\n";

/** botocore's reading of a credentials file: the section name is the profile. */
function credentialsProfilesOfBotocore(text: string): string[] {
  const script = `
import sys, json, tempfile
from botocore.configloader import raw_config_parse
with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
    f.write(sys.stdin.read())
print(json.dumps(list(raw_config_parse(f.name).keys())))`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: text, encoding: "utf8" }));
}

describe("section names of the credentials file as the aws CLI reads them", () => {
  it.each(["[Dbl]", "[ Dbl]", "[Dbl ]", "[profile Dbl]", "[Dbl] ; c", "[Dbl]]", "[default]"])("%s", (line) => {
    const [name] = credentialsProfilesOfBotocore(`${line}\nregion = eu-west-1\n`);
    expect(cliProfileName(line, "credentials")).toBe(name);
  });
});

let original: { config: string; credentials: string };
beforeAll(async () => {
  expect((await sandbox.run(setupArgs("shadow-bucket"))).code).toBe(0);
  original = { config: await readFile(sandbox.configFile, "utf8"), credentials: await readFile(sandbox.credentialsFile, "utf8") };
});
afterEach(async () => {
  await writeFile(sandbox.configFile, original.config);
  await writeFile(sandbox.credentialsFile, original.credentials);
});

const configGet = async (profile: string, key: string) =>
  (await exec("aws", ["configure", "get", key, "--profile", profile], { env: sandbox.env }).catch(() => ({ stdout: "" }))).stdout.trim();

describe("assume --write-profile next to an oddly spelled section", () => {
  it.each([
    ["config", "[profile  Dbl]", "Dbl"],
    ["config", "[profile\tDbl]", "Dbl"],
    ["config", "[profile Dbl ]", "Dbl"],
    ["config", "[profile 'Dbl']", "Dbl"],
    ["config", "[profile.Dbl]", "Dbl"],
    ["config", "[default]", "default"],
    ["config", "[profile default]", "default"],
    ["credentials", "[Dbl]", "Dbl"],
    ["credentials", "[default]", "default"],
  ])("the user's %s section %s is profile %s: refused before any AWS call", async (file, header, name) => {
    const path = file === "config" ? sandbox.configFile : sandbox.credentialsFile;
    const text = `${await readFile(path, "utf8")}\n${header}\n${file === "config" ? ROLE_SETTINGS : "aws_access_key_id = AKIAUSER00000000001\naws_secret_access_key = s\n"}`;
    await writeFile(path, text);
    for (const style of ["static", "role"]) {
      const result = await sandbox.run(["assume", "--write-profile", name, "--profile-style", style]);
      expect(result.code).toBe(2);
      expect(result.calls.calls).toEqual([]);
    }
    expect(await readFile(path, "utf8")).toBe(text);
  });

  it.each([
    ["config", "[ profile Dbl]"],
    ["config", "[profile dbl]"],
    ["config", "[profile Dbl]]"],
    ["config", "[Dbl]"],
    ["credentials", "[ Dbl]"],
    ["credentials", "[Dbl ]"],
    ["credentials", "[profile Dbl]"],
    ["credentials", "[dbl]"],
  ])("the user's %s section %s is not Dbl: left alone, and both readers take Dbl as xacct's", async (file, header) => {
    const path = file === "config" ? sandbox.configFile : sandbox.credentialsFile;
    const users = `${header}\n${file === "config" ? ROLE_SETTINGS : KEY_SETTINGS}`;
    await writeFile(path, `${await readFile(path, "utf8")}\n${users}`);

    expect((await sandbox.run(["assume", "--write-profile", "Dbl"])).code).toBe(0);

    expect(await readFile(path, "utf8")).toContain(users);
    const sdk = {
      ...(await readWithSdk(await readFile(sandbox.configFile, "utf8"), "config"))["Dbl"],
      ...(await readWithSdk(await readFile(sandbox.credentialsFile, "utf8"), "credentials"))["Dbl"],
    };
    expect(sdk["xacct_profile"]).toBe("static");
    expect(sdk["role_arn"]).toBeUndefined();
    // The aws CLI: xacct's mark and a fresh session's key, not the user's role or key.
    const [mark, role, key] = await Promise.all([configGet("Dbl", "xacct_profile"), configGet("Dbl", "role_arn"), configGet("Dbl", "aws_access_key_id")]);
    expect({ mark, role, fresh: key.startsWith("ASIA") && key !== "ASIAUSERSESSION00001" }).toEqual({ mark: "static", role: "", fresh: true });
  });
});
