/**
 * Files xacct must not or cannot write, met as a user who is not root (see as-user.ts): each
 * is refused with one sentence before any AWS call, and every file operation ends in bounded
 * time, even where the kernel answers strangely (/proc).
 */
import { chmod, chown, copyFile, lstat, mkdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtForUser, giveToUser, IS_ROOT, runNodeAsUser, runXacctAsUser, USER, userOwnedDir } from "../support/as-user.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { setupArgs, useSandbox } from "../support/sandbox.js";

const sandbox = useSandbox();
let proxy: FaultProxy;
let seen: string[] = [];
let roleArn: string;

beforeAll(async () => {
  const setup = await sandbox.run(setupArgs());
  expect(setup.code).toBe(0);
  roleArn = Object.values(JSON.parse(await readFile(sandbox.statePath, "utf8")).setups as Record<string, { roleArn: string }>)[0]!.roleArn;
  proxy = await startFaultProxy(sandbox.moto.endpoint);
  proxy.rule = (request) => {
    seen.push(request.action ?? request.path);
    return undefined;
  };
}, 120_000);

afterAll(async () => {
  await proxy?.close();
});

/** A home of USER's own: ~/.aws with the sandbox's profiles, and xacct's state. */
async function userHome(): Promise<{ home: string; aws: string; config: string; credentials: string; env: NodeJS.ProcessEnv }> {
  const home = await userOwnedDir("xacct-home-");
  const aws = join(home, ".aws");
  await mkdir(aws, { mode: 0o700 });
  const config = join(aws, "config");
  const credentials = join(aws, "credentials");
  await copyFile(sandbox.configFile, config);
  await copyFile(sandbox.credentialsFile, credentials);
  const state = join(home, "state.json");
  await copyFile(sandbox.statePath, state);
  for (const path of [aws, config, credentials, state]) await giveToUser(path);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: home,
    NO_COLOR: "1",
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_ENDPOINT_URL: proxy.endpoint,
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    XACCT_STATE_FILE: state,
  };
  return { home, aws, config, credentials, env };
}

async function assumeAsUser(env: NodeJS.ProcessEnv, extra: string[] = []) {
  seen = [];
  const result = await runXacctAsUser(["assume", "--role-arn", roleArn, "--profile", "staging", "--write-profile", "Work", ...extra], { env });
  return { ...result, assumeRoleCalls: seen.filter((action) => action === "AssumeRole").length };
}

