/**
 * Attack 14 (x2 2, x3 F0), end to end: a role session cached for an Identity Center Staging
 * profile is not served once that login is gone (aws sso logout deletes the token file) or
 * replaced by another user's, by `xacct credentials` (fast path and full CLI) or `xacct exec`.
 * The portal is a stand-in, as in daily-sso-profile.test.ts.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { appendFile, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveCachedCredentials } from "../src/credential-process.js";
import { buildAssumeRolePolicy } from "../src/policy/index.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const run = promisify(execFile);
const SSO_ROLE = "AWSReservedSSO_Dev_0123456789abcdef";
const TOKEN = "portal-token-of-alice";

/** What the stand-in portal was asked: the role, the account and whether the bearer token was the cached one. */
const portalCalls: { roleName: string | null; accountId: string | null; tokenOk: boolean }[] = [];
let portal: Server;

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
  const staging = { endpoint: sandbox.moto.endpoint, region: "us-east-1", credentials: sandbox.staging.accessKey };
  // The role Identity Center would make for permission set Dev, with the grant its policy would carry.
  const iam = new IAMClient(staging);
  await iam.send(
    new CreateRoleCommand({
      RoleName: SSO_ROLE,
      Path: "/aws-reserved/sso.amazonaws.com/",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${sandbox.staging.accountId}:saml-provider/AWSSSO_x_DO_NOT_DELETE` },
            Action: "sts:AssumeRoleWithSAML",
          },
        ],
      }),
    }),
  );
  const prodRole = `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: SSO_ROLE,
      PolicyName: "xacct-assume-StageRole",
      PolicyDocument: JSON.stringify(buildAssumeRolePolicy({ roleArn: prodRole })),
    }),
  );
  const sts = new STSClient(staging);
  portal = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://portal");
    const call = {
      roleName: url.searchParams.get("role_name"),
      accountId: url.searchParams.get("account_id"),
      tokenOk: request.headers["x-amz-sso_bearer_token"] === TOKEN,
    };
    portalCalls.push(call);
    if (url.pathname !== "/federation/credentials" || !call.tokenOk || call.roleName !== "Dev") {
      response.writeHead(401, { "content-type": "application/json", "x-amzn-errortype": "UnauthorizedException" });
      response.end(JSON.stringify({ message: "Session token not found or invalid" }));
      return;
    }
    sts
      .send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${sandbox.staging.accountId}:role/aws-reserved/sso.amazonaws.com/${SSO_ROLE}`,
          RoleSessionName: "alice@example.com",
        }),
      )
      .then((out) => {
        const c = out.Credentials!;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            roleCredentials: {
              accessKeyId: c.AccessKeyId,
              secretAccessKey: c.SecretAccessKey,
              sessionToken: c.SessionToken,
              expiration: Date.now() + 3600_000,
            },
          }),
        );
      })
      .catch(() => {
        response.writeHead(500);
        response.end("{}");
      });
  });
  await new Promise<void>((done) => portal.listen(0, "127.0.0.1", done));
  const portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  // The SDK's SSO client reads the portal's endpoint from the process's environment.
  process.env["AWS_ENDPOINT_URL_SSO"] = portalUrl;
  await appendFile(
    sandbox.configFile,
    [
      "",
      "[profile alice-sso]",
      "sso_session = corp",
      `sso_account_id = ${sandbox.staging.accountId}`,
      "sso_role_name = Dev",
      "region = us-east-1",
      "",
      "[sso-session corp]",
      "sso_start_url = https://corp.awsapps.com/start",
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await new Promise((done) => portal?.close(done));
});

/** The SSO token cache the aws CLI writes at `aws sso login`: one file per session, named by the SHA-1 of its name. */
async function cacheToken(expiresAt: Date | undefined): Promise<void> {
  const dir = join(sandbox.dir, ".aws", "sso", "cache");
  const file = join(dir, `${createHash("sha1").update("corp").digest("hex")}.json`);
  await rm(file, { force: true });
  if (!expiresAt) return;
  await mkdir(dir, { recursive: true });
  await writeFile(
    file,
    JSON.stringify({ startUrl: "https://corp.awsapps.com/start", region: "us-east-1", accessToken: TOKEN, expiresAt: expiresAt.toISOString() }),
  );
}

const LINE = () => [
  "credentials",
  `--role-arn=arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`,
  "--profile=alice-sso",
  "--session-name=xacct-alice-sso",
  "--region=us-east-1",
];

async function fast(argv: string[]): Promise<string | undefined> {
  let printed = "";
  const served = await serveCachedCredentials(argv, { env: process.env, stdoutIsTerminal: false, write: (text) => (printed += text) });
  return served ? printed : undefined;
}

describe("after aws sso logout", () => {
  it("the cached role session is served no more: credentials (both paths) and exec say to log in", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    const first = await sandbox.run(LINE());
    expect(first.code, first.stderr).toBe(0);
    expect(await fast(LINE())).toBe(first.stdout);

    await cacheToken(undefined); // aws sso logout
    expect(await fast(LINE())).toBeUndefined();
    const after = await sandbox.run(LINE());
    expect(after.code).toBe(1);
    expect(after.stdout).toBe("");
    expect(after.stderr).toContain("IAM Identity Center session of profile alice-sso");
    const exec = await sandbox.run([
      "exec",
      "--profile",
      "alice-sso",
      "--role-arn",
      `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`,
      "--",
      "sh",
      "-c",
      "echo $AWS_ACCESS_KEY_ID",
    ]);
    expect(exec.code).not.toBe(0);
    expect(exec.stdout).not.toContain(JSON.parse(first.stdout).AccessKeyId);
  });

  it("another login (a new token file) is a new session", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    const first = await sandbox.run(LINE());
    expect(first.code, first.stderr).toBe(0);
    await cacheToken(new Date(Date.now() + 7200_000));
    expect(await fast(LINE())).toBeUndefined();
    const second = await sandbox.run(LINE());
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).AccessKeyId).not.toBe(JSON.parse(first.stdout).AccessKeyId);
  });
});
