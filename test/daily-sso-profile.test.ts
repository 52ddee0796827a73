/**
 * A Staging profile that is an IAM Identity Center (SSO) profile is a source like any other:
 * the SDK's own SSO provider gets the permission set role's keys from the portal, and xacct
 * assumes the Production role with them. The emulator has no SSO portal: a stand-in answers
 * GetRoleCredentials with keys of a reserved-path role made in the emulator's Staging account
 * (assumed there, as the portal would). A session that expired, or never was, is one sentence:
 * run `aws sso login --profile NAME`.
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

const assumeWithSso = () => sandbox.run(["assume", "--profile", "alice-sso", "--role-arn", `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`, "--json"]);

describe("an Identity Center profile as the Staging source", () => {
  it("assume gets the permission set role's keys from the portal and assumes the Production role with them", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    portalCalls.length = 0;
    const result = await assumeWithSso();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/`);
    expect(portalCalls).toEqual([{ roleName: "Dev", accountId: sandbox.staging.accountId, tokenOk: true }]);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it("a role-style profile xacct writes with it as source works for the aws CLI, which asks the portal itself", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    const prodRole = `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
    const written = await sandbox.run(["assume", "--profile", "alice-sso", "--role-arn", prodRole, "--write-profile", "ProdViaSso", "--profile-style", "role"]);
    expect(written.code, written.stderr).toBe(0);
    portalCalls.length = 0;
    const { stdout } = await run("aws", ["sts", "get-caller-identity", "--profile", "ProdViaSso", "--output", "json"], { env: process.env });
    expect(JSON.parse(stdout).Arn).toMatch(new RegExp(`^arn:aws:sts::${sandbox.prod.accountId}:assumed-role/StageRole/`));
    expect(portalCalls).toEqual([{ roleName: "Dev", accountId: sandbox.staging.accountId, tokenOk: true }]);
  });

  it("setup --trust-sso-permission-set with that profile as the Staging profile: stage 3 assumes the role through the portal", async () => {
    await cacheToken(new Date(Date.now() + 3600_000));
    portalCalls.length = 0;
    const result = await sandbox.run([
      "setup",
      "--production-profile",
      "prod",
      "--staging-profile",
      "alice-sso",
      "--bucket",
      "sso-team-bucket-7",
      "--role-name",
      "SsoReader",
      "--temp-profile",
      "SsoTemp",
      "--region",
      "us-east-1",
      "--trust-sso-permission-set",
      "Dev",
      "--yes",
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`Assumed arn:aws:sts::${sandbox.prod.accountId}:assumed-role/SsoReader/`);
    expect(result.stdout).not.toContain("Not tested");
    expect(portalCalls.length).toBeGreaterThan(0);
    expect(portalCalls.every((c) => c.roleName === "Dev" && c.tokenOk)).toBe(true);
  });

  it.each([
    ["has expired", new Date(Date.now() - 60_000)],
    ["was never started (no cached token)", undefined],
  ])("a session that %s: one sentence saying to run aws sso login --profile, and no portal call", async (_what, expiresAt) => {
    await cacheToken(expiresAt);
    portalCalls.length = 0;
    const result = await sandbox.run(["assume", "--profile", "alice-sso", "--role-arn", `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("IAM Identity Center session of profile alice-sso");
    expect(result.stderr).toContain("aws sso login --profile alice-sso");
    expect(result.stderr).not.toContain("aws configure");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(portalCalls).toEqual([]);
  });
});
