/**
 * Attack 14 (x3 F0, x2 1, x2 2, ctime): a cached role session is served only to the caller and
 * trust it was assumed for. An Identity Center login, logout or another user's login (the
 * SDK's token cache), AWS_ENDPOINT_URL_SSO, an edit that keeps the file's mtime, and a setup
 * rerun that changes the role's trust are each a miss, on the fast path and in the full CLI.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { serveCachedCredentials } from "../src/credential-process.js";
import { cacheDirectory } from "../src/credentials-cache.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const exec = promisify(execFile);
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const LINE = ["credentials", `--role-arn=${ROLE_ARN}`, "--profile=staging", "--session-name=xacct-staging", "--region=us-east-1"];

async function fast(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  let printed = "";
  const served = await serveCachedCredentials(argv, { env, stdoutIsTerminal: false, write: (text) => (printed += text) });
  return served ? printed : undefined;
}

/** The full CLI's answer, and the fast path's right after it (served: the same bytes). */
async function cached(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const full = await sandbox.run(LINE, { env });
  expect(full.code, full.stderr).toBe(0);
  expect(await fast(LINE, env)).toBe(full.stdout);
  return full.stdout;
}

const accessKey = (json: string) => (JSON.parse(json) as { AccessKeyId: string }).AccessKeyId;
const ssoCache = () => join(sandbox.dir, ".aws", "sso", "cache");

beforeAll(async () => {
  const setup = await sandbox.run(setupArgs());
  expect(setup.code, setup.stderr).toBe(0);
});

describe("the caller outside the two AWS files", () => {
  it("an Identity Center login, a logout and another user's login each mean a new session", async () => {
    const before = await cached();
    await mkdir(ssoCache(), { recursive: true });
    const token = join(ssoCache(), "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6.json");
    await writeFile(token, JSON.stringify({ accessToken: "tok-alice", expiresAt: "2099-01-01T00:00:00Z" }));
    expect(await fast(LINE)).toBeUndefined();
    const alice = await cached();
    expect(accessKey(alice)).not.toBe(accessKey(before));

    await rm(token); // aws sso logout
    expect(await fast(LINE)).toBeUndefined();
    await cached();

    await writeFile(token, JSON.stringify({ accessToken: "tok-bob-longer", expiresAt: "2099-01-01T00:00:00Z" }));
    expect(await fast(LINE)).toBeUndefined();
    const bob = await cached();
    expect(accessKey(bob)).not.toBe(accessKey(alice));
  });

  it("AWS_ENDPOINT_URL_SSO (where the Identity Center login is used) is part of the key", async () => {
    await cached();
    const env = { ...process.env, AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9/sso" };
    expect(await fast(LINE, env)).toBeUndefined();
    await cached(env);
  });

  it("a config edit that puts the old mtime back (touch -r) still changes the key: the ctime moved", async () => {
    await cached();
    // touch -r keeps the nanoseconds: the file's size, inode and mtime are all as before.
    const reference = join(sandbox.dir, "config-time");
    await writeFile(reference, "");
    await exec("touch", ["-r", sandbox.configFile, reference]);
    const before = await stat(sandbox.configFile, { bigint: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(sandbox.configFile, await readFile(sandbox.configFile, "utf8"));
    await exec("touch", ["-r", reference, sandbox.configFile]);
    const after = await stat(sandbox.configFile, { bigint: true });
    expect([after.mtimeNs, after.ino, after.size]).toEqual([before.mtimeNs, before.ino, before.size]);
    expect(await fast(LINE)).toBeUndefined();
    await cached();
  });
});

describe("a setup rerun that changes the role's trust", () => {
  it("deletes the role's cached sessions, and a session from before MFA was required is never served after", async () => {
    const before = await cached();
    const files = async () => (await readdir(cacheDirectory(process.env))).filter((name) => !name.startsWith("mfa-") && name.endsWith(".json"));
    expect((await files()).length).toBeGreaterThan(0);
    const rerun = await sandbox.run(setupArgs(undefined, ["--require-mfa"]));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout + rerun.stderr).toMatch(
      /Deleted \d+ cached sessions? of arn:aws:iam::111111111111:role\/StageRole: they were assumed under its old trust/,
    );
    expect(await files()).toEqual([]);
    expect(await fast(LINE)).toBeUndefined();
    const full = await sandbox.run(LINE);
    expect(full.stdout).not.toContain(accessKey(before));
    expect(full.code).toBe(2); // the role now requires MFA, and no device is known
  });
});
