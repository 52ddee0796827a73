/**
 * Issue #6 end to end against the emulator: a hardened trust (named principal, external ID,
 * MFA, organization, session length, source identity), hardened buckets, profiles the AWS
 * tools refresh themselves (role and credential_process styles, used by the real aws CLI),
 * and the console link. Access decisions come from the evaluator (verify), not from moto.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetPublicAccessBlockCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { promisify } from "node:util";
import { CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const exec = promisify(execFile);
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
let ORG = "";
// verify reads which organization Staging is in (aws:PrincipalOrgID): make it be in one.
beforeAll(async () => {
  const org = new OrganizationsClient({ endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.staging.accessKey });
  ORG = (await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
  org.destroy();
});
const HARD = (): string[] =>
  setupArgs("hard-bucket", [
    "--role-name",
    "HardRole",
    "--trust-principal",
    "arn:aws:iam::222222222222:user/StageAdmin",
    "--external-id",
    "--require-mfa",
    "--org-id",
    ORG,
    "--max-session-duration",
    "7200",
    "--allow-source-identity",
  ]);
const MFA = ["--mfa-serial", "arn:aws:iam::222222222222:mfa/StageAdmin", "--token-code", "123456"];

describe("hardened trust", () => {
  it("writes every condition into the trust policy, and a rerun converges (the generated external ID is kept)", async () => {
    const first = await sandbox.run(HARD());
    // Unattended, setup has no MFA code for its own test: it finishes and says how to test.
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("The role requires MFA, so the test is left to you");
    expect(first.stdout).toContain("Pre-flight: the planned documents grant StageAdmin read access through HardRole");
    const role = (await prod().iam.send(new GetRoleCommand({ RoleName: "HardRole" }))).Role!;
    expect(role.MaxSessionDuration).toBe(7200);
    const statement = parsePolicyDocument(role.AssumeRolePolicyDocument!).Statement[0]!;
    expect(statement.Principal).toEqual({ AWS: "arn:aws:iam::222222222222:user/StageAdmin" });
    expect(statement.Action).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity"]);
    expect(statement.Condition).toEqual({
      StringEquals: { "sts:ExternalId": expect.stringMatching(/^xacct-[\w-]{24}$/), "aws:PrincipalOrgID": ORG },
      Bool: { "aws:MultiFactorAuthPresent": "true" },
    });
    const rerun = await sandbox.run([...HARD(), "--plan", "--detailed-exitcode"]);
    expect(rerun.code).toBe(0);
  });

  it("assume sends the external ID, MFA and source identity, and refuses what the role would refuse", async () => {
    const ok = await sandbox.run(["assume", "--write-profile", "HardCred", "--source-identity", "alice", ...MFA]);
    expect(ok.code).toBe(0);
    await prod().s3.send(new PutObjectCommand({ Bucket: "hard-bucket", Key: "h.txt", Body: "hard" }));
    const got = await sandbox.run(["test-get", "h.txt", "-", "--profile", "HardCred"]);
    expect(got.stdout).toBe("hard");
    // The MFA session of StageAdmin's device is cached now; another device has none, and no code.
    const noCode = await sandbox.run(["assume", "--mfa-serial", "arn:aws:iam::222222222222:mfa/OtherDevice"]);
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toContain("give --token-code");
    const tooLong = await sandbox.run(["assume", "--duration-seconds", "9000", ...MFA]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain("allows sessions of at most 7200 seconds");
    const chained = await sandbox.run(["assume", "--profile", "HardCred", "--duration-seconds", "7000", ...MFA]);
    expect(chained.code).toBe(2);
    expect(chained.stderr).toContain('("role chaining") to one hour');
  });

  it("verify passes for the right request and fails for a wrong external ID or a missing MFA", async () => {
    expect((await sandbox.run(["verify"])).code).toBe(0);
    const wrongId = await sandbox.run(["verify", "--external-id", "not-the-one"]);
    expect(wrongId.code).toBe(1);
    expect(wrongId.stdout).toContain("✘ the trust policy of HardRole admits StageAdmin");
    const noMfa = await sandbox.run(["verify", "--no-mfa"]);
    expect(noMfa.code).toBe(1);
    expect(noMfa.stdout).toContain("✘ the trust policy of HardRole admits StageAdmin");
  });

  it("the hardened bucket got Block Public Access, SSE-S3 and BucketOwnerEnforced; teardown removes it all", async () => {
    const block = (await prod().s3.send(new GetPublicAccessBlockCommand({ Bucket: "hard-bucket" }))).PublicAccessBlockConfiguration!;
    expect(block).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const encryption = await prod().s3.send(new GetBucketEncryptionCommand({ Bucket: "hard-bucket" }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe("AES256");
    const ownership = await prod().s3.send(new GetBucketOwnershipControlsCommand({ Bucket: "hard-bucket" }));
    expect(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe("BucketOwnerEnforced");
    // The bucket holds h.txt: --delete-objects removes it with the rest, and xacct forgets the setup
    expect((await sandbox.run(["teardown", "--yes", "--delete-objects"])).code).toBe(0);
    expect(JSON.parse(await readFile(sandbox.statePath, "utf8").catch(() => "{}")).setups ?? {}).toEqual({});
  });

  it("an existing bucket's deviations are reported and left, unless --harden-bucket", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "loose-bucket" }));
    const plan = await sandbox.run([...setupArgs("loose-bucket"), "--plan"]);
    expect(plan.stdout).toContain(
      "left as is: Block Public Access is not fully on; no default encryption; object ownership is not set, not BucketOwnerEnforced; give --harden-bucket to fix",
    );
    expect((await sandbox.run(setupArgs("loose-bucket", ["--harden-bucket"]))).code).toBe(0);
    const block = (await prod().s3.send(new GetPublicAccessBlockCommand({ Bucket: "loose-bucket" }))).PublicAccessBlockConfiguration!;
    expect(block.BlockPublicPolicy).toBe(true);
    expect((await sandbox.run([...setupArgs("loose-bucket"), "--plan", "--detailed-exitcode"])).code).toBe(0);
  });
});

describe("profiles the AWS tools refresh themselves", () => {
  it("a role-style profile: the aws CLI assumes the role by itself and fetches the object", async () => {
    await prod().s3.send(new PutObjectCommand({ Bucket: "loose-bucket", Key: "r.txt", Body: "role-style" }));
    const result = await sandbox.run(["assume", "--write-profile", "RoleCred", "--profile-style", "role"]);
    expect(result.code).toBe(0);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain(
      "[profile RoleCred]\nrole_arn = arn:aws:iam::111111111111:role/StageRole\nsource_profile = staging\nrole_session_name = xacct-staging\nregion = us-east-1\n",
    );
    const out = join(sandbox.dir, "r.txt");
    await exec("aws", ["s3api", "get-object", "--bucket", "loose-bucket", "--key", "r.txt", out, "--profile", "RoleCred"], { env: sandbox.env });
    expect(await readFile(out, "utf8")).toBe("role-style");
    const who = await exec("aws", ["sts", "get-caller-identity", "--profile", "RoleCred"], { env: sandbox.env });
    expect(JSON.parse(who.stdout).Arn).toBe("arn:aws:sts::111111111111:assumed-role/StageRole/xacct-staging");
  });

  it("a process-style profile: the aws CLI runs xacct credentials, which caches the session (0600)", async () => {
    const result = await sandbox.run(["assume", "--write-profile", "ProcCred", "--profile-style", "process"]);
    expect(result.code).toBe(0);
    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toMatch(
      /\[profile ProcCred\]\ncredential_process = '\S+node' '\S+bin\/xacct\.js' 'credentials' '--role-arn=arn:aws:iam::111111111111:role\/StageRole' '--profile=staging'/,
    );
    const out = join(sandbox.dir, "p.txt");
    await exec("aws", ["s3api", "get-object", "--bucket", "loose-bucket", "--key", "r.txt", out, "--profile", "ProcCred"], { env: sandbox.env });
    expect(await readFile(out, "utf8")).toBe("role-style");
    const cacheDir = join(sandbox.dir, ".cache", "xacct", "credentials");
    const [cached] = await readdir(cacheDir);
    expect((await stat(join(cacheDir, cached!))).mode & 0o777).toBe(0o600);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    const before = (await stat(join(cacheDir, cached!))).mtimeMs;
    await exec("aws", ["sts", "get-caller-identity", "--profile", "ProcCred"], { env: sandbox.env });
    expect((await stat(join(cacheDir, cached!))).mtimeMs).toBe(before); // reused, not refreshed
  });

  it("xacct credentials prints credential_process JSON, but never to a terminal", async () => {
    const piped = await sandbox.run(["credentials"]);
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ Version: 1, AccessKeyId: expect.any(String), Expiration: expect.stringMatching(/Z$/) });
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    let err = "";
    stderr.on("data", (d) => (err += d));
    const code = await runCli(["credentials"], { stdout: terminal, stderr, stdin: Readable.from([]), env: process.env, interactive: false });
    expect(code).toBe(2);
    expect(err).toContain("will not print them to a terminal");
  });

  it("switching a profile's style leaves no keys of the old style behind", async () => {
    // Without --profile-style the profile would keep its role style (the shared default): switch explicitly.
    expect((await sandbox.run(["assume", "--write-profile", "RoleCred", "--profile-style", "static"])).code).toBe(0);
    const section = (await readFile(sandbox.configFile, "utf8")).split("[profile RoleCred]")[1]!.split("\n[")[0]!;
    expect(section).not.toMatch(/role_arn|source_profile|credential_process/);
    expect(section).toMatch(/aws_session_token/);
  });
});

describe("xacct console", () => {
  it("prints the switch-role link", async () => {
    const result = await sandbox.run(["console"]);
    expect(result.stdout.split("\n")[0]).toBe(
      "https://signin.aws.amazon.com/switchrole?roleName=StageRole&account=111111111111&displayName=StageRole+%40+111111111111",
    );
  });
});
