/**
 * What a user sees when something is wrong: one sentence naming the problem, a hint naming the
 * fix, the right exit code, no stack trace, and never a half-changed account left unexplained.
 */
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { writeFile, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { BUCKET, setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(sandbox.moto.endpoint);
});
afterAll(() => proxy.close());

function expectCleanFailure(result: CliResult, code: number, ...phrases: string[]): void {
  expect(result.code).toBe(code);
  for (const phrase of phrases) expect(result.stderr).toContain(phrase);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(result.stderr.split("\n")[0]).toMatch(/^✘ /);
}

describe("bad input is refused before any AWS call, with exit code 2", () => {
  it.each([
    ["a bucket name with capitals", setupArgs("Bad_Bucket"), '"Bad_Bucket" is not a valid bucket name'],
    ["a role name with a space", setupArgs(BUCKET, ["--role-name", "Stage Role"]), '"Stage Role" is not a valid role name'],
    ["a region that is not one", setupArgs(BUCKET, ["--region", "moon-1"]), '"moon-1" is not a valid AWS region'],
    [
      "a missing profile",
      ["setup", "--production-profile", "nope", "--staging-profile", "staging", "--bucket", BUCKET, "--yes"],
      'Profile "nope" is not in your AWS config',
    ],
    [
      "both profiles in one account",
      ["setup", "--production-profile", "prod", "--staging-profile", "prod", "--bucket", BUCKET, "--yes"],
      "both in account 111111111111",
    ],
    ["a role ARN that is not one", ["assume", "--profile", "staging", "--role-arn", "arn:aws:iam::1:role/x"], "is not a valid role ARN"],
    [
      "a duration over 12 hours",
      ["assume", "--profile", "staging", "--role-arn", "arn:aws:iam::111111111111:role/StageRole", "--duration-seconds", "99999"],
      "900 to 43200",
    ],
    ["an unknown option", ["setup", "--bukket", "x"], "has no option --bukket"],
  ])("%s", async (_name, argv, phrase) => {
    const result = await sandbox.run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(phrase);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("an unattended run missing answers names every flag to give, and never waits on stdin", async () => {
    const result = await sandbox.run(["setup", "--production-profile", "prod"]);
    expectCleanFailure(result, 2, "setup has no terminal to ask questions, so it needs --staging-profile, --bucket, --yes.");
    expect(result.calls.calls).toEqual([]);
  });

  it("assume with nothing remembered says to run setup or give the flags", async () => {
    const result = await sandbox.run(["assume"]);
    expectCleanFailure(result, 2, "No role to assume", "xacct setup");
  });
});

describe("AWS failures exit 1 with the AWS code and the next step", () => {
  it("a bucket name another account owns", async () => {
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    await staging.s3.send(new CreateBucketCommand({ Bucket: "taken-by-staging" }));
    const result = await sandbox.run(setupArgs("taken-by-staging"));
    // Found while planning (HeadBucket), so nothing is written: bad input, exit 2.
    expectCleanFailure(result, 2, "belongs to another AWS account", "Choose another name with --bucket");
    expect(result.calls.writes).toEqual([]);
  });

  it("a denial in the middle of setup says what was done, what was not, and how to undo", async () => {
    proxy.rule = (r) => (r.action === "CreateRole" ? { status: 403, code: "AccessDenied", message: "not allowed" } : undefined);
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, ...setupArgs("half-done-bucket")]);
    proxy.rule = () => undefined;
    expectCleanFailure(result, 1, "AccessDenied", "run the same command again");
    expect(result.stdout).toMatch(/done\s+Bucket half-done-bucket in us-east-1 — created/);
    expect(result.stdout).toMatch(/done\s+Managed policy StageRoleReadObjects/);
    expect(result.stdout).toMatch(/failed\s+Role StageRole/);
    expect(result.stdout).toMatch(/not run\s+Policy StageRoleReadObjects attached to role StageRole/);
    expect(result.stdout).toMatch(/not run\s+Inline policy xacct-assume-StageRole/);
    expect(result.stdout).toContain("aws s3api delete-bucket --bucket half-done-bucket --profile prod");

    // Running it again finishes the job.
    const rerun = await sandbox.run(setupArgs("half-done-bucket"));
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/Bucket half-done-bucket in us-east-1 — already in place/);
    expect(rerun.stdout).toMatch(/Role StageRole, trusted by Staging account 222222222222 — created/);
  });

  it("a role that is not assumable yet right after creation is waited for", async () => {
    let denials = 1;
    proxy.rule = (r) => (r.action === "AssumeRole" && denials-- > 0 ? { status: 403, code: "AccessDenied", message: "not yet" } : undefined);
    const result = await sandbox.run([
      "--endpoint-url",
      proxy.endpoint,
      ...setupArgs("fresh-role-bucket", ["--role-name", "FreshRole", "--temp-profile", "FreshRoleCred1"]),
    ]);
    proxy.rule = () => undefined;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("not assumable yet");
    expect(result.stdout).toContain("Assumed arn:aws:sts::111111111111:assumed-role/FreshRole/");
  });

  it("assume of an existing role fails at once on AccessDenied", async () => {
    proxy.rule = (r) => (r.action === "AssumeRole" ? { status: 403, code: "AccessDenied", message: "no" } : undefined);
    // Several setups are remembered by now: this one is named.
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, "assume", "--write-profile", "--setup", "fresh-role-bucket"]);
    proxy.rule = () => undefined;
    expectCleanFailure(result, 1, "may not assume arn:aws:iam::111111111111:role/FreshRole (AccessDenied)", "trust policy");
    expect(result.stdout).not.toContain("waiting");
  });

  it("test-get: NoSuchKey, NoSuchBucket, AccessDenied, ExpiredToken", async () => {
    expect((await sandbox.run(setupArgs(BUCKET, ["--role-name", "ReaderRole", "--temp-profile", "ReaderCred"]))).code).toBe(0);
    expectCleanFailure(
      await sandbox.run(["test-get", "missing.jpg", "-", "--bucket", BUCKET]),
      1,
      "There is no object s3://production-test-bucket-101/missing.jpg (NoSuchKey)",
    );
    expectCleanFailure(
      await sandbox.run(["test-get", "a.jpg", "-", "--bucket", "no-such-bucket-here"]),
      1,
      "The bucket no-such-bucket-here does not exist (NoSuchBucket)",
    );

    // The emulator applies a bucket-policy Deny to object reads, which gives a real AccessDenied.
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new CreateBucketCommand({ Bucket: "locked-bucket" }));
    await prod.s3.send(new PutObjectCommand({ Bucket: "locked-bucket", Key: "secret.txt", Body: "x" }));
    await prod.s3.send(
      new PutBucketPolicyCommand({
        Bucket: "locked-bucket",
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::locked-bucket/*" }],
        }),
      }),
    );
    expectCleanFailure(
      await sandbox.run(["test-get", "secret.txt", "-", "--bucket", "locked-bucket"]),
      1,
      "could not read s3://locked-bucket/secret.txt (AccessDenied)",
    );

    const config = await readFile(sandbox.configFile, "utf8");
    await writeFile(sandbox.configFile, config.replace(/(\[profile ReaderCred\][^[]*?xacct_expiration = )\S+/, "$12020-01-01T00:00:00.000Z"));
    expectCleanFailure(
      await sandbox.run(["test-get", "a.jpg", "-", "--setup", BUCKET]),
      1,
      "expired at 2020-01-01T00:00:00.000Z (ExpiredToken)",
      "xacct assume --setup production-test-bucket-101/ReaderRole --write-profile",
    );
  });
});
