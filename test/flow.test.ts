/**
 * The recipe end to end against the emulator: the real CLI in-process with argv, unattended
 * (all flags, --yes, stdin closed, no terminal), then a look at what exists in both accounts.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserPolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRoleTagsCommand,
} from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, PutBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { lstat, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const POLICY_ARN = "arn:aws:iam::111111111111:policy/StageRoleReadObjects";

describe("unattended setup, assume and test-get", () => {
  it("setup builds both accounts' side of the recipe and writes TempCred", async () => {
    const result = await sandbox.run(setupArgs());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Production  111111111111");
    expect(result.stdout).toContain("Staging     222222222222");
    expect(result.stdout).toMatch(/Bucket production-test-bucket-101 in us-east-1 — created/);
    expect(result.stdout).toMatch(/Role StageRole, trusted by Staging account 222222222222 — created/);
    expect(result.stdout).toContain("Assumed arn:aws:sts::111111111111:assumed-role/StageRole/");

    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
    const bucketPolicy = parsePolicyDocument((await prod.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    expect(bucketPolicy.Statement).toEqual([
      expect.objectContaining({
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: `arn:aws:s3:::${BUCKET}`,
      }),
    ]);
    const role = await prod.iam.send(new GetRoleCommand({ RoleName: "StageRole" }));
    expect(parsePolicyDocument(role.Role!.AssumeRolePolicyDocument!).Statement[0]).toMatchObject({
      Principal: { AWS: "arn:aws:iam::222222222222:root" },
      Action: "sts:AssumeRole",
    });
    const tags = await prod.iam.send(new ListRoleTagsCommand({ RoleName: "StageRole" }));
    expect(tags.Tags).toContainEqual({ Key: "managed-by", Value: "xacct" });
    const attached = await prod.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "StageRole" }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([POLICY_ARN]);
    const policy = await prod.iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }));
    const version = await prod.iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: policy.Policy!.DefaultVersionId }));
    expect(parsePolicyDocument(version.PolicyVersion!.Document!).Statement[0]).toMatchObject({
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });
    const inline = await staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: "xacct-assume-StageRole" }));
    expect(parsePolicyDocument(inline.PolicyDocument!).Statement[0]).toMatchObject({ Action: "sts:AssumeRole", Resource: ROLE_ARN });

    const config = await readFile(sandbox.configFile, "utf8");
    expect(config).toContain("[profile prod]");
    expect(config).toMatch(
      /\[profile TempCred\]\naws_access_key_id = \S+\naws_secret_access_key = \S+\naws_session_token = \S+\naws_security_token = \S+\nregion = us-east-1\nxacct_expiration = \S+\nxacct_profile = static\nxacct_role = arn:aws:iam::111111111111:role\/StageRole\n$/,
    );
    expect((await stat(sandbox.configFile)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(sandbox.statePath, "utf8"));
    expect(state.version).toBe(2);
    expect(state.setups[`${BUCKET}/StageRole`]).toMatchObject({ roleArn: ROLE_ARN, bucket: BUCKET, stagingProfile: "staging", region: "us-east-1" });
  });

  it("a second run changes nothing and says so", async () => {
    const before = await readFile(sandbox.configFile, "utf8");
    const result = await sandbox.run(setupArgs());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("No changes: both accounts already match the plan.");
    expect(result.stdout).not.toContain("Applying");
    expect(result.stdout.match(/= keep /g)).toHaveLength(9);
    expect(result.calls.writes).toEqual([]);
    // TempCred was rewritten with fresh credentials; every other profile is untouched.
    const after = await readFile(sandbox.configFile, "utf8");
    expect(after.split("[profile TempCred]")[0]).toBe(before.split("[profile TempCred]")[0]);
  });

  it("keeps other teams' bucket policy statements", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    const current = parsePolicyDocument((await prod.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    const foreign = {
      Sid: "AnalyticsRead",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::333333333333:root" },
      Action: "s3:ListBucket",
      Resource: `arn:aws:s3:::${BUCKET}`,
    };
    await prod.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ ...current, Statement: [foreign, ...current.Statement] }) }));
    expect((await sandbox.run(setupArgs())).code).toBe(0);
    const after = parsePolicyDocument((await prod.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    expect(after.Statement[0]).toEqual(foreign);
    expect(after.Statement).toHaveLength(2);
  });

  it("assume --write-profile and test-get fetch the object with the role's credentials", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "photos/Sunset.jpg", Body: "sunset-bytes", ContentType: "image/jpeg" }));
    const assumed = await sandbox.run(["assume", "--write-profile"]);
    expect(assumed.code).toBe(0);
    expect(assumed.stdout).toContain("Assumed arn:aws:sts::111111111111:assumed-role/StageRole/xacct-staging");
    expect(assumed.stdout).toMatch(/expires \d{4}-\d\d-\d\dT/);
    expect(assumed.stdout).toContain(`Wrote profile TempCred to ${sandbox.configFile}`);

    const out = join(sandbox.dir, "SunsetStage.jpg");
    const got = await sandbox.run(["test-get", "photos/Sunset.jpg", out]);
    expect(got.code).toBe(0);
    expect(await readFile(out, "utf8")).toBe("sunset-bytes");
    expect(got.stdout).toContain("size 12 bytes · type image/jpeg · ETag");
  });

  it("test-get with '-' streams the object to stdout and reports on stderr", async () => {
    const got = await sandbox.run(["test-get", "photos/Sunset.jpg", "-"]);
    expect(got.code).toBe(0);
    expect(got.stdout).toBe("sunset-bytes");
    expect(got.stderr).toContain("size 12 bytes");
  });

  it("assume names another profile on request, with a session name and duration", async () => {
    const assumed = await sandbox.run(["assume", "--session-name", "nightly-sync", "--duration-seconds", "900", "--write-profile", "NightlyCred"]);
    expect(assumed.code).toBe(0);
    expect(assumed.stdout).toContain("assumed-role/StageRole/nightly-sync");
    expect(await readFile(sandbox.configFile, "utf8")).toContain("[profile NightlyCred]");
  });

  it("test-get into a pipe or (with --force) through a symlink writes there, and never replaces the pipe or the link", async () => {
    const fifo = join(sandbox.dir, "object.pipe");
    execFileSync("mkfifo", [fifo]);
    const chunks: Buffer[] = [];
    const reader = new Promise<void>((resolve, reject) => {
      const stream = createReadStream(fifo);
      stream.on("data", (c) => chunks.push(Buffer.from(c)));
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    const got = await sandbox.run(["test-get", "photos/Sunset.jpg", fifo]);
    await reader;
    expect(got.code).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe("sunset-bytes");
    expect((await lstat(fifo)).isFIFO()).toBe(true);

    const real = join(sandbox.dir, "real-target.jpg");
    const link = join(sandbox.dir, "link.jpg");
    await writeFile(real, "old");
    await symlink(real, link);
    expect((await sandbox.run(["test-get", "photos/Sunset.jpg", link, "--force"])).code).toBe(0); // "old" is replaced only on request
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toBe("sunset-bytes");
  });
});
