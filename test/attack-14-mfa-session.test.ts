/**
 * Attack 14 (x4 4-7): the MFA session.
 * - keyed on the Staging profile's own access key ID and endpoint: other keys in the profile
 *   never reuse the old user's MFA session; writing another profile still costs no code (x4 4);
 * - console --signin --duration with MFA is refused before any AWS call (x4 5);
 * - console's unattended MFA error names console and a command that works, --mfa-serial kept (x4 6);
 * - an MFA cache file others can read is deleted, and the warning never claims a fetch (x4 7).
 */
import { appendFile, chmod, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cacheDirectory } from "../src/credentials-cache.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const SERIAL = "arn:aws:iam::222222222222:mfa/StageAdmin";
const ROLE_ARN = "arn:aws:iam::111111111111:role/MfaKeyRole";
const SETUP = "mfa-key-bucket/MfaKeyRole";
const line = (session: string) => [
  "credentials",
  `--role-arn=${ROLE_ARN}`,
  "--profile=staging",
  `--session-name=${session}`,
  "--region=us-east-1",
  `--mfa-serial=${SERIAL}`,
];
const mfaFiles = async () =>
  (await readdir(cacheDirectory(process.env)).catch(() => [] as string[])).filter((n) => n.startsWith("mfa-") && n.endsWith(".json"));
const forgetMfaSessions = async () => {
  for (const name of await mfaFiles()) await rm(join(cacheDirectory(process.env), name), { force: true });
};

beforeAll(async () => {
  const setup = await sandbox.run(
    setupArgs("mfa-key-bucket", [
      "--role-name",
      "MfaKeyRole",
      "--temp-profile",
      "MfaKeyCred",
      "--require-mfa",
      "--mfa-serial",
      SERIAL,
      "--token-code",
      "123456",
    ]),
  );
  expect(setup.code, setup.stderr).toBe(0);
});

describe("the MFA session and the profile's keys (x4 4)", () => {
  it("other keys in the profile start a new MFA session (unattended: refused), the same keys reuse it, another profile written costs no code", async () => {
    await forgetMfaSessions();
    const first = await sandbox.run([...line("k1"), "--token-code=123456"]);
    expect(first.code, first.stderr).toBe(0);

    const original = await readFile(sandbox.credentialsFile, "utf8");
    const keyId = /aws_access_key_id\s*=\s*(\S+)/.exec(original.slice(original.indexOf("[staging]")))![1]!;
    await writeFile(sandbox.credentialsFile, original.replace(keyId, "AKIAREVOKEDREVOKED00"));
    const rotated = await sandbox.run(line("k2"));
    expect(rotated.code).toBe(2);
    expect(rotated.stdout).toBe("");
    expect(rotated.stderr).toContain("cannot ask for the MFA code");

    await writeFile(sandbox.credentialsFile, original);
    const back = await sandbox.run(line("k3"));
    expect(back.code, back.stderr).toBe(0);

    await appendFile(sandbox.configFile, "\n[profile unrelated]\nregion = eu-west-1\n");
    const afterEdit = await sandbox.run(line("k4"));
    expect(afterEdit.code, afterEdit.stderr).toBe(0);
    expect(afterEdit.stderr).not.toContain("MFA session of profile staging until"); // none started
  });

  it("another endpoint_url in the profile starts a new MFA session", async () => {
    const config = await readFile(sandbox.configFile, "utf8");
    const ok = await sandbox.run(line("e1"));
    expect(ok.code, ok.stderr).toBe(0);
    const moved = config.replace(/\[profile staging\]\n/, `[profile staging]\nendpoint_url = ${sandbox.moto.endpoint}/\n`);
    expect(moved).not.toBe(config);
    await writeFile(sandbox.configFile, moved);
    try {
      const other = await sandbox.run(line("e2"));
      expect(other.code).toBe(2);
      expect(other.stderr).toContain("cannot ask for the MFA code");
    } finally {
      await writeFile(sandbox.configFile, config);
    }
  });
});

describe("an MFA cache file others may read (x4 7)", () => {
  it("is deleted, and the warning says so without claiming a new one was fetched", async () => {
    await forgetMfaSessions();
    expect((await sandbox.run([...line("x1"), "--token-code=123456"])).code).toBe(0);
    const [name] = await mfaFiles();
    const file = join(cacheDirectory(process.env), name!);
    await chmod(file, 0o644);
    const result = await sandbox.run(line("x2"));
    expect(result.code).toBe(2); // no code here, and the exposed session is not used
    expect(result.stderr).toContain(`Deleted the cached session in ${file} without using it: other users may open it (mode 644), and may have read its keys.`);
    expect(result.stderr).not.toContain("Fetched a new one");
    expect(await mfaFiles()).toEqual([]);
  });
});

describe("console --signin with MFA", () => {
  it("--duration is refused before any AWS call (x4 5)", async () => {
    const result = await sandbox.run(["console", "--signin", "--setup", SETUP, "--mfa-serial", SERIAL, "--duration", "1800"], {
      env: { XACCT_FEDERATION_ENDPOINT: "http://127.0.0.1:9/federation" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the federation endpoint refuses --duration for such a session");
    expect(result.calls.calls).toHaveLength(0);
  });

  it("unattended without a session: names console --signin and a command that works, with the device (x4 6)", async () => {
    await forgetMfaSessions();
    const result = await sandbox.run(["console", "--signin", "--setup", SETUP, "--mfa-serial", SERIAL], {
      env: { XACCT_FEDERATION_ENDPOINT: "http://127.0.0.1:9/federation" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`xacct console --signin cannot ask for the MFA code of ${SERIAL} here (no terminal)`);
    expect(result.stderr).toContain(`Run \`xacct assume --setup ${SETUP} --mfa-serial ${SERIAL}\` in a terminal`);
    // The suggested command works (here with the code it would ask for).
    const suggested = await sandbox.run(["assume", "--setup", SETUP, "--mfa-serial", SERIAL, "--token-code", "123456"]);
    expect(suggested.code, suggested.stderr).toBe(0);
  });
});
