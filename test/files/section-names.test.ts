/**
 * A section either reader (the aws CLI, the JS SDK) reads as a profile is that profile:
 * `[profile  Work]` (two spaces) is Work to the CLI alone. xacct refuses to take over a
 * user's profile spelled so, and never leaves two sections of one profile that the two
 * readers resolve differently.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { cliProfileName } from "../../src/awsconfig/section-names.js";
import { readWithSdk } from "../awsconfig/sdk-reader.js";
import { setupArgs, useSandbox } from "../support/sandbox.js";

/** botocore's own reading of a config text: profile name → settings. */
function readWithBotocore(text: string): Record<string, Record<string, string>> {
  const script = `
import sys, json, tempfile
from botocore.configloader import raw_config_parse, build_profile_map
with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
    f.write(sys.stdin.read())
print(json.dumps(build_profile_map(raw_config_parse(f.name))["profiles"]))`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: text, encoding: "utf8" }));
}

describe("section names as the aws CLI reads them", () => {
  const lines = [
    "[profile Work]",
    "[profile  Work]",
    "[profile Work ]",
    "[profile\tWork]",
    '[profile "Work"]',
    "[profile 'Work']",
    "[profile.Work]",
    "[profileWork]",
    "[ profile Work]",
    "[profile Work] ; comment",
    "[profile Work x]",
    '[profile "Work]',
    "[default]",
    "[ default ]",
  ];
  it.each(lines)("%s is the profile botocore says", (line) => {
    const profiles = readWithBotocore(`${line}\nregion = eu-west-1\n`);
    const name = Object.keys(profiles)[0];
    expect(cliProfileName(line, "config")).toBe(name);
  });
});

const sandbox = useSandbox();
const ROLE = "arn:aws:iam::111111111111:role/StageRole";

async function assumeWriting(profile: string) {
  return sandbox.run(["assume", "--role-arn", ROLE, "--profile", "staging", "--write-profile", profile]);
}

describe("a profile the aws CLI reads from an odd header", () => {
  it("is the user's: assume --write-profile Work refuses before AssumeRole", async () => {
    expect((await sandbox.run(setupArgs())).code).toBe(0);
    const original = await readFile(sandbox.configFile, "utf8");
    const users = `${original}\n[profile  Work]\nrole_arn = arn:aws:iam::333333333333:role/Admin\nmfa_serial = arn:aws:iam::222222222222:mfa/me\nsource_profile = staging\n`;
    await writeFile(sandbox.configFile, users);
    const run = await assumeWriting("Work");
    expect(run.stderr).toContain("Profile Work already exists and was not written by xacct");
    expect(run.code).toBe(2);
    expect(run.calls.calls.filter((c) => c.operation === "AssumeRole")).toHaveLength(0);
    expect(await readFile(sandbox.configFile, "utf8")).toBe(users);
    await writeFile(sandbox.configFile, original);
  });

  it("of temporary keys only is rewritten in place: one section, both readers see the new keys", async () => {
    const original = await readFile(sandbox.configFile, "utf8");
    await writeFile(sandbox.configFile, `${original}\n[profile  Temp2]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\naws_session_token = old\n`);
    const run = await assumeWriting("Temp2");
    expect(run.code, run.stderr).toBe(0);
    const text = await readFile(sandbox.configFile, "utf8");
    expect(text.match(/^\s*\[\s*profile\s+["']?Temp2/gm)).toHaveLength(1);
    const cli = readWithBotocore(text)["Temp2"];
    const sdk = (await readWithSdk(text, "config"))["Temp2"];
    expect(cli?.["aws_access_key_id"]).toMatch(/^(?!AKIAOLD)/);
    expect(sdk?.["aws_access_key_id"]).toBe(cli?.["aws_access_key_id"]);
    await writeFile(sandbox.configFile, original);
  });

  it("next to a second section of the profile that the readers resolve differently: refused, before AssumeRole", async () => {
    const original = await readFile(sandbox.configFile, "utf8");
    const keys = "aws_access_key_id = AKIAOLD\naws_secret_access_key = old\naws_session_token = old\n";
    const both = `${original}\n[profile  Temp3]\n${keys}\n[profile Temp3]\n${keys}`;
    await writeFile(sandbox.configFile, both);
    const run = await assumeWriting("Temp3");
    expect(run.stderr).toContain("Profile Temp3 is written in 2 sections");
    expect(run.code).toBe(2);
    expect(run.calls.calls.filter((c) => c.operation === "AssumeRole")).toHaveLength(0);
    expect(await readFile(sandbox.configFile, "utf8")).toBe(both);
    await writeFile(sandbox.configFile, original);
  });

  it("behind a header the SDKs do not see at all ([profile Work]x) is the user's too", async () => {
    const original = await readFile(sandbox.configFile, "utf8");
    const users = `${original}\n[profile Work2]x\nrole_arn = arn:aws:iam::333333333333:role/Admin\nsource_profile = staging\n`;
    await writeFile(sandbox.configFile, users);
    expect(readWithBotocore(users)["Work2"]).toMatchObject({ role_arn: "arn:aws:iam::333333333333:role/Admin" });
    const run = await assumeWriting("Work2");
    expect(run.stderr).toContain("Profile Work2 already exists and was not written by xacct");
    expect(run.code).toBe(2);
    expect(run.calls.calls.filter((c) => c.operation === "AssumeRole")).toHaveLength(0);
    expect(await readFile(sandbox.configFile, "utf8")).toBe(users);
    await writeFile(sandbox.configFile, original);
  });

  it("of temporary keys behind such a header is refused with the line, not rewritten, before AssumeRole", async () => {
    const original = await readFile(sandbox.configFile, "utf8");
    const text = `${original}\n[profile Temp4]#c\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\naws_session_token = old\n`;
    await writeFile(sandbox.configFile, text);
    const run = await assumeWriting("Temp4");
    expect(run.stderr).toMatch(/Line \d+ of the AWS config file starts a section for the aws CLI but not for the AWS SDKs/);
    expect(run.code).toBe(2);
    expect(run.calls.calls.filter((c) => c.operation === "AssumeRole")).toHaveLength(0);
    expect(await readFile(sandbox.configFile, "utf8")).toBe(text);
    await writeFile(sandbox.configFile, original);
  });
});
