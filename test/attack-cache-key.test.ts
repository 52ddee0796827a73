/**
 * The session cache behind `xacct credentials` is keyed on who the caller is: new keys in the
 * credentials file, or keys in the environment, mean a new AssumeRole, never the old session.
 */
import { execFileSync } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CreateAccessKeyCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromIni } from "@aws-sdk/credential-provider-ini";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { runXacctProcess, type ProcessRun } from "./support/xacct-process.js";

const sandbox = useSandbox();
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
let proxy: FaultProxy;
let assumeRoleCalls = 0;

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
  proxy = await startFaultProxy(sandbox.moto.endpoint);
  proxy.rule = (request) => {
    if (request.action === "AssumeRole") assumeRoleCalls += 1;
    return undefined;
  };
});
afterAll(() => proxy?.close());

function credentials(cacheHome: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const args = ["credentials", "--role-arn", ROLE_ARN, "--profile", "staging"];
  return runXacctProcess(args, {
    env: { ...sandbox.env, AWS_ENDPOINT_URL: proxy.endpoint, XDG_CACHE_HOME: cacheHome, ...env },
    cwd: sandbox.dir,
    timeoutMs: 30_000,
  });
}

/** A second access key of the Staging user, made with the first. */
async function newStagingKey(): Promise<{ id: string; secret: string }> {
  const config = {
    region: "us-east-1",
    endpoint: sandbox.moto.endpoint,
    credentials: fromIni({ profile: "staging", filepath: sandbox.credentialsFile, configFilepath: sandbox.configFile }),
  };
  const arn = (await new STSClient(config).send(new GetCallerIdentityCommand({}))).Arn!;
  const made = await new IAMClient(config).send(new CreateAccessKeyCommand({ UserName: arn.split("/").pop()! }));
  return { id: made.AccessKey!.AccessKeyId!, secret: made.AccessKey!.SecretAccessKey! };
}

describe("the session cache's key", () => {
  it("new Staging keys in the credentials file mean a new AssumeRole, not the session of the old keys", async () => {
    const cacheHome = join(sandbox.dir, "cache-creds");
    assumeRoleCalls = 0;
    expect((await credentials(cacheHome)).code).toBe(0);
    expect((await credentials(cacheHome)).code).toBe(0);
    expect(assumeRoleCalls).toBe(1);
    const key = await newStagingKey();
    const text = await readFile(sandbox.credentialsFile, "utf8");
    const replaced = text
      .replace(/(\[staging\][^[]*?aws_access_key_id\s*=\s*)\S+/, `$1${key.id}`)
      .replace(/(\[staging\][^[]*?aws_secret_access_key\s*=\s*)\S+/, `$1${key.secret}`);
    expect(replaced).not.toBe(text);
    await writeFile(sandbox.credentialsFile, replaced);
    const run = await credentials(cacheHome);
    expect(run.code, run.stderr).toBe(0);
    expect(assumeRoleCalls).toBe(2);
  });

  it("keys in the environment (AWS_ACCESS_KEY_ID) key a session of their own", async () => {
    const cacheHome = join(sandbox.dir, "cache-env");
    assumeRoleCalls = 0;
    expect((await credentials(cacheHome)).code).toBe(0);
    const text = await readFile(sandbox.credentialsFile, "utf8");
    const id = /\[staging\][^[]*?aws_access_key_id\s*=\s*(\S+)/.exec(text)![1]!;
    const secret = /\[staging\][^[]*?aws_secret_access_key\s*=\s*(\S+)/.exec(text)![1]!;
    expect((await credentials(cacheHome, { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret })).code).toBe(0);
    expect(assumeRoleCalls).toBe(2);
  });

  it("a pipe planted under the cache file's name is not waited on: a new session is fetched at once", async () => {
    const cacheHome = join(sandbox.dir, "cache-fifo");
    expect((await credentials(cacheHome)).code).toBe(0);
    const dir = join(cacheHome, "xacct", "credentials");
    const [name] = (await readdir(dir)).filter((n) => n.endsWith(".json"));
    await rm(join(dir, name!));
    execFileSync("mkfifo", ["-m", "600", join(dir, name!)]);
    const started = Date.now();
    const run = await credentials(cacheHome);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("not a regular file");
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 40_000);
});
