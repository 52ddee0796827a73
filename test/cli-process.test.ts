/**
 * The built CLI as a separate process, the way scripts and CI run it: stdin closed, no
 * terminal. Then the installed aws CLI, another real client, uses the profile xacct wrote.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/version.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BIN = resolve(__dirname, "../bin/xacct.js");
const exec = promisify(execFile);

async function xacct(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...sandbox.env };
  delete env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"]; // bin/xacct.js must silence it itself
  const child = execFile(process.execPath, [BIN, ...args], { env, cwd: sandbox.dir });
  child.stdin?.end(); // stdin closed
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? 1)));
  return { code, stdout, stderr };
}

describe("xacct as a process", () => {
  it("prints its version and help without touching AWS", async () => {
    const version = await xacct(["--version"]);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const pkg = JSON.parse(await readFile(resolve(__dirname, "../package.json"), "utf8"));
    expect(pkg.version).toBe(VERSION);
    const help = await xacct(["setup", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--production-profile", "--staging-profile", "--bucket", "--role-name", "--policy-name", "--staging-user", "--region", "--yes"]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it("runs the whole flow unattended, and the aws CLI reads the object with TempCred", async () => {
    const setup = await xacct(setupArgs());
    expect(setup.stderr).toBe(""); // no SDK warnings, no noise
    expect(setup.code).toBe(0);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "Sunset.jpg", Body: "jpeg-bytes" }));

    const assumed = await xacct(["assume", "--write-profile"]);
    expect(assumed.code).toBe(0);
    expect(assumed.stderr).toBe("");

    const out = join(sandbox.dir, "via-aws-cli.jpg");
    const { stdout } = await exec("aws", ["s3api", "get-object", "--bucket", BUCKET, "--key", "Sunset.jpg", out, "--profile", "TempCred"], {
      env: sandbox.env,
    });
    expect(JSON.parse(stdout).ContentLength).toBe(10);
    expect(await readFile(out, "utf8")).toBe("jpeg-bytes");
    const who = await exec("aws", ["sts", "get-caller-identity", "--profile", "TempCred"], { env: sandbox.env });
    expect(JSON.parse(who.stdout).Arn).toMatch(/^arn:aws:sts::111111111111:assumed-role\/StageRole\//);
  });

  it("exits non-zero with one line and no stack trace on bad input", async () => {
    const result = await xacct(["test-get", "k", "--bucket", "NO"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(2); // the sentence and its hint
    expect(result.stderr).toContain('"NO" is not a valid bucket name');
  });
});
