/**
 * credential_process lines are run by /bin/sh (the JS SDK) and split by POSIX shlex (the aws
 * CLI). Everything xacct puts on such a line must come back as the same argument through
 * both, and no role path, profile name or endpoint may smuggle a command into it.
 */
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { appendFile, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { checkRoleArn } from "../src/validate/index.js";
import { clientsFor } from "./support/accounts.js";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const exec = promisify(execFile);
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const BUCKET = "vendor-bucket";
const TRUST_STAGING = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
});
const INJECTING_PATH = "/$(touch${IFS}pwned)/";
const INJECTING_ARN = "arn:aws:iam::111111111111:role/$(touch${IFS}pwned)/Vendor";
const QUOTE_ARN = 'arn:aws:iam::111111111111:role/a"b/QuoteVendor';
/** A Staging profile in the credentials file whose name would run a command if left unquoted. */
const BACKTICK_PROFILE = "st`touch${IFS}pwned`aging";

const pwned = () => existsSync(join(sandbox.dir, "pwned"));

async function awsCli(args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec("aws", args, { env: sandbox.env, cwd: sandbox.dir });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

beforeAll(async () => {
  const { iam, s3 } = prod();
  await iam.send(new CreateRoleCommand({ RoleName: "Vendor", Path: INJECTING_PATH, AssumeRolePolicyDocument: TRUST_STAGING }));
  await iam.send(new CreateRoleCommand({ RoleName: "QuoteVendor", Path: '/a"b/', AssumeRolePolicyDocument: TRUST_STAGING }));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "obj.txt", Body: "vendor data" }));
  const key = sandbox.staging.accessKey;
  for (const name of [BACKTICK_PROFILE, "--version"]) {
    await appendFile(sandbox.credentialsFile, `\n[${name}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`);
  }
});

describe("a process-style profile runs exactly xacct credentials, with the arguments given", () => {
  it("a role path holding $(…) runs no command through the JS SDK (sh) nor through the aws CLI (shlex)", async () => {
    const assumed = await sandbox.run(["assume", "--role-arn", INJECTING_ARN, "--profile", "staging", "--write-profile", "Vend", "--profile-style", "process"]);
    expect(assumed.code).toBe(0);
    const got = await sandbox.run(["test-get", "obj.txt", "-", "--profile", "Vend", "--bucket", BUCKET]);
    expect(pwned()).toBe(false);
    expect(got.stdout).toBe("vendor data");
    const cli = await awsCli(["sts", "get-caller-identity", "--profile", "Vend"]);
    expect(pwned()).toBe(false);
    expect(cli.ok).toBe(true);
    expect(JSON.parse(cli.stdout).Arn).toBe("arn:aws:sts::111111111111:assumed-role/Vendor/xacct-staging");
  });

  it('a role path holding a double quote (/a"b/) is read back by the aws CLI and by the JS SDK', async () => {
    const assumed = await sandbox.run(["assume", "--role-arn", QUOTE_ARN, "--profile", "staging", "--write-profile", "Quote", "--profile-style", "process"]);
    expect(assumed.code).toBe(0);
    const cli = await awsCli(["sts", "get-caller-identity", "--profile", "Quote"]);
    expect(cli.stderr).not.toContain("No closing quotation");
    expect(cli.ok).toBe(true);
    expect(JSON.parse(cli.stdout).Arn).toBe("arn:aws:sts::111111111111:assumed-role/QuoteVendor/xacct-staging");
    const got = await sandbox.run(["test-get", "obj.txt", "-", "--profile", "Quote", "--bucket", BUCKET]);
    expect(got.stdout).toBe("vendor data");
  });

  it("a Staging profile named with backticks is passed as a name, not run", async () => {
    const assumed = await sandbox.run([
      "assume",
      "--role-arn",
      QUOTE_ARN,
      "--profile",
      BACKTICK_PROFILE,
      "--write-profile",
      "Tick",
      "--profile-style",
      "process",
    ]);
    expect(assumed.code).toBe(0);
    const got = await sandbox.run(["test-get", "obj.txt", "-", "--profile", "Tick", "--bucket", BUCKET]);
    expect(pwned()).toBe(false);
    expect(got.stdout).toBe("vendor data");
    const cli = await awsCli(["sts", "get-caller-identity", "--profile", "Tick"]);
    expect(pwned()).toBe(false);
    expect(cli.ok).toBe(true);
  });

  it("a value that looks like an option (a Staging profile named --version) stays the value of its option", async () => {
    const assumed = await sandbox.run([
      "assume",
      "--role-arn",
      QUOTE_ARN,
      "--profile=--version",
      "--session-name=-dash",
      "--write-profile",
      "Dash",
      "--profile-style",
      "process",
    ]);
    expect(assumed.code).toBe(0);
    const got = await sandbox.run(["test-get", "obj.txt", "-", "--profile", "Dash", "--bucket", BUCKET]);
    expect(got.stdout).toBe("vendor data");
    const cli = await awsCli(["sts", "get-caller-identity", "--profile", "Dash"]);
    expect(cli.ok).toBe(true);
    expect(JSON.parse(cli.stdout).Arn).toBe("arn:aws:sts::111111111111:assumed-role/QuoteVendor/-dash");
  });

  it("an explicit --endpoint-url is written quoted and reaches xacct credentials intact", async () => {
    const assumed = await sandbox.run([
      "--endpoint-url",
      sandbox.moto.endpoint,
      "assume",
      "--role-arn",
      QUOTE_ARN,
      "--profile",
      "staging",
      "--write-profile",
      "Endp",
      "--profile-style",
      "process",
    ]);
    expect(assumed.code).toBe(0);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain(`'--endpoint-url=${sandbox.moto.endpoint}' credentials`);
    const cli = await awsCli(["sts", "get-caller-identity", "--profile", "Endp"]);
    expect(cli.ok).toBe(true);
  });
});

