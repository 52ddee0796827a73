/**
 * What the commands after setup say when things go wrong: a read refused for a key that may
 * not exist, a key that does not, a console link the console could not use, and verify's
 * verdict on the same stream whether it passes or fails.
 */
import { DetachRolePolicyCommand } from "@aws-sdk/client-iam";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { startFaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "messages-bucket";
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

/** The hint's line that lists the bucket's keys, if any. */
const listing = (stderr: string) =>
  stderr
    .split("\n")
    .join(" ")
    .match(/aws s3 ls \S+ --profile [^\s`]+/g) ?? [];

describe("test-get, role mode: the role may not list the bucket", () => {
  it("setup succeeds", async () => {
    const result = await sandbox.run(setupArgs(BUCKET));
    expect(result.code).toBe(0);
    await prod().s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "present.txt", Body: "here" }));
  });

  it("a 403 for a key says the key may not exist, what else 403 means, and lists keys with the Production admin", async () => {
    // S3 answers 403, not 404, for a missing key when the reader has no s3:ListBucket; moto says 404, so the proxy says what S3 would.
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    proxy.rule = (r) =>
      r.action === "GetObject" && r.path.includes("missing.txt") ? { status: 403, code: "AccessDenied", message: "Access Denied" } : undefined;
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, "test-get", "missing.txt", "-"]);
    await proxy.close();
    expect(result.code).toBe(1);
    const [first] = result.stderr.split("\n");
    expect(first).toMatch(/^✘ .*s3:\/\/messages-bucket\/missing\.txt.*\(AccessDenied\)/);
    expect(first).toContain("may not exist");
    // Every policy allows the read, so the likely cause is the missing key.
    expect(result.stderr).toContain("most likely does not exist");
    // What else a 403 can mean.
    expect(result.stderr).toMatch(/s3:ListBucket/);
    expect(result.stderr).toContain("xacct verify");
    expect(listing(result.stderr)).toEqual(["aws s3 ls s3://messages-bucket/ --profile prod"]);
  });

  it("NoSuchKey never suggests listing with the role, which may not list", async () => {
    const result = await sandbox.run(["test-get", "nowhere/absent.txt", "-"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("There is no object s3://messages-bucket/nowhere/absent.txt (NoSuchKey).");
    expect(result.stderr).not.toContain("--profile TempCred");
    expect(listing(result.stderr)).toEqual(["aws s3 ls s3://messages-bucket/nowhere/ --profile prod"]);
  });

  it("an object that exists still downloads", async () => {
    const result = await sandbox.run(["test-get", "present.txt", "-"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("here");
  });
});

describe("verify's verdict is on one stream, pass or fail", () => {
  it("passes on stdout", async () => {
    const result = await sandbox.run(["verify"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ All \d+ checks hold/);
  });

  it("fails on stdout too, after the hops it sums up", async () => {
    await prod().iam.send(new DetachRolePolicyCommand({ RoleName: "StageRole", PolicyArn: "arn:aws:iam::111111111111:policy/StageRoleReadObjects" }));
    const result = await sandbox.run(["verify"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ \d+ of \d+ checks failed\./);
    expect(result.stderr).not.toContain("checks failed");
    const json = await sandbox.run(["verify", "--json"]);
    // With --json the human report, verdict included, is on stderr.
    expect(json.stderr).toMatch(/✘ \d+ of \d+ checks failed\./);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false });
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  });
});

describe("console and a trust that requires an external ID", () => {
  it("says the console cannot send one, and what to use instead", async () => {
    expect(
      (await sandbox.run(setupArgs("messages-extid-bucket", ["--role-name", "ExtIdRole", "--temp-profile", "ExtIdCred", "--external-id", "ext-42"]))).code,
    ).toBe(0);
    const result = await sandbox.run(["console", "--setup", "messages-extid-bucket/ExtIdRole"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^✘ .*ExtIdRole.*external ID/);
    expect(result.stderr).toContain("cannot send");
    expect(result.stderr).toContain("xacct assume --setup messages-extid-bucket/ExtIdRole --write-profile");
  });

  it("a role without one still gets its link", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    const result = await sandbox.run(["console", "--setup", "messages-bucket"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("https://signin.aws.amazon.com/switchrole?roleName=StageRole&account=111111111111");
  });
});

describe("test-get, resource-policy mode: the Staging user may list the bucket", () => {
  it("NoSuchKey lists keys with the Staging profile", async () => {
    const setup = await sandbox.run(setupArgs("messages-direct-bucket", ["--mode", "resource-policy", "--role-name", "DirectRole"]));
    expect(setup.code).toBe(0);
    const result = await sandbox.run(["test-get", "absent.txt", "-", "--bucket", "messages-direct-bucket", "--profile", "staging"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(NoSuchKey)");
    expect(listing(result.stderr)).toEqual(["aws s3 ls s3://messages-direct-bucket/ --profile staging"]);
  });

  it("a 403 there is a refusal, not a missing key: the Staging user may list", async () => {
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    proxy.rule = (r) => (r.action === "GetObject" ? { status: 403, code: "AccessDenied", message: "Access Denied" } : undefined);
    const result = await sandbox.run([
      "--endpoint-url",
      proxy.endpoint,
      "test-get",
      "absent.txt",
      "-",
      "--bucket",
      "messages-direct-bucket",
      "--profile",
      "staging",
    ]);
    await proxy.close();
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).not.toContain("may not exist");
  });
});
