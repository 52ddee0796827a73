/**
 * The session cache behind `xacct credentials` (credential_process), attacked: many AWS tool
 * processes at once, planted cache files, a cache shared between the emulator and AWS, a
 * symlinked cache folder, and what teardown leaves behind. The built CLI runs as separate
 * processes, the way the AWS tools run it; AssumeRole calls are counted by a proxy in front of
 * the emulator.
 */
import { chmod, chown, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { runXacctProcess, type ProcessRun } from "./support/xacct-process.js";

const sandbox = useSandbox();
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
let proxy: FaultProxy;
let assumeRoleCalls = 0;
let cacheCount = 0;

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
  proxy = await startFaultProxy(sandbox.moto.endpoint);
  proxy.rule = (request) => {
    if (request.action === "AssumeRole") assumeRoleCalls += 1;
    return undefined;
  };
});
afterAll(() => proxy?.close());

/** `xacct credentials` as the AWS tools run it: its own process, stdout a pipe, through the counting proxy. */
function credentials(cacheHome: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const args = ["credentials", "--role-arn", ROLE_ARN, "--profile", "staging", ...extraArgs];
  return runXacctProcess(args, {
    env: { ...sandbox.env, AWS_ENDPOINT_URL: proxy.endpoint, XDG_CACHE_HOME: cacheHome, ...env },
    cwd: sandbox.dir,
    timeoutMs: 30_000,
  });
}

/** A fresh cache folder per test, and the AssumeRole calls made since. */
function freshCache(): string {
  assumeRoleCalls = 0;
  cacheCount += 1;
  return join(sandbox.dir, `cache-${cacheCount}`);
}

async function cacheFiles(cacheHome: string): Promise<string[]> {
  const dir = join(cacheHome, "xacct", "credentials");
  return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith(".json")).map((name) => join(dir, name));
}

const keyId = (run: ProcessRun) => JSON.parse(run.stdout).AccessKeyId as string;

describe("xacct credentials' cache", () => {
  it("20 processes at once make exactly one AssumeRole call, and all print the same session", async () => {
    const cacheHome = freshCache();
    const runs = await Promise.all(Array.from({ length: 20 }, () => credentials(cacheHome)));
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(new Set(runs.map(keyId)).size).toBe(1);
    expect(assumeRoleCalls).toBe(1);
  }, 120_000);

  it("a cache file others can write (0666) is not served: the session is fetched again and the file replaced", async () => {
    const cacheHome = freshCache();
    const first = await credentials(cacheHome);
    expect(first.code).toBe(0);
    const [file] = await cacheFiles(cacheHome);
    const planted = { ...JSON.parse(await readFile(file!, "utf8")), accessKeyId: "ASIAPLANTEDPLANTED00" };
    await writeFile(file!, JSON.stringify(planted));
    await chmod(file!, 0o666);

    const second = await credentials(cacheHome);
    expect(second.code).toBe(0);
    expect(keyId(second)).not.toBe("ASIAPLANTEDPLANTED00");
    expect(assumeRoleCalls).toBe(2);
    expect((await stat(file!)).mode & 0o777).toBe(0o600);
  });

  it.skipIf(process.getuid?.() !== 0)("a cache file owned by another user is not served", async () => {
    const cacheHome = freshCache();
    expect((await credentials(cacheHome)).code).toBe(0);
    const [file] = await cacheFiles(cacheHome);
    const planted = { ...JSON.parse(await readFile(file!, "utf8")), accessKeyId: "ASIAPLANTEDOTHERUSER" };
    await writeFile(file!, JSON.stringify(planted));
    await chown(file!, 4242, 4242);

    const second = await credentials(cacheHome);
    expect(second.code).toBe(0);
    expect(keyId(second)).not.toBe("ASIAPLANTEDOTHERUSER");
    expect(assumeRoleCalls).toBe(2);
    expect((await stat(file!)).uid).toBe(0);
  });

  it("a session cached for one endpoint or region is never served for another", async () => {
    const cacheHome = freshCache();
    // The emulator reached directly, then the same role through another endpoint (the proxy).
    expect((await credentials(cacheHome, [], { AWS_ENDPOINT_URL: sandbox.moto.endpoint })).code).toBe(0);
    expect(assumeRoleCalls).toBe(0);
    expect((await credentials(cacheHome)).code).toBe(0);
    expect(assumeRoleCalls).toBe(1);
    expect((await credentials(cacheHome, ["--region", "eu-west-1"])).code).toBe(0);
    expect(assumeRoleCalls).toBe(2);
    // And each is still reused for its own endpoint and region.
    expect((await credentials(cacheHome)).code).toBe(0);
    expect((await credentials(cacheHome, ["--region", "eu-west-1"])).code).toBe(0);
    expect(assumeRoleCalls).toBe(2);
  });

  it("a session cached before the config file changed (an endpoint_url may be in it) is not served after", async () => {
    const cacheHome = freshCache();
    expect((await credentials(cacheHome)).code).toBe(0);
    expect((await credentials(cacheHome)).code).toBe(0);
    expect(assumeRoleCalls).toBe(1);
    const config = await readFile(sandbox.configFile, "utf8");
    await writeFile(sandbox.configFile, `${config}\n[profile emulator]\nendpoint_url = ${sandbox.moto.endpoint}\n`);
    expect((await credentials(cacheHome)).code).toBe(0);
    expect(assumeRoleCalls).toBe(2);
  });

  it("a cache folder that cannot be created (under /proc) fails at once instead of spinning", async () => {
    freshCache();
    const started = Date.now();
    const run = await credentials("/proc/nope");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Could not use the session cache /proc/nope");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(assumeRoleCalls).toBe(0);
  });

  it("refuses a symlinked cache folder with one sentence, and changes nothing where it points", async () => {
    const cacheHome = freshCache();
    const elsewhere = join(sandbox.dir, "shared-folder");
    await mkdir(elsewhere, { recursive: true });
    await chmod(elsewhere, 0o755);
    await mkdir(join(cacheHome, "xacct"), { recursive: true });
    await symlink(elsewhere, join(cacheHome, "xacct", "credentials"));

    const run = await credentials(cacheHome);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("symbolic link");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(assumeRoleCalls).toBe(0);
    expect((await stat(elsewhere)).mode & 0o777).toBe(0o755);
    expect(await readdir(elsewhere)).toEqual([]);
  });
});