describe("--endpoint-url is an http(s) URL, or nothing is done", () => {
  const bad = [
    "::::",
    "127.0.0.1:5000",
    "ftp://127.0.0.1/",
    "http://",
    "http://127.0.0.1:5000/?x=$(touch${IFS}pwned)",
    "http://127.0.0.1:5000/#$(touch${IFS}pwned)",
    "http://user:secret@127.0.0.1:5000",
    "http://127.0.0.1 :5000",
    "http://127.0.0.1:5000\n",
    "http://127.0.0.1:5000/\u0007",
  ];
  for (const url of bad) {
    it(`refuses ${JSON.stringify(url)} with exit 2, one sentence and no AWS call`, async () => {
      const result = await sandbox.run([
        "--endpoint-url",
        url,
        "assume",
        "--role-arn",
        QUOTE_ARN,
        "--profile",
        "staging",
        "--write-profile",
        "BadEndpoint",
        "--profile-style",
        "process",
      ]);
      expect(result.code).toBe(2);
      expect(result.calls.calls).toEqual([]);
      expect(result.stderr).toMatch(/is not a usable endpoint URL/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await readFile(sandbox.configFile, "utf8")).not.toContain("BadEndpoint");
      expect(pwned()).toBe(false);
    });
  }

  it("refuses it for every command, before anything else", async () => {
    for (const argv of [["verify"], ["test-get", "obj.txt", "--bucket", BUCKET], ["credentials", "--role-arn", QUOTE_ARN, "--profile", "staging"]]) {
      const result = await sandbox.run(["--endpoint-url", "::::", ...argv]);
      expect(result.code).toBe(2);
      expect(result.calls.calls).toEqual([]);
    }
  });
});

describe("role ARNs: IAM's path rule (printable ASCII, no spaces), nothing else", () => {
  const legal = [
    "arn:aws:iam::111111111111:role/StageRole",
    "arn:aws:iam::111111111111:role/team/a/StageRole",
    'arn:aws:iam::111111111111:role/a"b/QuoteVendor',
    INJECTING_ARN,
    "arn:aws:iam::111111111111:role/!~'`#;=/R",
    "arn:aws-us-gov:iam::111111111111:role/R+=,.@_-",
  ];
  const illegal = [
    "arn:aws:iam::111111111111:role/a b/R",
    "arn:aws:iam::111111111111:role/a\tb/R",
    "arn:aws:iam::111111111111:role/a\nb/R",
    "arn:aws:iam::111111111111:role/a\u007fb/R",
    "arn:aws:iam::111111111111:role/é/R",
    "arn:aws:iam::111111111111:role/R\n",
    "arn:aws:iam::111111111111:role/R ",
    "arn:aws:iam::111111111111:role//R",
    "arn:aws:iam::111111111111:role/a/",
    `arn:aws:iam::111111111111:role/${"p/".repeat(300)}R`,
  ];
  it.each(legal)("accepts %j", (arn) => expect(checkRoleArn(arn)).toBe(arn));
  it.each(illegal)("refuses %j", (arn) => expect(() => checkRoleArn(arn)).toThrow(/is not a valid role ARN/));

  it("a role ARN with a space is refused before any AWS call", async () => {
    const result = await sandbox.run(["assume", "--role-arn", "arn:aws:iam::111111111111:role/a b/Vendor", "--profile", "staging"]);
    expect(result.code).toBe(2);
    expect(result.calls.calls).toEqual([]);
  });
});
