/**
 * The cache-hit path of `xacct credentials` (src/credential-process.ts) against the full CLI,
 * over many argument lists and environments: for each, the fast path either hands the run to
 * the full CLI or prints exactly what the full CLI prints. And it is no empty promise: once the
 * full CLI has cached a session, a line as credential_process writes it is served by the fast
 * path. Given a setup remembered with an external ID (so a line without --external-id takes
 * the setup's), when the fast path runs before and after the full CLI, then it never serves
 * what the full CLI refuses, and never prints something else.
 */
import fc from "fast-check";
import { chmod, mkdir, readdir, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { serveCachedCredentials } from "../src/credential-process.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const ROLE_ARN = "arn:aws:iam::111111111111:role/StageRole";
const EXTERNAL_ID = "fast-path-external-id";
const MFA_SERIAL = "arn:aws:iam::222222222222:mfa/StageAdmin";

beforeAll(async () => {
  const setup = await sandbox.run(setupArgs(undefined, ["--external-id", EXTERNAL_ID]));
  expect(setup.code, setup.stderr).toBe(0);
  // Today's MFA session for the device, so a line naming it can be served too.
  const mfa = await sandbox.run(["assume", "--role-arn", ROLE_ARN, "--profile", "staging", "--mfa-serial", MFA_SERIAL, "--token-code", "123456"]);
  expect(mfa.code, mfa.stderr).toBe(0);
});

/** The fast path in-process, as bin/xacct.js runs it: stdout a pipe. Its output, or undefined when it handed over. */
async function fast(argv: string[], env: NodeJS.ProcessEnv, options: { terminal?: boolean; now?: number } = {}): Promise<string | undefined> {
  let printed = "";
  const served = await serveCachedCredentials(argv, {
    env,
    stdoutIsTerminal: options.terminal ?? false,
    write: (text) => (printed += text),
    ...(options.now !== undefined ? { now: () => options.now! } : {}),
  });
  expect(served ? printed : "").toBe(printed); // nothing printed by a run it handed over
  return served ? printed : undefined;
}

/** One argument of a generated line: its text, and whether credentialProcessCommand could have written it so. */
interface Token {
  text: string;
  written: boolean;
}
const written = (text: string): Token => ({ text, written: true });
const odd = (text: string): Token => ({ text, written: false });
/** Mostly absent or valid, sometimes not: a line as written, or one the full CLI refuses or parses otherwise. */
const pick = (valid: Token[][], other: Token[][]) =>
  fc.oneof({ weight: 15, arbitrary: fc.constantFrom<Token[]>([], ...valid) }, { weight: 1, arbitrary: fc.constantFrom<Token[]>(...other) });

const endpointArb = (endpoint: string) =>
  pick([[written(`--endpoint-url=${endpoint}`)]], [[written("--endpoint-url=not a url")], [written("--endpoint-url=ftp://example.com")]]);
const flagsArb = fc.record({
  roleArn: pick(
    [[written(`--role-arn=${ROLE_ARN}`)], [written("--role-arn=arn:aws:iam::111111111111:role/Other")]],
    [[written("--role-arn=not-an-arn")], [written("--role-arn=")], [odd("--role-arn"), odd(ROLE_ARN)]],
  ),
  profile: pick([[written("--profile=staging")]], [[written("--profile=nobody")], [written("--profile=bad name")], [odd("--profile"), odd("staging")]]),
  sessionName: pick(
    [[written("--session-name=xacct-staging")], [written("--session-name=other-session")]],
    [[written("--session-name=has space")], [written(`--session-name=${"s".repeat(65)}`)]],
  ),
  region: pick([[written("--region=us-east-1")], [written("--region=eu-west-1")]], [[written("--region=nowhere")]]),
  externalId: pick([[written(`--external-id=${EXTERNAL_ID}`)], [written("--external-id=another-id-5678")]], [[written("--external-id=x")]]),
  mfaSerial: pick(
    [[written(`--mfa-serial=${MFA_SERIAL}`)]],
    [[written("--mfa-serial=not-a-device")], [odd("--token-code=123456")], [odd("--mfa-duration=3600")]],
  ),
  duration: pick(
    [[written("--duration-seconds=900")], [written("--duration-seconds=3600")]],
    [[written("--duration-seconds=12")], [written("--duration-seconds=abc")]],
  ),
  extra: pick(
    [],
    [
      [odd("--json")],
      [odd("--debug")],
      [odd("--region=us-east-1")],
      [odd("--setup=production-test-bucket-101/StageRole")],
      [odd("extra")],
      [odd("--no-such-flag=1")],
    ],
  ),
});
const envArb = fc.constantFrom<NodeJS.ProcessEnv>(
  {},
  {},
  { AWS_PROFILE: "staging" },
  { AWS_ACCESS_KEY_ID: "AKIAFASTPATHTEST0001" },
  { XDG_CACHE_HOME: "" },
  // Part of the key (attack 14): where the Identity Center login is used; a relative cache home is ignored.
  { AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9/sso" },
  { XDG_CACHE_HOME: "relative-cache" },
);

describe("the cache-hit path of xacct credentials, against the full CLI", () => {
  it("either hands over or prints exactly what the full CLI prints; and after the full CLI cached, a written line is served", async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(endpointArb(sandbox.moto.endpoint), flagsArb, envArb, fc.boolean(), async (endpoint, flags, extraEnv, shuffle) => {
        const options = [flags.roleArn, flags.profile, flags.sessionName, flags.region, flags.externalId, flags.mfaSerial, flags.duration, flags.extra];
        const tokens = [...endpoint, written("credentials"), ...(shuffle ? options.reverse() : options).flat()];
        const argv = tokens.map((token) => token.text);
        const env = { ...process.env, ...extraEnv };
        // AWS_ACCESS_KEY_ID alone would make the SDK refuse; a pair is another caller, as the key says.
        if (extraEnv["AWS_ACCESS_KEY_ID"]) env["AWS_SECRET_ACCESS_KEY"] = "fast-path-test-secret";

        const before = await fast(argv, env);
        const full = await sandbox.run(argv, { env });
        const after = await fast(argv, env);

        if (before !== undefined) expect({ argv, printed: before }).toEqual({ argv, printed: full.stdout });
        if (full.code !== 0) {
          expect({ argv, before, after, code: full.code }).toEqual({ argv, before: undefined, after: undefined, code: full.code });
          return;
        }
        const asWritten = tokens.every((token) => token.written);
        expect({ argv, after }).toEqual({ argv, after: asWritten ? full.stdout : undefined });
        if (after !== undefined) served += 1;
      }),
      { numRuns: 150, seed: 1414 },
    );
    expect(served).toBeGreaterThan(40);
  }, 600_000);
});

