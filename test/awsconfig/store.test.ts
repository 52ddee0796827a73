/**
 * The store against real files in temp directories (never the real ~/.aws). Concurrency and
 * crash tests run the BUILT module in child processes, so they need `dist/`; beforeAll builds
 * it when src/ is newer.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import lockfile from "proper-lockfile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XacctError } from "../../src/errors.js";
import { upsertProfile } from "../../src/awsconfig/ini.js";
import { backupPathFor, lockPathFor, readProfileNames, removeProfileFromFile, writeProfile } from "../../src/awsconfig/store.js";
import { readWithSdk } from "./sdk-reader.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BUILT_STORE = path.join(REPO, "dist/awsconfig/store.js");
const FRESH = { aws_access_key_id: "ASIANEW", aws_secret_access_key: "secret/NEW+", aws_session_token: "tokenNEW==" };
const HAND_WRITTEN = "# my keys\r\n[default]\r\naws_access_key_id = AKIADEFAULT ; personal\r\naws_secret_access_key = s3cr3t\r\n";

let root: string;
let dirCount = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "xacct-store-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  dirCount += 1;
  const dir = path.join(root, `case-${dirCount}`);
  await mkdir(dir);
  return dir;
}

const modeOf = async (filePath: string) => (await stat(filePath)).mode & 0o777;

async function sdkProfiles(credentialsPath: string) {
  const missing = path.join(root, "no-config");
  return (await loadSharedConfigFiles({ filepath: credentialsPath, configFilepath: missing, ignoreCache: true })).credentialsFile;
}

describe("writeProfile", () => {
  it("creates a missing file 0600 in a new directory 0700", async () => {
    // Given a home without ~/.aws
    const credentials = path.join(await freshDir(), "home", ".aws", "credentials");
    // When we write a profile
    const result = await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });
    // Then both exist with private modes, and the SDK reads the profile
    expect(result).toEqual({ path: credentials, created: true, changed: true, warnings: [] });
    expect(await modeOf(credentials)).toBe(0o600);
    expect(await modeOf(path.dirname(credentials))).toBe(0o700);
    expect((await sdkProfiles(credentials)).TempCred).toEqual(FRESH);
    expect(existsSync(backupPathFor(credentials))).toBe(false);
  });

  it("refuses secrets into a file open to others and leaves it untouched; a file without secrets keeps its mode", async () => {
    const credentials = path.join(await freshDir(), "credentials");
    await writeFile(credentials, HAND_WRITTEN);
    await chmod(credentials, 0o644);
    const failure = writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining("is open to other users (mode 0644)"), exitCode: 2 });
    expect(await readFile(credentials, "utf8")).toBe(HAND_WRITTEN);
    expect(await modeOf(credentials)).toBe(0o644);
  });

  it("writes a config file open to others when the profile holds no secret, and warns when the file holds some", async () => {
    const config = path.join(await freshDir(), "config");
    await writeFile(config, "[default]\nregion = eu-west-1\n", { mode: 0o644 });
    const role = { role_arn: "arn:aws:iam::111111111111:role/X", source_profile: "dev" };
    const plain = await writeProfile({ path: config, file: "config", profile: "xacct-prod", values: role });
    expect(plain.warnings).toEqual([]);
    expect(await modeOf(config)).toBe(0o644);
    await expect(writeProfile({ path: config, file: "config", profile: "keys", values: FRESH })).rejects.toMatchObject({ exitCode: 2 });
    await writeFile(config, `[profile theirs]\naws_secret_access_key = s\n`, { mode: 0o644 });
    const other = await writeProfile({ path: config, file: "config", profile: "xacct-prod", values: role });
    expect(other.warnings).toEqual([expect.stringContaining("mode 0644); run: chmod 600")]);
  });

  it("writes through a symlink to its target and keeps the link", async () => {
    const dir = await freshDir();
    const realDir = path.join(dir, "dotfiles");
    await mkdir(realDir);
    const real = path.join(realDir, "credentials");
    const link = path.join(dir, "credentials");
    await writeFile(real, HAND_WRITTEN, { mode: 0o600 });
    await symlink(path.relative(dir, real), link);

    const result = await writeProfile({ path: link, file: "credentials", profile: "TempCred", values: FRESH });

    expect(result.path).toBe(real);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await sdkProfiles(link)).TempCred).toEqual(FRESH);
    expect(await readFile(backupPathFor(real), "utf8")).toBe(HAND_WRITTEN);
    expect((await readdir(dir)).sort()).toEqual(["credentials", "dotfiles"]);
  });

  it("creates the target of a dangling symlink", async () => {
    const dir = await freshDir();
    const link = path.join(dir, "credentials");
    await symlink(path.join(dir, "elsewhere"), link);
    await writeProfile({ path: link, file: "credentials", profile: "TempCred", values: FRESH });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await modeOf(path.join(dir, "elsewhere"))).toBe(0o600);
  });

  it("keeps the previous content as a 0600 backup and leaves no temp files", async () => {
    const dir = await freshDir();
    const credentials = path.join(dir, "credentials");
    await writeFile(credentials, HAND_WRITTEN, { mode: 0o700 });
    await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });
    const firstVersion = await readFile(credentials, "utf8");
    await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: { ...FRESH, aws_session_token: "t2" } });

    expect(await readFile(backupPathFor(credentials), "utf8")).toBe(firstVersion);
    expect(await modeOf(backupPathFor(credentials))).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(["credentials", "credentials.xacct.bak"]);
  });

  it("does not write at all when nothing would change", async () => {
    const dir = await freshDir();
    const credentials = path.join(dir, "credentials");
    const request = { path: credentials, file: "credentials", profile: "TempCred", values: FRESH } as const;
    await writeProfile(request);
    await writeProfile({ ...request, values: { ...FRESH, aws_session_token: "old" } });
    await writeProfile(request);
    const before = await stat(credentials);
    const backupBefore = await readFile(backupPathFor(credentials), "utf8");

    const result = await writeProfile(request);

    expect(result.changed).toBe(false);
    const after = await stat(credentials);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(await readFile(backupPathFor(credentials), "utf8")).toBe(backupBefore);
  });

  it("drops removeKeys", async () => {
    const credentials = path.join(await freshDir(), "credentials");
    await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });
    const { aws_session_token: _dropped, ...keys } = FRESH;
    await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: keys, removeKeys: ["aws_session_token"] });
    expect((await sdkProfiles(credentials)).TempCred).toEqual(keys);
  });

  it("refuses a directory where the file should be, and leaves it alone", async () => {
    const credentials = path.join(await freshDir(), "credentials");
    await mkdir(credentials);
    const failure = writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });
    await expect(failure).rejects.toThrow(XacctError);
    await expect(failure).rejects.toMatchObject({
      exitCode: 1,
      message: `${credentials} is a directory, not an AWS credentials file.`,
      hint: expect.stringContaining("AWS_SHARED_CREDENTIALS_FILE"),
    });
    expect(await readdir(credentials)).toEqual([]);
  });

  it("refuses a file that is not UTF-8, and leaves it alone", async () => {
    const config = path.join(await freshDir(), "config");
    const bytes = Buffer.from([0x5b, 0x64, 0x65, 0x76, 0x5d, 0x0a, 0xff, 0xfe, 0x0a]);
    await writeFile(config, bytes);
    await expect(writeProfile({ path: config, file: "config", profile: "x", values: { region: "eu-west-1" } })).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining("is not valid UTF-8"),
    });
    expect(await readFile(config)).toEqual(bytes);
  });

  // An unreadable file is refused: test/files/unwritable-files.test.ts, as a user who is not root.

  it("refuses bad input before touching the disk", async () => {
    const credentials = path.join(await freshDir(), "new-dir", "credentials");
    const failure = writeProfile({ path: credentials, file: "credentials", profile: "bad name", values: FRESH });
    await expect(failure).rejects.toMatchObject({ exitCode: 2 });
    expect(existsSync(path.dirname(credentials))).toBe(false);
  });
});

const hasAwsCli = (() => {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** What botocore (the AWS CLI), the other reader of these files, sees for one setting. */
function awsConfigureGet(paths: { config: string; credentials: string }, profile: string, key: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials, HOME: root };
  delete env.AWS_PROFILE;
  return new Promise((resolve, reject) => {
    execFile("aws", ["configure", "get", key, "--profile", profile], { env }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
  });
}

