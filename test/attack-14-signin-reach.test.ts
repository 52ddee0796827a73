/**
 * Where session keys go, said before they go: a federation endpoint that is not AWS's is named
 * on stderr, and `teardown --plan` says which cached sessions (role and MFA) it would delete.
 */
import { readdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDirectory } from "../src/credentials-cache.js";
import { foreignFederationHost } from "../src/console/federation-url.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "attack-reach-bucket";
const TOKEN = "tok+en/with=chars&more";
const SERIAL = "arn:aws:iam::222222222222:mfa/StageAdmin";

let server: Server;
let endpoint = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ SigninToken: TOKEN }));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return sandbox.run(argv, { env: { XACCT_FEDERATION_ENDPOINT: endpoint, ...env } });
}

describe("setup", () => {
  it("makes the role", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  });
});

describe("XACCT_FEDERATION_ENDPOINT", () => {
  it("names on stderr a host that is neither AWS's sign-in host nor this machine", async () => {
    const result = await run(["console", "--signin", "--setup", BUCKET], { XACCT_FEDERATION_ENDPOINT: "https://collector.invalid/federation" });
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("!") && line.includes("collector.invalid"));
    expect(warnings).toHaveLength(1);
    const quiet = await run(["console", "--signin", "--setup", BUCKET]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toMatch(/^!/m);
  });

  it.each([
    ["https://signin.aws.amazon.com/federation", undefined],
    ["https://us-east-1.signin.aws.amazon.com/federation", undefined],
    ["https://signin.amazonaws.cn/federation", undefined],
    ["http://127.0.0.1:8080/federation", undefined],
    ["http://localhost:8080/federation", undefined],
    ["https://collector.example/federation", "collector.example"],
    ["https://signin.aws.amazon.com.evil.example/federation", "signin.aws.amazon.com.evil.example"],
    ["https://evilsignin.aws.amazon.com/federation", "evilsignin.aws.amazon.com"],
  ])("%s", (url, host) => {
    expect(foreignFederationHost(url)).toBe(host);
  });
});

describe("teardown --plan", () => {
  it("lists the cached role and MFA sessions it would delete, by count, and deletes none", async () => {
    const setup = await sandbox.run(
      setupArgs("attack-reach-mfa", [
        "--role-name",
        "MfaReachRole",
        "--temp-profile",
        "MfaReachCred",
        "--require-mfa",
        "--mfa-serial",
        SERIAL,
        "--token-code",
        "123456",
      ]),
    );
    expect(setup.code, setup.stderr).toBe(0);
    const creds = await sandbox.run(["credentials", "--setup", "attack-reach-mfa/MfaReachRole", "--mfa-serial", SERIAL]);
    expect(creds.code, creds.stderr).toBe(0);
    const before = await readdir(cacheDirectory(process.env));

    const plan = await sandbox.run(["teardown", "--plan", "--setup", "attack-reach-mfa/MfaReachRole"]);
    expect(plan.code, plan.stderr).toBe(0);
    const machine = plan.stdout.slice(plan.stdout.indexOf("This machine"));
    expect(machine).toMatch(/1 cached session of arn:aws:iam::\d+:role\/MfaReachRole/);
    expect(machine).toMatch(/1 cached MFA session of profile staging/);
    expect(plan.stdout).not.toMatch(/ASIA|AKIA/);
    expect(await readdir(cacheDirectory(process.env))).toEqual(before);
  });
});
