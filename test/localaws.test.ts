import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromIni } from "@aws-sdk/credential-providers";
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bootstrapAccounts,
  sampleJpeg,
  uploadSample,
  writeSandboxProfiles,
  type AccessKey,
  type BootstrappedAccount,
  type SandboxProfiles,
} from "../src/localaws/bootstrap.js";
import { ensureMotoAvailable, startMoto, type MotoServer } from "../src/localaws/moto.js";

const execFileAsync = promisify(execFile);
const hasAwsCli = (() => {
  try {
    return execFileSync("aws", ["--version"], { encoding: "utf8" }).startsWith("aws-cli/");
  } catch {
    return false;
  }
})();

describe("local AWS on moto", () => {
  let server: MotoServer;
  let accounts: { prod: BootstrappedAccount; staging: BootstrappedAccount };
  let sandboxDir: string;
  let sandbox: SandboxProfiles;

  beforeAll(async () => {
    server = await startMoto();
    accounts = await bootstrapAccounts(server.endpoint);
    sandboxDir = await mkdtemp(join(tmpdir(), "xacct-localaws-"));
    sandbox = await writeSandboxProfiles(join(sandboxDir, "aws"), accounts, {
      endpoint: server.endpoint,
      baseEnv: { ...process.env, AWS_PROFILE: "outer", AWS_ACCESS_KEY_ID: "AKIAOUTER", AWS_SESSION_TOKEN: "outer" },
    });
  });

  afterAll(async () => {
    await server?.stop();
    if (sandboxDir) await rm(sandboxDir, { recursive: true, force: true });
  });

  const profileCredentials = (profile: string) =>
    fromIni({ profile, filepath: sandbox.credentialsFile, configFilepath: sandbox.configFile, ignoreCache: true });
  const s3As = (credentials: AccessKey | ReturnType<typeof fromIni>) =>
    new S3Client({ endpoint: server.endpoint, region: "us-east-1", credentials, forcePathStyle: true });
  const callerOf = (credentials: AccessKey | ReturnType<typeof fromIni>) =>
    new STSClient({ endpoint: server.endpoint, region: "us-east-1", credentials }).send(new GetCallerIdentityCommand({}));

  it.each([
    { profile: "prod", account: "111111111111", arn: "arn:aws:iam::111111111111:user/ProdAdmin" },
    { profile: "staging", account: "222222222222", arn: "arn:aws:iam::222222222222:user/StageAdmin" },
  ])("sandbox profile $profile acts as $arn", async ({ profile, account, arn }) => {
    const identity = await callerOf(profileCredentials(profile));
    expect(identity).toMatchObject({ Account: account, Arn: arn });
  });

  it("writes the sandbox privately and drops the outer AWS_* environment", async () => {
    expect((await stat(join(sandboxDir, "aws"))).mode & 0o777).toBe(0o700);
    expect((await stat(sandbox.configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(sandbox.credentialsFile)).mode & 0o777).toBe(0o600);
    expect(sandbox.env).not.toHaveProperty("AWS_PROFILE");
    expect(sandbox.env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
    expect(sandbox.env).not.toHaveProperty("AWS_SESSION_TOKEN");
    expect(sandbox.env).toMatchObject({ AWS_ENDPOINT_URL: server.endpoint, AWS_REGION: "us-east-1", PATH: process.env["PATH"] });
  });

  it.skipIf(!hasAwsCli)("lets aws-cli use a sandbox profile through AWS_ENDPOINT_URL alone", async () => {
    const { stdout } = await execFileAsync("aws", ["sts", "get-caller-identity", "--profile", "staging", "--output", "json"], {
      env: sandbox.env,
      timeout: 10_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ Account: "222222222222", Arn: accounts.staging.arn });
  });

  it("keeps a bucket made by prod in account 111111111111", async () => {
    const bucket = "xacct-localaws-prod";
    await s3As(profileCredentials("prod")).send(new CreateBucketCommand({ Bucket: bucket }));

    const listedBy = async (profile: string) => (await s3As(profileCredentials(profile)).send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    expect(await listedBy("prod")).toContain(bucket);
    expect(await listedBy("staging")).not.toContain(bucket);
    await expect(s3As(profileCredentials("staging")).send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: "BucketAlreadyExists",
    });

    await uploadSample(server.endpoint, accounts.prod.accessKey, bucket, "Sunset.jpg");
    const object = await s3As(accounts.prod.accessKey).send(new GetObjectCommand({ Bucket: bucket, Key: "Sunset.jpg" }));
    expect(object.ContentType).toBe("image/jpeg");
    expect(await object.Body!.transformToByteArray()).toEqual(sampleJpeg());
  });

  it("refuses a fixed port that is taken, showing the server's own words", async () => {
    await expect(startMoto({ port: server.port })).rejects.toThrow(/in use/);
  });

  it("reset wipes buckets and users in every account", async () => {
    await server.reset();
    await expect(s3As(accounts.prod.accessKey).send(new HeadBucketCommand({ Bucket: "xacct-localaws-prod" }))).rejects.toMatchObject({
      name: "NotFound",
    });
    // The prod key is unknown again, so moto puts it in its default account.
    expect((await callerOf(accounts.prod.accessKey)).Account).toBe("123456789012");
  });

  it("stop ends the process and frees the port", async () => {
    await server.stop();
    await server.stop();
    expect(() => process.kill(server.pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(server.port, "127.0.0.1", resolve));
    await new Promise((resolve) => probe.close(resolve));
  });
});

describe("ensureMotoAvailable", () => {
  it("names the install command when the interpreter cannot run moto", async () => {
    await expect(ensureMotoAvailable("/nonexistent/python3")).rejects.toThrow("Install it with: /nonexistent/python3 -m pip install 'moto[server]'");
  });
});
