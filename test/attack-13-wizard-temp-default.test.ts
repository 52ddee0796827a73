/**
 * The wizard's default temporary profile is never a profile that is not xacct's own: a
 * TempCred holding the user's long-term keys is skipped (TempCred2), instead of the run ending
 * with exit 2 after every question.
 */
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { appendFile, readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { runInProcess, useSandbox } from "./support/sandbox.js";
import { answer } from "./support/wizard-screen.js";

const sandbox = useSandbox();
const OWN_KEYS = "\n[TempCred]\naws_access_key_id = AKIAUSERKEYEXAMPLE00\naws_secret_access_key = users-own-secret\n";

beforeAll(async () => {
  await appendFile(sandbox.credentialsFile, OWN_KEYS);
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  await prod.s3.send(new CreateBucketCommand({ Bucket: "wiz-bucket" }));
  await prod.s3.send(new PutObjectCommand({ Bucket: "wiz-bucket", Key: "hello.txt", Body: "hello" }));
});

describe("the wizard's default temporary profile", () => {
  it("skips a profile holding the user's own keys and writes TempCred2", async () => {
    const run = runInProcess(
      [
        "setup",
        "--production-profile",
        "prod",
        "--staging-profile",
        "staging",
        "--region",
        "us-east-1",
        "--mode",
        "role",
        "--bucket",
        "wiz-bucket",
        "--role-name",
        "WizRole",
        "--profile-style",
        "static",
        "--test-key",
        "hello.txt",
      ],
      process.env,
      true,
    );
    await answer("Name of the role's read-only policy");
    await answer("Staging user who will assume the role");
    await answer("Harden the role's trust beyond the recipe");
    await answer("Apply this plan?", "y");
    const result = await run;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const credentials = await readFile(sandbox.credentialsFile, "utf8");
    expect(credentials).toContain(OWN_KEYS.trim());
    expect(await readFile(sandbox.configFile, "utf8")).toContain("[profile TempCred2]");
    expect(result.stdout).toContain("--temp-profile TempCred2");
  });
});
