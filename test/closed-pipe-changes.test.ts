/**
 * `xacct teardown --yes | head -3`: the reader goes away while xacct is changing the accounts.
 * Stopping there would leave them half changed with nobody told; xacct drops the rest of its
 * output, finishes, and ends as SIGPIPE would (141), without a stack trace (attack 15e).
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { BIN } from "./support/xacct-process.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

/** xacct ARGS in its own process, whose stdout reader is gone before the first line, or after its first AFTER bytes (`head -c1`). */
function intoClosedPipe(args: string[], { after = 0 } = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...sandbox.env, PATH: process.env["PATH"] },
    cwd: sandbox.dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let read = 0;
  if (after === 0) child.stdout.destroy();
  else child.stdout.on("data", (d: Buffer) => ((read += d.length) >= after ? child.stdout.destroy() : undefined));
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((done) => child.on("close", (code) => done({ code, stderr })));
}

describe("a closed stdout while xacct changes the accounts", () => {
  beforeEach(() => sandbox.reset()); // one setup at a time: each test makes its own
  it("teardown finishes every removal, then exits 141 quietly", async () => {
    const setup = await sandbox.run(setupArgs("closed-pipe-bucket", ["--role-name", "PipeRole"]));
    expect(setup.code, setup.stderr).toBe(0);

    const teardown = await intoClosedPipe(["teardown", "--yes"]);

    expect(teardown.stderr).not.toMatch(/EPIPE|node:events|Unhandled|\n\s+at /);
    expect(teardown.code).toBe(141);
    await expect(prod().iam.send(new GetRoleCommand({ RoleName: "PipeRole" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
    // The bucket xacct made went with its policy (an empty bucket of its own).
    await expect(prod().s3.send(new GetBucketPolicyCommand({ Bucket: "closed-pipe-bucket" }))).rejects.toMatchObject({
      name: expect.stringMatching(/^NoSuchBucket(Policy)?$/),
    });
    const again = await sandbox.run(["teardown", "--yes"]);
    expect(again.stdout).not.toMatch(/^- /m); // nothing left to remove
  }, 60_000);

  it("a failure's own exit code wins over 141", async () => {
    // A verify that finds a hop broken prints its checks, then exits 1.
    const setup = await sandbox.run(setupArgs("closed-pipe-verify", ["--role-name", "VerifyRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    await prod().s3.send(new DeleteBucketPolicyCommand({ Bucket: "closed-pipe-verify" }));
    const inProcess = await sandbox.run(["verify"]);
    expect(inProcess.code).toBe(1);
    expect(inProcess.stdout).not.toBe(""); // it does print before it fails

    const run = await intoClosedPipe(["verify"]);
    expect(run.code).toBe(1);
  }, 60_000);

  it("test-get KEY - | head -c1: ends quietly with 141, not as a bug", async () => {
    const setup = await sandbox.run(setupArgs("closed-pipe-get", ["--role-name", "GetRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    await prod().s3.send(new PutObjectCommand({ Bucket: "closed-pipe-get", Key: "big.bin", Body: Buffer.alloc(8 * 1024 * 1024, 7) }));
    const assumed = await sandbox.run(["assume", "--write-profile"]);
    expect(assumed.code, assumed.stderr).toBe(0);

    const run = await intoClosedPipe(["test-get", "big.bin", "-"], { after: 1 });

    expect(run.stderr).not.toMatch(/Unexpected|bug|EPIPE|\n\s+at /);
    expect(run.code).toBe(141);
  }, 60_000);

  it.runIf(existsSync("/dev/full"))(
    "teardown --yes > /dev/full finishes every removal, then says the output failed, exit 1",
    async () => {
      const setup = await sandbox.run(setupArgs("full-disk-bucket", ["--role-name", "FullDiskRole"]));
      expect(setup.code, setup.stderr).toBe(0);

      const full = openSync("/dev/full", "w");
      const child = spawn(process.execPath, [BIN, "teardown", "--yes"], {
        env: { ...sandbox.env, PATH: process.env["PATH"] },
        cwd: sandbox.dir,
        stdio: ["ignore", full, "pipe"],
      });
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      const code = await new Promise((done) => child.on("close", done));
      closeSync(full);

      expect(stderr).toContain("✘ xacct could not write its output (ENOSPC: no space left on device).");
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(code).toBe(1);
      await expect(prod().iam.send(new GetRoleCommand({ RoleName: "FullDiskRole" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
      const again = await sandbox.run(["teardown", "--yes"]);
      expect(again.stdout).not.toMatch(/^- /m);
    },
    60_000,
  );

  it.runIf(existsSync("/dev/full"))(
    "test-get KEY - > /dev/full: one line on the full disk, exit 1, not a bug",
    async () => {
      const setup = await sandbox.run(setupArgs("full-disk-get", ["--role-name", "FullGetRole"]));
      expect(setup.code, setup.stderr).toBe(0);
      await prod().s3.send(new PutObjectCommand({ Bucket: "full-disk-get", Key: "big.bin", Body: Buffer.alloc(1024 * 1024, 7) }));
      expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);

      const run = await shell(`exec "$NODE" "$XACCT" test-get big.bin - > /dev/full`);

      expect(run.stderr).toBe("✘ xacct could not write its output (ENOSPC: no space left on device).\n");
      expect(run.code).toBe(1);
    },
    60_000,
  );

  it("teardown past `ulimit -f` (SIGXFSZ) finishes every removal, then says the output failed, exit 1", async () => {
    const setup = await sandbox.run(setupArgs("file-size-bucket", ["--role-name", "FileSizeRole"]));
    expect(setup.code, setup.stderr).toBe(0);

    const run = await shell(`ulimit -f 1; exec "$NODE" "$XACCT" teardown --yes > out.txt`);

    expect(run.stderr).toContain("✘ xacct could not write its output (EFBIG: file too large");
    expect(run.code).toBe(1);
    await expect(prod().iam.send(new GetRoleCommand({ RoleName: "FileSizeRole" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
    const again = await sandbox.run(["teardown", "--yes"]);
    expect(again.stdout).not.toMatch(/^- /m);
  }, 60_000);
});

/** A shell line run with xacct as $NODE "$XACCT", in the sandbox. */
function shell(line: string): Promise<{ code: number | null; stderr: string }> {
  const env = { ...sandbox.env, PATH: process.env["PATH"], NODE: process.execPath, XACCT: BIN };
  const child = spawn("/bin/sh", ["-c", line], { env, cwd: sandbox.dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((done) => child.on("close", (code) => done({ code, stderr })));
}