describe("teardown and the sessions it leaves", () => {
  it("removes the setup's cached sessions and keeps no copy of the profile's keys in the backup", async () => {
    const cacheHome = join(sandbox.dir, ".cache"); // the default, under HOME
    expect((await credentials(cacheHome)).code).toBe(0);
    expect(await cacheFiles(cacheHome)).toHaveLength(1);
    // Two sessions in TempCred: the backup then holds the first one's keys.
    expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);
    expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);
    const secrets = [...(await readFile(sandbox.configFile, "utf8")).matchAll(/^aws_(?:secret_access_key|session_token) = (.+)$/gm)].map((m) => m[1]!);
    const backup = `${sandbox.configFile}.xacct.bak`;
    const backedUp = [...(await readFile(backup, "utf8")).matchAll(/^aws_(?:secret_access_key|session_token) = (.+)$/gm)].map((m) => m[1]!);
    expect(secrets.length + backedUp.length).toBeGreaterThanOrEqual(4);

    const teardown = await sandbox.run(["teardown", "--yes"]);
    expect(teardown.code, teardown.stderr).toBe(0);
    expect(await cacheFiles(cacheHome)).toEqual([]);
    const after = await readFile(backup, "utf8").catch(() => "");
    for (const secret of [...secrets, ...backedUp]) expect(after).not.toContain(secret);
    expect(await readFile(sandbox.configFile, "utf8")).not.toContain("TempCred");
  });
});

describe("the config store's one backup", () => {
  it("loses a removed profile's keys even when the file itself no longer had that profile", async () => {
    const { removeProfileFromFile } = await import("../src/awsconfig/store.js");
    const file = join(sandbox.dir, "backup-case", "credentials");
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, "[mine]\naws_access_key_id = AKIAMINE\n");
    await writeFile(
      `${file}.xacct.bak`,
      "[mine]\naws_access_key_id = AKIAMINE\n\n[TempCred]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old-live-secret\n",
    );
    const result = await removeProfileFromFile({ path: file, file: "credentials", profile: "TempCred" });
    expect(result.changed).toBe(false);
    expect(await readFile(file, "utf8")).toBe("[mine]\naws_access_key_id = AKIAMINE\n");
    const backup = await readFile(`${file}.xacct.bak`, "utf8");
    expect(backup).not.toContain("old-live-secret");
    expect(backup).toContain("AKIAMINE"); // the user's own profile stays in the backup
  });
});
