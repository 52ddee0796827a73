/**
 * A remembered setup lives in two accounts. A --production-profile or --staging-profile that
 * reaches another account would make teardown look there, find nothing, call the setup's
 * resources "already gone" and forget it; verify would judge (and mark verified) the wrong
 * account; export would write a configuration that moves the setup. Each refuses, exit 2,
 * before any write, naming the setup, the profile, its account and the setup's account.
 * Another profile of the same account is fine.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { existsSync } from "node:fs";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const BUCKET = "gamma-a13w-bucket";
const SETUP = `${BUCKET}/GammaRole`;
const PRODUCTION = "111111111111";
const STAGING = "222222222222";

const writes = (result: CliResult) => result.calls.calls.filter((c) => !/^(Get|List|Head)/.test(c.operation));
const remembered = async (): Promise<Record<string, { lastVerifiedAt?: string }>> =>
  existsSync(sandbox.statePath)
    ? (JSON.parse(await readFile(sandbox.statePath, "utf8")) as { setups: Record<string, { lastVerifiedAt?: string }> }).setups
    : {};

beforeAll(async () => {
  const made = await sandbox.run(setupArgs(BUCKET, ["--role-name", "GammaRole", "--temp-profile", "GammaCred"]));
  expect(made.code, made.stdout + made.stderr).toBe(0);
});

describe("teardown --setup with a profile of another account", () => {
  it("refuses a Production profile of the Staging account, before any write, and keeps the setup and its role", async () => {
    const torn = await sandbox.run(["teardown", "--setup", BUCKET, "--production-profile", "staging", "--staging-profile", "prod", "--yes"]);
    expect(torn.code, torn.stdout + torn.stderr).toBe(2);
    expect(torn.stderr).toContain(`Setup ${SETUP} is in Production account ${PRODUCTION}, and profile staging is in account ${STAGING}`);
    expect(torn.stdout).not.toContain("already gone");
    expect(writes(torn)).toEqual([]);
    expect(Object.keys(await remembered())).toContain(SETUP);
    expect((await prod().iam.send(new GetRoleCommand({ RoleName: "GammaRole" }))).Role?.RoleName).toBe("GammaRole");
  });

  it("refuses a Staging profile of the Production account as well", async () => {
    const torn = await sandbox.run(["teardown", "--setup", SETUP, "--staging-profile", "prod", "--yes"]);
    expect(torn.code, torn.stdout + torn.stderr).toBe(2);
    expect(torn.stderr).toContain(`Setup ${SETUP} is in Staging account ${STAGING}, and profile prod is in account ${PRODUCTION}`);
    expect(torn.stderr).toContain("--staging-profile");
    expect(writes(torn)).toEqual([]);
    expect(Object.keys(await remembered())).toContain(SETUP);
  });
});

describe("verify --setup with a profile of another account", () => {
  it("refuses instead of judging the other account, and records no verify time", async () => {
    const verify = await sandbox.run(["verify", "--setup", BUCKET, "--production-profile", "staging", "--staging-profile", "prod"]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(2);
    expect(verify.stderr).toContain(`Setup ${SETUP} is in Production account ${PRODUCTION}, and profile staging is in account ${STAGING}`);
    expect(verify.stdout).not.toContain("checks failed");
    expect((await remembered())[SETUP]?.lastVerifiedAt).toBeUndefined();
  });

  it("accepts another profile of the same accounts", async () => {
    const credentials = await readFile(sandbox.credentialsFile, "utf8");
    const prodKeys = /\[prod\]\n[^[]*/.exec(credentials)?.[0];
    expect(prodKeys).toBeDefined();
    await appendFile(sandbox.credentialsFile, `\n${prodKeys!.replace("[prod]", "[prod-again]")}`);
    await appendFile(sandbox.configFile, "\n[profile prod-again]\nregion = us-east-1\n");
    const verify = await sandbox.run(["verify", "--setup", BUCKET, "--production-profile", "prod-again"]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect((await remembered())[SETUP]?.lastVerifiedAt).toBeDefined();
  });
});

describe("export --setup with a profile of another account", () => {
  it("refuses instead of writing a configuration that moves the setup to that account", async () => {
    const outDir = join(sandbox.dir, "wrong-account-export");
    const exported = await sandbox.run(["export", "--setup", BUCKET, "--staging-profile", "prod", "--format", "terraform", "--out-dir", outDir]);
    expect(exported.code, exported.stdout + exported.stderr).toBe(2);
    expect(exported.stderr).toContain(`Setup ${SETUP} is in Staging account ${STAGING}, and profile prod is in account ${PRODUCTION}`);
    expect(existsSync(outDir)).toBe(false);
  });
});
