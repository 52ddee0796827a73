/**
 * The AWS SDK for JavaScript takes endpoint_url / services from AWS_PROFILE's profile, not from
 * the profile a client names: calls for profile staging would go to another profile's endpoint
 * (a signed STS request with a fresh MFA code included). xacct refuses that in one sentence
 * (exit 2) before any AWS call, and AWS_PROFILE is part of the MFA session's key.
 */
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mfaSessionFile } from "../src/mfa/session-cache.js";
import { runXacctProcess } from "./support/xacct-process.js";

const LINE = [
  "credentials",
  "--role-arn=arn:aws:iam::111111111111:role/StageRole",
  "--profile=staging",
  "--region=us-east-1",
  "--mfa-serial=arn:aws:iam::222222222222:mfa/StageAdmin",
  "--token-code=654321",
];

let sink: Server;
let port = 0;
const requests: string[] = [];

beforeAll(async () => {
  sink = createServer((req, res) => {
    requests.push(req.url ?? "");
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  port = (sink.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => sink.close(() => r())));

async function sandbox(): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = await mkdtemp(join(tmpdir(), "xacct-a14-endpoint-"));
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(
    join(home, ".aws", "config"),
    `[profile staging]\nregion = us-east-1\n\n[profile other]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:${port}\n`,
  );
  await writeFile(
    join(home, ".aws", "credentials"),
    "[staging]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = secretsecretsecretsecretsecretsecret0000\n",
    { mode: 0o600 },
  );
  const env = {
    PATH: process.env["PATH"],
    HOME: home,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    XACCT_STATE_FILE: join(home, "state.json"),
    XDG_CACHE_HOME: join(home, "cache"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
  return { home, env };
}

describe("a named profile's calls and AWS_PROFILE's endpoint", () => {
  it("AWS_PROFILE naming a profile with another endpoint_url: refused before any call, nothing reaches that endpoint", async () => {
    const { home, env } = await sandbox();
    requests.length = 0;
    const result = await runXacctProcess(LINE, { env: { ...env, AWS_PROFILE: "other" }, cwd: home });
    expect(result.stderr).toMatch(/AWS_PROFILE/);
    expect(result.code).toBe(2);
    expect(requests).toEqual([]);
  });

  it("AWS_PROFILE is part of the MFA session's key", () => {
    const key = { profile: "staging", serial: "s", endpoint: "", configPath: "c", credentialsPath: "k", caller: "x" };
    expect(mfaSessionFile("/d", { ...key, sdkProfile: "other" })).not.toBe(mfaSessionFile("/d", { ...key, sdkProfile: "other2" }));
  });
});
