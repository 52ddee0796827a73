/**
 * A role that requires MFA, in the wizard: only devices AssumeRole takes are offered (not a FIDO
 * security key), stage 3's test download reads with the role session it just assumed (a role
 * profile naming mfa_serial would need another code), and test-get on that profile says what
 * is missing (an MFA code), not that the profile does not exist. A typed code STS refuses is
 * asked for again before the profile is written.
 */
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { clientsFor } from "./support/accounts.js";
import { runInProcess, useSandbox } from "./support/sandbox.js";
import { answer, askedAgain, promptShowing, screen } from "./support/wizard-screen.js";

const sandbox = useSandbox();
let proxy: FaultProxy;
afterAll(() => proxy?.close());
let deviceArn: string;
const securityKey = "arn:aws:iam::222222222222:u2f/user/StageAdmin/yubikey-ABCDEFGHIJKLMNOPQRSTUVWXYZ";

beforeAll(async () => {
  const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
  const enable = (SerialNumber: string) =>
    staging.iam.send(new EnableMFADeviceCommand({ UserName: "StageAdmin", SerialNumber, AuthenticationCode1: "123456", AuthenticationCode2: "654321" }));
  await enable(securityKey);
  const device = await staging.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "StageAdminPhone" }));
  deviceArn = device.VirtualMFADevice!.SerialNumber!;
  await enable(deviceArn);
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  await prod.s3.send(new CreateBucketCommand({ Bucket: "mfa-test-bucket" }));
  await prod.s3.send(new PutObjectCommand({ Bucket: "mfa-test-bucket", Key: "hello.txt", Body: "hello" }));
});

describe("the wizard with an MFA trust and a role profile", () => {
  it("offers only the TOTP device, and downloads the test key with the session it assumed", async () => {
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
        "mfa-test-bucket",
        "--require-mfa",
        "--profile-style",
        "role",
        "--test-key",
        "hello.txt",
      ],
      process.env,
      true,
    );
    await answer("Name of the role in Production");
    await answer("Name of the role's read-only policy");
    await answer("Staging user who will assume the role");
    await answer("Apply this plan?", "y");
    const devices = await answer("The role requires MFA. Which MFA device?");
    expect(devices).toContain(`❯ ${deviceArn}`);
    expect(devices).not.toContain("u2f");
    await answer(`MFA code for ${deviceArn}`, "246810");
    const result = await run;
    expect(result.stdout).toContain(`Not offered: ${securityKey}: AssumeRole takes only a virtual or hardware TOTP device's code`);
    expect(result.stdout).toContain("Downloaded s3://mfa-test-bucket/hello.txt to hello.txt");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await readFile(sandbox.configFile, "utf8")).toContain(`mfa_serial = ${deviceArn}`);
  });

  it("test-get through that profile, in a terminal, asks for the MFA code", async () => {
    const run = runInProcess(["test-get", "hello.txt", "hello-typed.txt"], process.env, true);
    await answer(`MFA code for ${deviceArn}`, "314159");
    const result = await run;
    expect(result.stdout).toContain("Downloaded s3://mfa-test-bucket/hello.txt to hello-typed.txt");
    expect(result.code).toBe(0);
  });

  it("test-get through that profile, without a terminal, says an MFA code is missing", async () => {
    const result = await sandbox.run(["test-get", "hello.txt", "hello-again.txt"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("profile TempCred needs an MFA code (it names an mfa_serial), and none was given.");
    expect(result.stderr).not.toContain("no usable credentials");
  });

  it("asks for the MFA code again when STS refuses the one typed", async () => {
    proxy = await startFaultProxy(sandbox.moto.endpoint);
    await rm(join(sandbox.dir, "hello.txt"), { force: true }); // the first test downloaded it
    let refused = 0;
    proxy.rule = (request) => {
      // The code goes with GetSessionToken (the MFA session); the role is assumed with that session.
      if (request.action !== "GetSessionToken" || refused > 0) return undefined;
      refused += 1;
      return { status: 403, code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code." };
    };
    const run = runInProcess(
      ["--endpoint-url", proxy.endpoint, "setup", "--production-profile", "prod", "--staging-profile", "staging", "--region", "us-east-1"].concat([
        "--mode",
        "role",
        "--bucket",
        "mfa-test-bucket",
        "--require-mfa",
        "--profile-style",
        "role",
        "--test-key",
        "hello.txt",
      ]),
      process.env,
      true,
    );
    await answer("Name of the role in Production");
    await answer("Name of the role's read-only policy");
    await answer("Staging user who will assume the role");
    await answer("The role requires MFA. Which MFA device?");
    await answer(`MFA code for ${deviceArn}`, "111111");
    await askedAgain(`MFA code for ${deviceArn}`, "111111");
    screen.type("222222");
    screen.keypress("enter");
    const result = await run;
    expect(result.stderr).toContain(`AWS refused the MFA code for ${deviceArn}`);
    expect(result.stdout).toContain("Downloaded s3://mfa-test-bucket/hello.txt");
    expect(result.code).toBe(0);
  });
});