describe.skipIf(!hasAwsCli)("the AWS CLI reads what we wrote", () => {
  it("sees the new values, nested settings and the other profiles", async () => {
    // Given hand-written files with CRLF, comments after values and nested settings
    const dir = await freshDir();
    const paths = { config: path.join(dir, "config"), credentials: path.join(dir, "credentials") };
    await writeFile(paths.credentials, `${HAND_WRITTEN}\r\n[TempCred]\r\naws_session_token = stale # from yesterday\r\n`, { mode: 0o600 });
    await writeFile(paths.config, "[profile xacct-prod]\ns3 =\n  addressing_style = path\nregion = eu-west-1 ; home\n");
    // When we write both
    await writeProfile({ path: paths.credentials, file: "credentials", profile: "TempCred", values: FRESH });
    const role = { role_arn: "arn:aws:iam::111111111111:role/XacctAccess", region: "us-east-2" };
    await writeProfile({ path: paths.config, file: "config", profile: "xacct-prod", values: role });
    // Then botocore reads every value exactly
    const reads = await Promise.all([
      awsConfigureGet(paths, "TempCred", "aws_session_token"),
      awsConfigureGet(paths, "TempCred", "aws_secret_access_key"),
      awsConfigureGet(paths, "xacct-prod", "region"),
      awsConfigureGet(paths, "xacct-prod", "s3.addressing_style"),
      awsConfigureGet(paths, "default", "aws_secret_access_key"),
    ]);
    expect(reads).toEqual([FRESH.aws_session_token, FRESH.aws_secret_access_key, "us-east-2", "path", "s3cr3t"]);
  });
});