describe("as a user who is not root, assume --write-profile refuses before AssumeRole", () => {
  it("a read-only (0400) config file", async () => {
    const { config, env } = await userHome();
    await chmod(config, 0o400);
    const before = await readFile(config, "utf8");
    const run = await assumeAsUser(env);
    expect(run.stderr).toContain(`${config} is read-only`);
    expect(run.stderr).toContain(`chmod u+w ${config}`);
    expect(run).toMatchObject({ code: 1, assumeRoleCalls: 0 });
    expect(await readFile(config, "utf8")).toBe(before);
    expect((await stat(config)).mode & 0o777).toBe(0o400);
  });

  it("a read-only credentials file, with --credentials-file", async () => {
    const { credentials, env } = await userHome();
    await chmod(credentials, 0o400);
    const run = await assumeAsUser(env, ["--credentials-file"]);
    expect(run.stderr).toContain(`${credentials} is read-only`);
    expect(run).toMatchObject({ code: 1, assumeRoleCalls: 0 });
  });

  it.skipIf(!IS_ROOT)("a config file owned by another user (root), which a rename would hand to this user", async () => {
    const { config, env } = await userHome();
    await chown(config, 0, 0);
    await chmod(config, 0o644);
    const before = await readFile(config, "utf8");
    const run = await assumeAsUser(env);
    expect(run.stderr).toContain(`${config} belongs to another user`);
    expect(run).toMatchObject({ code: 1, assumeRoleCalls: 0 });
    expect(await readFile(config, "utf8")).toBe(before);
    expect((await stat(config)).uid).toBe(0);
  });

  it("a config symlinked to a file that is not an AWS config file (~/.gitconfig)", async () => {
    const { home, config, env } = await userHome();
    const gitconfig = join(home, ".gitconfig");
    const gitText = "[user]\n\tname = Ada\n\temail = ada@example.com\n[core]\n\teditor = vi\n";
    await writeFile(gitconfig, gitText, { mode: 0o644 });
    await giveToUser(gitconfig);
    await rm(config);
    await symlink(gitconfig, config);
    const run = await assumeAsUser(env);
    expect(run.stderr).toContain(`${gitconfig} does not look like an AWS config file`);
    expect(run).toMatchObject({ code: 1, assumeRoleCalls: 0 });
    expect(await readFile(gitconfig, "utf8")).toBe(gitText);
    expect((await lstat(config)).isSymbolicLink()).toBe(true);
  });

  it("a read-only ~/.aws directory: at once, not after a 15 s wait for the lock", async () => {
    const { aws, env } = await userHome();
    await chmod(aws, 0o500);
    const run = await assumeAsUser(env);
    expect(run.stderr).toContain(`Could not write in ${aws}: permission denied.`);
    expect(run).toMatchObject({ code: 1, assumeRoleCalls: 0 });
    expect(run.ms).toBeLessThan(5_000);
  });

  it("still writes a profile into a writable home", async () => {
    const { config, env } = await userHome();
    const run = await assumeAsUser(env);
    expect(run.stderr).toBe("");
    expect(run).toMatchObject({ code: 0, assumeRoleCalls: 1 });
    expect(await readFile(config, "utf8")).toContain("[profile Work]");
    expect((await stat(config)).uid).toBe(USER.uid);
  });

  it("refuses an unreadable file", async () => {
    const { credentials, env } = await userHome();
    await chmod(credentials, 0o000);
    const store = pathToFileURL(join(await builtForUser(), "dist/awsconfig/store.js")).href;
    const script = `
      const { writeProfile } = await import(${JSON.stringify(store)});
      try {
        await writeProfile({ path: ${JSON.stringify(credentials)}, file: "credentials", profile: "TempCred", values: { region: "eu-west-1" } });
        console.log("written");
      } catch (error) { console.log(JSON.stringify({ exitCode: error.exitCode, message: error.message })); }`;
    const run = await runNodeAsUser(["--input-type=module", "-e", script], { env });
    expect(JSON.parse(run.stdout)).toEqual({ exitCode: 1, message: `Could not read ${credentials}: permission denied.` });
  });
});

describe("file operations end in bounded time", () => {
  it("export --out-dir /proc/nope fails at once, naming the directory", async () => {
    const { env } = await userHome();
    const run = await runXacctAsUser(["export", "--format", "terraform", "--out-dir", "/proc/nope/out"], { env, timeoutMs: 15_000 });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("/proc/nope");
  });

  it("xacct credentials with its cache under /proc/nope ends, whatever it decides", async () => {
    const { env } = await userHome();
    const run = await runXacctAsUser(["credentials", "--role-arn", roleArn, "--profile", "staging"], {
      env: { ...env, XDG_CACHE_HOME: "/proc/nope" },
      timeoutMs: 15_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).not.toBeNull();
  });

  it("AWS_CONFIG_FILE=/proc/nope/config assume --write-profile fails at once, before AssumeRole", async () => {
    const { env } = await userHome();
    seen = [];
    const run = await runXacctAsUser(["assume", "--role-arn", roleArn, "--profile", "staging", "--write-profile", "Work"], {
      env: { ...env, AWS_CONFIG_FILE: "/proc/nope/config" },
      timeoutMs: 15_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("/proc/nope");
    expect(seen.filter((action) => action === "AssumeRole")).toHaveLength(0);
  });
});
