/**
 * Files that are not plain files, and files of other users, where xacct reads or writes: the
 * state file as a pipe or device, test-get into a pipe no one reads, into its own stdout with
 * --json, and --force over another user's file. Each must end at once with one sentence.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { spawn, execFileSync } from "node:child_process";
import { chown, copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { giveToUser, IS_ROOT, runXacctAsUser, userOwnedDir } from "./support/as-user.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BIN = resolve(__dirname, "../bin/xacct.js");

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "obj.txt", Body: "object-bytes" }));
  expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);
}, 60_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI in its own process (stdout a pipe), killed after 10 s so a hang fails the test. */
function xacct(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...sandbox.env, ...env }, cwd: sandbox.dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

function fifo(name: string): string {
  const path = join(sandbox.dir, name);
  execFileSync("mkfifo", ["-m", "600", path]);
  return path;
}

describe("the state file is a regular file or nothing", () => {
  it("a FIFO as the state file is refused at once, with one sentence", async () => {
    const run = await xacct(["assume"], { XACCT_STATE_FILE: fifo("state-fifo") });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("is not a regular file");
    expect(run.ms).toBeLessThan(8_000);
  });

  it("a character device as the state file is refused without reading it", async () => {
    const run = await xacct(["assume"], { XACCT_STATE_FILE: "/dev/zero" });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("is not a regular file");
  });

  it("a state file over 1 MiB is refused as not xacct's", async () => {
    const path = join(sandbox.dir, "big-state.json");
    await writeFile(path, `{"pad":"${"x".repeat(2 << 20)}"}`, { mode: 0o600 });
    const run = await xacct(["assume"], { XACCT_STATE_FILE: path });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("larger than");
  });
});

describe("test-get's output", () => {
  it.each([["/proc/self/fd/1"], ["/dev/stdout"]])("%s with --json is this process's stdout: refused like '-', nothing downloaded", async (dest) => {
    const run = await xacct(["test-get", "obj.txt", dest, "--json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain("object-bytes");
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
  });

  it("a FIFO no one reads fails at once with one sentence", async () => {
    const run = await xacct(["test-get", "obj.txt", fifo("no-reader")]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("no one is reading");
    expect(run.ms).toBeLessThan(8_000);
  });

  it("a FIFO with a reader still gets the object", async () => {
    const path = fifo("with-reader");
    const reader = spawn("cat", [path], { stdio: ["ignore", "pipe", "inherit"] });
    let read = "";
    reader.stdout.on("data", (d) => (read += d));
    const closed = new Promise((done) => reader.on("close", done));
    await new Promise((r) => setTimeout(r, 300)); // cat has opened its end
    const run = await xacct(["test-get", "obj.txt", path]);
    await closed;
    expect(run.code, run.stderr).toBe(0);
    expect(read).toBe("object-bytes");
  });

  it.skipIf(!IS_ROOT)("--force never replaces another user's file: it stays theirs, unchanged", async () => {
    const dir = await userOwnedDir();
    for (const name of ["config", "credentials"]) {
      await copyFile(name === "config" ? sandbox.configFile : sandbox.credentialsFile, join(dir, name));
      await giveToUser(join(dir, name));
    }
    const rootFile = join(dir, "rootfile");
    await writeFile(rootFile, "root's own", { mode: 0o644 });
    await chown(rootFile, 0, 0);
    const env = {
      ...sandbox.env,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      XDG_CONFIG_HOME: join(dir, "xdg"),
      HOME: dir,
    };
    const run = await runXacctAsUser(["test-get", "obj.txt", rootFile, "--force", "--bucket", BUCKET], { env, cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("belongs to another user");
    expect(await readFile(rootFile, "utf8")).toBe("root's own");
    expect((await stat(rootFile)).uid).toBe(0);
  });
});
