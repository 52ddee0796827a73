/**
 * A stand-in for IAM Identity Center's portal (GetRoleCredentials), for the tests of an SSO
 * profile as the Staging source: the emulator has none. It answers with keys of the role
 * Identity Center would make for permission set Dev, created in the emulator's Staging account
 * (under /aws-reserved/sso.amazonaws.com/) with the grant its policy would carry.
 * `useSsoPortal(sandbox)` runs setup, makes that role, starts the portal and writes the
 * `alice-sso` profile; `cacheToken()` plays `aws sso login` (a date) and logout (undefined).
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { createHash } from "node:crypto";
import { appendFile, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { buildAssumeRolePolicy } from "../../src/policy/index.js";
import { setupArgs, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;

export const SSO_ROLE = "AWSReservedSSO_Dev_0123456789abcdef";
export const TOKEN = "portal-token-of-alice";

/** What the stand-in portal was asked: the role, the account and whether the bearer token was the cached one. */
export const portalCalls: { roleName: string | null; accountId: string | null; tokenOk: boolean }[] = [];
let portal: Server;

export function useSsoPortal(of: Sandbox): void {
  sandbox = of;
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
}

/** The SSO token cache the aws CLI writes at `aws sso login`: one file per session, named by the SHA-1 of its name. */
export async function cacheToken(expiresAt: Date | undefined): Promise<void> {
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
