/**
 * Ctrl-C while setup applies: the built CLI, a step held in flight by a slow link (the fault
 * proxy), SIGINT sent to the process. It says what was done, what was not, and how to finish
 * or undo; exits 130; and the setup stays remembered, so teardown removes what was made.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { DeleteBucketCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { snapshotAccount } from "./support/snapshot.js";
import { BIN } from "./support/xacct-process.js";

const sandbox = useSandbox();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(sandbox.moto.endpoint);
});
afterAll(() => proxy.close());

async function snapshot(): Promise<unknown> {
  return {
    prod: await snapshotAccount(clientsFor(sandbox.moto.endpoint, sandbox.prod)),
    staging: await snapshotAccount(clientsFor(sandbox.moto.endpoint, sandbox.staging)),
  };
}

/** Holds the first request for `operation` until `release` is called; `seen` resolves when it arrives. */
function holdFirst(operation: string): { seen: Promise<void>; release: () => void; forwarded: Promise<void> } {
  let seen!: () => void;
  let release!: () => void;
  let forwarded!: () => void;
  const hold = {
    seen: new Promise<void>((resolve) => (seen = resolve)),
    release: () => release(),
    forwarded: new Promise<void>((resolve) => (forwarded = resolve)),
  };
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  proxy.rule = async (request) => {
    if (held || request.action !== operation) return undefined;
    held = true;
    seen();
    await released;
    forwarded();
    return undefined;
  };
  return hold;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI with pipes, as a script runs it; `during` gets the child to signal. */
function runCli(args: string[], during: (child: ReturnType<typeof spawn>, printed: () => string) => Promise<void>): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, "--endpoint-url", proxy.endpoint, ...args], {
    env: sandbox.env,
    cwd: sandbox.dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const closed = new Promise<Run>((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
  void during(child, () => stdout + stderr);
  return closed;
}

/** The built CLI in a pseudo-terminal (`script`), as a person runs it; `type` is typed when `when` shows. */
function inTerminal(args: string[], type: (raw: string, write: (keys: string) => void) => void): Promise<{ code: number | null; raw: string }> {
  const command = `stty cols 100 rows 50; exec ${[process.execPath, BIN, "--endpoint-url", proxy.endpoint, ...args].map((a) => `'${a}'`).join(" ")}`;
  const child = spawn("script", ["-qefc", command, "/dev/null"], { env: sandbox.env, cwd: sandbox.dir, stdio: ["pipe", "pipe", "pipe"] });
  let raw = "";
  child.stdout.on("data", (d: Buffer) => {
    raw += d.toString("utf8");
    type(raw, (keys) => child.stdin.write(keys));
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, raw });
    }),
  );
}

