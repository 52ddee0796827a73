/**
 * Attack 14 (x4 1), through the real aws CLI: a process profile whose Staging profile's
 * mfa_process leaves a background child behind (`sh -c 'sleep 300 & echo 123456'`) answers
 * within seconds. botocore reads credential_process's stdout and stderr to the end, so a child
 * left holding either would hang every AWS command for as long as it lives.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cacheDirectory } from "../src/credentials-cache.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const SERIAL = "arn:aws:iam::222222222222:mfa/StageAdmin";

beforeAll(async () => {
  const setup = await sandbox.run(
    setupArgs("mfa-proc-bucket", [
      "--role-name",
      "MfaProcRole",
      "--temp-profile",
      "MfaProc",
      "--require-mfa",
      "--mfa-serial",
      SERIAL,
      "--token-code",
      "123456",
      "--profile-style",
      "process",
    ]),
  );
  expect(setup.code, setup.stderr).toBe(0);
});

describe("mfa_process leaving a background child, under the aws CLI", () => {
  it("aws sts get-caller-identity answers within seconds", async () => {
    const config = await readFile(sandbox.configFile, "utf8");
    await writeFile(sandbox.configFile, config.replace("[profile staging]\n", "[profile staging]\nmfa_process = sh -c 'sleep 300 & echo 123456'\n"));
    for (const name of await readdir(cacheDirectory(process.env))) await rm(join(cacheDirectory(process.env), name), { force: true });
    const started = Date.now();
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        "aws",
        ["sts", "get-caller-identity", "--profile", "MfaProc", "--output", "json"],
        { env: process.env, timeout: 45_000 },
        (error, stdout, stderr) => done({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).Arn).toMatch(/^arn:aws:sts::111111111111:assumed-role\/MfaProcRole\//);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