describe("sessions the fast path does not serve: the full CLI decides", () => {
  const line = ["credentials", `--role-arn=${ROLE_ARN}`, "--profile=staging", "--region=us-east-1"];
  let cacheHome = "";
  let file = "";
  const env = () => ({ ...process.env, XDG_CACHE_HOME: cacheHome });

  beforeAll(async () => {
    cacheHome = join(sandbox.dir, "cache-cases");
    expect((await sandbox.run(line, { env: env() })).code).toBe(0);
    const dir = join(cacheHome, "xacct", "credentials");
    file = join(
      dir,
      (await readdir(dir)).find((name) => name.endsWith(".json"))!,
    );
  });

  it("a good session is served, byte for byte as the full CLI prints it", async () => {
    const printed = await fast(line, env());
    expect(printed).toBeDefined();
    expect(printed).toBe((await sandbox.run(line, { env: env() })).stdout);
  });

  it("stdout a terminal: handed over (the full CLI refuses to print keys there)", async () => {
    expect(await fast(line, env(), { terminal: true })).toBeUndefined();
  });

  it("within five minutes of expiry: handed over (the full CLI fetches a new one)", async () => {
    const { expiration } = JSON.parse(await readFile(file, "utf8")) as { expiration: string };
    expect(await fast(line, env(), { now: Date.parse(expiration) - 4 * 60_000 })).toBeUndefined();
    expect(await fast(line, env(), { now: Date.parse(expiration) - 6 * 60_000 })).toBeDefined();
  });

  it("a file others may read, a link, a cut-off file, a folder others may enter: handed over", async () => {
    const original = await readFile(file, "utf8");
    const restore = async () => {
      await rm(file, { force: true });
      await writeFile(file, original, { mode: 0o600 });
      await chmod(file, 0o600);
      await chmod(join(cacheHome, "xacct", "credentials"), 0o700);
    };
    await chmod(file, 0o640);
    expect(await fast(line, env())).toBeUndefined();
    await restore();

    await rm(file);
    await writeFile(`${file}.real`, original, { mode: 0o600 });
    await symlink(`${file}.real`, file);
    expect(await fast(line, env())).toBeUndefined();
    await rm(`${file}.real`);
    await restore();

    await writeFile(file, JSON.stringify({ ...JSON.parse(original), sessionToken: undefined }), { mode: 0o600 });
    expect(await fast(line, env())).toBeUndefined();
    await restore();

    await chmod(join(cacheHome, "xacct", "credentials"), 0o755);
    expect(await fast(line, env())).toBeUndefined();
    await restore();

    expect(await fast(line, env())).toBeDefined();
  });

  it("an Identity Center login or logout since the session was cached: another key, a miss on both paths alike", async () => {
    const ssoCache = join(sandbox.dir, ".aws", "sso", "cache");
    await mkdir(ssoCache, { recursive: true });
    const token = join(ssoCache, "fast-path-login.json");
    await writeFile(token, "{}");
    expect(await fast(line, env())).toBeUndefined();
    const full = await sandbox.run(line, { env: env() });
    expect(full.code).toBe(0);
    expect(await fast(line, env())).toBe(full.stdout);
    await rm(token);
    expect(await fast(line, env())).toBeUndefined();
  });

  it("a config file changed since the session was cached: another key, so a miss", async () => {
    await mkdir(cacheHome, { recursive: true });
    const later = new Date(Date.now() + 5_000);
    await utimes(sandbox.configFile, later, later);
    expect(await fast(line, env())).toBeUndefined();
  });
});