describe("Ctrl-C while setup applies", () => {
  it("stops after the step in flight, reports done and not run, exits 130, and teardown removes what was made", async () => {
    const before = await snapshot();
    // Given a slow CreateRole
    const hold = holdFirst("CreateRole");
    // When Ctrl-C comes while it is in flight
    const run = await runCli(setupArgs("ctrl-c-bucket"), async (child) => {
      await hold.seen;
      child.kill("SIGINT");
      setTimeout(() => hold.release(), 300);
    });

    // Then the step in flight finishes, and nothing after it runs
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stderr).toContain("Ctrl-C: stopping after the step in progress");
    expect(run.stdout).toContain("Stopped by Ctrl-C. Nothing was rolled back.");
    expect(run.stdout).toMatch(/done {5}Bucket ctrl-c-bucket in us-east-1 — created/);
    expect(run.stdout).toMatch(/done {5}Role StageRole, trusted by Staging account \d+ — created/);
    expect(run.stdout).toMatch(/not run {2}Policy StageRoleReadObjects attached to role StageRole/);
    expect(run.stdout).toMatch(/not run {2}Inline policy xacct-assume-StageRole/);
    expect(run.stdout).toContain("To undo what this run changed instead, run in reverse order:");
    expect(run.stdout).not.toContain("Setup complete");
    expect(run.stderr).toContain("✘ Stopped by Ctrl-C before every step was run.");
    expect(run.stderr).toContain("Run the same command again to finish");
    expect(run.stderr).toContain("xacct teardown --setup ctrl-c-bucket/StageRole --yes");
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace

    // And teardown, with no flags, finds the remembered setup and removes what was made
    proxy.rule = () => undefined;
    const teardown = await sandbox.run(["teardown", "--yes"]);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("stops at once at a second Ctrl-C, saying the step in flight may have been made; teardown removes it when it was", async () => {
    const before = await snapshot();
    const hold = holdFirst("CreateRole");
    const run = await runCli(setupArgs("ctrl-c-twice"), async (child) => {
      await hold.seen;
      child.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill("SIGINT");
    });

    // Then the run ends while the call is still held, naming it as neither done nor not run
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/done {5}Bucket ctrl-c-twice in us-east-1 — created/);
    expect(run.stdout).toMatch(/stopped {2}Role StageRole, trusted by Staging account \d+ — sent to AWS and not awaited: it may have been made/);
    expect(run.stdout).toMatch(/not run {2}Policy StageRoleReadObjects attached to role StageRole/);

    // When the held call reaches AWS after all (the role is made), teardown still removes it
    hold.release();
    await hold.forwarded;
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await expect
      .poll(async () => (await prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" })).catch(() => undefined))?.Role?.RoleName)
      .toBe("StageRole");
    proxy.rule = () => undefined;
    const teardown = await sandbox.run(["teardown", "--yes"]);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("a second Ctrl-C during a new setup's first write keeps the setup remembered and says how to remove the bucket that write may have made", async () => {
    const hold = holdFirst("CreateBucket");
    const run = await runCli(setupArgs("ctrl-c-first-write"), async (child) => {
      await hold.seen;
      child.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill("SIGINT");
    });
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/stopped {2}Bucket ctrl-c-first-write in us-east-1 — sent to AWS and not awaited: it may have been made/);
    expect(run.stdout).toContain("If the stopped step was made after all, undo it with: aws s3api delete-bucket --bucket ctrl-c-first-write --profile prod");

    // When the held CreateBucket reaches AWS after all, the setup is still remembered: teardown
    // removes nothing else's, and keeps the untagged bucket, saying why
    hold.release();
    await hold.forwarded;
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await expect.poll(async () => (await prod.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain("ctrl-c-first-write");
    proxy.rule = () => undefined;
    const teardown = await sandbox.run(["teardown", "--yes", "--setup", "ctrl-c-first-write"]);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(0);
    expect(teardown.stdout).toContain("leave  bucket ctrl-c-first-write  (not created by xacct: it has no managed-by=xacct tag)");
    await prod.s3.send(new DeleteBucketCommand({ Bucket: "ctrl-c-first-write" }));
  });

  it("in the wizard, a Ctrl-C typed in the terminal after 'Apply this plan?' stops it the same way", async () => {
    const before = await snapshot();
    const hold = holdFirst("CreateRole");
    let confirmed = false;
    let interrupted = false;
    // Every answer but --yes: the wizard asks only whether to apply.
    const answers = [
      "--mode",
      "role",
      "--role-name",
      "StageRole",
      "--policy-name",
      "StageRoleReadObjects",
      "--staging-user",
      "StageAdmin",
      "--max-session-duration",
      "3600",
    ];
    const args = setupArgs("ctrl-c-wizard", answers).filter((a) => a !== "--yes");
    void hold.seen.then(() => setTimeout(() => hold.release(), 500));
    const run = await inTerminal(args, (raw, write) => {
      if (!confirmed && raw.includes("Apply this plan?")) {
        confirmed = true;
        write("y\r");
      }
      if (confirmed && !interrupted && /Role StageRole, trusted by Staging account/.test(raw)) {
        interrupted = true;
        write("\u0003");
      }
    });
    expect(run.code, run.raw).toBe(130);
    expect(run.raw).toContain("Stopped by Ctrl-C. Nothing was rolled back.");
    expect(run.raw).toMatch(/not run {2}Policy StageRoleReadObjects attached to role StageRole/);
    expect(run.raw).toContain("Stopped by Ctrl-C before every step was run.");

    proxy.rule = () => undefined;
    const teardown = await sandbox.run(["teardown", "--yes"]);
    expect(teardown.code, teardown.stdout + teardown.stderr).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("while IAM makes the new role assumable: says everything is in place and how to finish the test, exit 130", async () => {
    // Given a new role STS refuses for now, as right after CreateRole
    proxy.rule = (request) => (request.action === "AssumeRole" ? { status: 403, code: "AccessDenied", message: "not yet" } : undefined);
    const run = await runCli(setupArgs("ctrl-c-waiting"), async (child, printed) => {
      await expect.poll(printed, { timeout: 20_000 }).toContain("not assumable yet");
      child.kill("SIGINT");
    });
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/Inline policy xacct-assume-StageRole: .* — created/);
    expect(run.stderr).toContain("✘ Stopped by Ctrl-C while waiting for IAM to make");
    expect(run.stderr).toContain("xacct assume --role-arn arn:aws:iam::111111111111:role/StageRole --write-profile");

    // When IAM is ready, the hint's command finishes the test, and teardown removes it all
    proxy.rule = () => undefined;
    const assume = await sandbox.run(["assume", "--write-profile"]);
    expect(assume.code, assume.stdout + assume.stderr).toBe(0);
    expect((await sandbox.run(["teardown", "--yes"])).code).toBe(0);
  });
});

describe("a setup whose first write AWS refuses", () => {
  it("leaves what xacct remembers byte for byte as it was: a setup that never came to be is not added", async () => {
    expect((await sandbox.run(setupArgs("remembered-first"))).code).toBe(0);
    const before = await readFile(sandbox.statePath, "utf8");
    // Given a name taken between the plan and the write (the plan saw it free)
    proxy.rule = (request) => (request.action === "CreateBucket" ? { status: 409, code: "BucketAlreadyExists", message: "taken" } : undefined);
    const run = await sandbox.run([
      "--endpoint-url",
      proxy.endpoint,
      ...setupArgs("taken-at-write", ["--role-name", "OtherRole", "--temp-profile", "OtherCred"]),
    ]);
    proxy.rule = () => undefined;
    expect(run.code, run.stdout + run.stderr).not.toBe(0);
    expect(await readFile(sandbox.statePath, "utf8")).toBe(before);
  });
});
