/**
 * credential_process lines that survive a Node upgrade. Given a PATH whose `xacct` is this
 * install (a symlink to bin/xacct.js, as npm makes one), the line starts `xacct credentials`;
 * given none, or another install's, it starts with this bin/xacct.js, which runs through its
 * shebang; given no `node` on PATH for that shebang, with the absolute node. Either written
 * profile works through the real aws CLI against the emulator.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, symlink } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { processProfileValues, type ProcessProfile } from "../src/awsconfig/refreshing-profile.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const BIN = resolve(__dirname, "../bin/xacct.js");
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const sandbox = useSandbox();
const PROFILE: ProcessProfile = { name: "P", roleArn: ROLE_ARN, sourceProfile: "staging", sessionName: "xacct-staging", region: "us-east-1" };

let linked = ""; // a folder whose `xacct` links to this bin/xacct.js
let other = ""; // a folder whose `xacct` is another install's copy
let nodeOnly = ""; // a folder with `node` and nothing else
const basePath = process.env["PATH"] ?? "";

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
  linked = join(sandbox.dir, "linked-bin");
  other = join(sandbox.dir, "other-bin");
  nodeOnly = join(sandbox.dir, "node-bin");
  await mkdir(linked);
  await mkdir(other);
  await mkdir(nodeOnly);
  await symlink(BIN, join(linked, "xacct"));
  await copyFile(BIN, join(other, "xacct"));
  await copyFile(BIN, join(other, "xacct.js"));
  await symlink(process.execPath, join(nodeOnly, "node"));
  await symlink(BIN, join(sandbox.dir, "xacct")); // in the working folder, which "." names
});

const line = (path: string) => processProfileValues(PROFILE, { ...process.env, PATH: path })["credential_process"]!;

describe("how a credential_process line starts xacct", () => {
  it("the xacct on PATH is this install (a symlink to its bin): `xacct credentials …`", () => {
    expect(line([linked, nodeOnly].join(delimiter))).toBe(
      "xacct credentials '--role-arn=arn:aws:iam::111111111111:role/StageRole' '--profile=staging' '--session-name=xacct-staging' '--region=us-east-1'",
    );
  });

  it("no xacct on PATH, or another install's first: this bin/xacct.js by its absolute path, run through its shebang", () => {
    expect(line(nodeOnly)).toMatch(new RegExp(`^${BIN.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} credentials '--role-arn=`));
    expect(line([other, linked, nodeOnly].join(delimiter)).startsWith(`${BIN} credentials `)).toBe(true);
  });

  it("no node on PATH for the shebang: the absolute node, then bin/xacct.js", () => {
    expect(line(linked).startsWith(`${process.execPath} ${BIN} credentials `)).toBe(true);
    expect(line("").startsWith(`${process.execPath} ${BIN} credentials `)).toBe(true);
  });

  it("a relative PATH entry (the folder the AWS tool runs in) is never relied on", () => {
    expect(process.cwd()).toBe(sandbox.dir);
    // Not even for `node` (the #!/usr/bin/env line searches PATH too): the absolute node runs the install (attack 14, x2 4).
    expect(line([".", nodeOnly].join(delimiter)).startsWith(`${process.execPath} ${BIN} credentials `)).toBe(true);
  });
});

describe("the written profile through the real aws CLI", () => {
  const awsAs = async (profile: string, path: string) => {
    const env = { ...process.env, PATH: path, XDG_CACHE_HOME: join(sandbox.dir, `cache-${profile}`) };
    const written = await sandbox.run(["assume", "--write-profile", profile, "--profile-style", "process"], { env });
    expect(written.code, written.stderr).toBe(0);
    const config = await readFile(sandbox.configFile, "utf8");
    const credentialProcess = new RegExp(`\\[profile ${profile}\\]\\ncredential_process = (.*)\\n`).exec(config)?.[1];
    const identity = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile("aws", ["sts", "get-caller-identity", "--profile", profile, "--output", "json"], { env }, (error, stdout, stderr) =>
        done({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    return { credentialProcess, identity };
  };

  it("`xacct credentials …` found on PATH: aws sts get-caller-identity is the role's session", async () => {
    const { credentialProcess, identity } = await awsAs("ViaPath", [linked, basePath].join(delimiter));
    expect(credentialProcess).toMatch(/^xacct credentials '--role-arn=/);
    expect(identity.code, identity.stderr).toBe(0);
    expect(JSON.parse(identity.stdout).Arn).toBe("arn:aws:sts::111111111111:assumed-role/StageRole/xacct-staging");
  }, 60_000);

  it("the absolute bin/xacct.js: aws sts get-caller-identity is the role's session", async () => {
    const { credentialProcess, identity } = await awsAs("ViaBin", basePath);
    expect(credentialProcess?.startsWith(`${BIN} credentials '--role-arn=`)).toBe(true);
    expect(identity.code, identity.stderr).toBe(0);
    expect(JSON.parse(identity.stdout).Arn).toBe("arn:aws:sts::111111111111:assumed-role/StageRole/xacct-staging");
  }, 60_000);
});