describe("locking", () => {
  it("breaks a lock left by a dead process", async () => {
    const credentials = path.join(await freshDir(), "credentials");
    await mkdir(lockPathFor(credentials));
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(lockPathFor(credentials), aMinuteAgo, aMinuteAgo);

    const result = await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });

    expect(result.changed).toBe(true);
    expect(existsSync(lockPathFor(credentials))).toBe(false);
  });

  it("gives up with a clear error when a live process holds the lock too long", async () => {
    const credentials = path.join(await freshDir(), "credentials");
    await writeFile(credentials, HAND_WRITTEN, { mode: 0o600 });
    const release = await lockfile.lock(credentials, { realpath: false, lockfilePath: lockPathFor(credentials) });
    try {
      const started = Date.now();
      const failure = writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH }, { lock: { waitMs: 300 } });
      await expect(failure).rejects.toMatchObject({
        exitCode: 1,
        message: expect.stringContaining(`Another process kept ${credentials} locked`),
        hint: expect.stringContaining(lockPathFor(credentials)),
      });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await readFile(credentials, "utf8")).toBe(HAND_WRITTEN);
    } finally {
      await release();
    }
  });
});

describe("removeProfileFromFile and readProfileNames", () => {
  it("removes a profile, keeping a backup, and reads names from both files", async () => {
    const dir = await freshDir();
    const paths = { config: path.join(dir, "config"), credentials: path.join(dir, "credentials") };
    await writeFile(paths.config, "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-east-1\n");
    await writeFile(paths.credentials, HAND_WRITTEN, { mode: 0o600 });
    await writeProfile({ path: paths.credentials, file: "credentials", profile: "TempCred", values: FRESH });
    expect(await readProfileNames(paths)).toEqual(["default", "dev", "TempCred"]);

    const result = await removeProfileFromFile({ path: paths.credentials, file: "credentials", profile: "TempCred" });

    expect(result.changed).toBe(true);
    expect(await readFile(paths.credentials, "utf8")).toBe(HAND_WRITTEN);
    expect(await readProfileNames(paths)).toEqual(["default", "dev"]);
  });

  it("leaves missing files missing", async () => {
    const dir = path.join(await freshDir(), "absent");
    const paths = { config: path.join(dir, "config"), credentials: path.join(dir, "credentials") };
    expect(await readProfileNames(paths)).toEqual([]);
    const result = await removeProfileFromFile({ path: paths.credentials, file: "credentials", profile: "TempCred" });
    expect(result.changed).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// Many processes: these run dist/awsconfig/store.js in child processes.

function buildWhenStale(): void {
  const sources = ["awsconfig/ini.ts", "awsconfig/paths.ts", "awsconfig/store.ts", "errors.ts"].map((file) => path.join(REPO, "src", file));
  const builtAt = existsSync(BUILT_STORE) ? statSync(BUILT_STORE).mtimeMs : 0;
  if (sources.every((source) => statSync(source).mtimeMs < builtAt)) return;
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO, stdio: "pipe" });
  } catch (error) {
    // Type errors elsewhere in the tree still emit our files; only a missing build is fatal.
    if (!existsSync(BUILT_STORE) || statSync(BUILT_STORE).mtimeMs <= builtAt) throw error;
  }
}

async function writeScript(dir: string, name: string, body: string): Promise<string> {
  const script = path.join(dir, name);
  await writeFile(script, `import { writeProfile } from ${JSON.stringify(pathToFileURL(BUILT_STORE).href)};\n${body}`);
  return script;
}

function runNode(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

/** Starts the script, waits for its "ready" line, lets it write for `delayMs`, then SIGKILLs it. */
function killWhileWriting(script: string, args: string[], delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer exited early: ${code}`))));
    child.stdout.once("data", () => setTimeout(() => child.kill("SIGKILL"), delayMs));
  });
}

const isTempFile = (name: string) => name.endsWith(".xacct-tmp");

describe("many processes", () => {
  beforeAll(buildWhenStale, 120_000);

  it("20 processes writing 20 profiles into one file at once keep all of them", async () => {
    const dir = await freshDir();
    const credentials = path.join(dir, "credentials");
    await writeFile(credentials, HAND_WRITTEN, { mode: 0o600 });
    const script = await writeScript(
      dir,
      "write-one.mjs",
      `const [file, profile] = process.argv.slice(2);
await writeProfile({ path: file, file: "credentials", profile, values: { aws_access_key_id: "AKIA" + profile, aws_secret_access_key: "s-" + profile } });`,
    );
    const profiles = Array.from({ length: 20 }, (_, index) => `writer${index}`);

    const runs = await Promise.all(profiles.map((profile) => runNode(script, [credentials, profile])));

    expect(runs.filter((run) => run.code !== 0)).toEqual([]);
    const sdk = await sdkProfiles(credentials);
    for (const profile of profiles) expect(sdk[profile]).toEqual({ aws_access_key_id: `AKIA${profile}`, aws_secret_access_key: `s-${profile}` });
    expect((await readFile(credentials, "utf8")).startsWith(HAND_WRITTEN)).toBe(true);
    expect((await readdir(dir)).filter(isTempFile)).toEqual([]);
  });

  it("a writer killed at random moments leaves the old or the new file, never a torn one", async () => {
    const dir = await freshDir();
    const credentials = path.join(dir, "credentials");
    const target = { file: "credentials", profile: "TempCred" } as const;
    await writeFile(credentials, HAND_WRITTEN, { mode: 0o600 });
    // A long token makes each write take long enough for kills to land mid-write.
    const script = await writeScript(
      dir,
      "write-forever.mjs",
      `const [file] = process.argv.slice(2);
const token = "T".repeat(64 * 1024);
process.stdout.write("ready\\n");
for (let n = 0; ; n += 1) {
  const id = process.pid + "-" + n;
  await writeProfile({ path: file, file: "credentials", profile: "TempCred", values: { aws_access_key_id: "AKIA" + id, aws_secret_access_key: "s-" + id, aws_session_token: token + id } });
}`,
    );
    /** Every write upserts the same keys into HAND_WRITTEN, so each complete version is computable. */
    const expectCompleteVersion = async (filePath: string) => {
      const text = await readFile(filePath, "utf8");
      if (text === HAND_WRITTEN) return;
      const values = (await readWithSdk(text, "credentials")).TempCred as Record<string, string>;
      expect(text).toBe(upsertProfile(HAND_WRITTEN, target, values));
    };

    for (let kill = 0; kill < 100; kill += 1) {
      await killWhileWriting(script, [credentials], Math.random() * 30);
      await expectCompleteVersion(credentials);
      if (existsSync(backupPathFor(credentials))) await expectCompleteVersion(backupPathFor(credentials));
      expect((await readdir(dir)).filter(isTempFile).length).toBeLessThanOrEqual(1);
      // The killed writer's lock would go stale after staleMs; "breaks a lock left by a dead process" covers that.
      await rm(lockPathFor(credentials), { recursive: true, force: true });
    }

    // The next write clears what the last killed writer left behind.
    await writeProfile({ path: credentials, file: "credentials", profile: "TempCred", values: FRESH });
    expect((await readdir(dir)).filter(isTempFile)).toEqual([]);
    await expectCompleteVersion(credentials);
  });
});
