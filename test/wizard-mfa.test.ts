/**
 * A role that requires MFA: the wizard's stage 3 asks for the device (the Staging user's, as
 * IAM lists them), then the code, and assumes with them; the code is never printed. Unattended
 * runs take --mfa-serial and --token-code. A bucket the run created is tested with a probe
 * object instead of a key to download.
 */
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from "@aws-sdk/client-iam";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { runInProcess, setupArgs, useSandbox } from "./support/sandbox.js";
import { answer, promptShowing, screen } from "./support/wizard-screen.js";

const sandbox = useSandbox();
let deviceArn: string;

beforeAll(async () => {
  // The Staging profile's user (StageAdmin) has a virtual MFA device.
  const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
  const device = await staging.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "StageAdminPhone" }));
  deviceArn = device.VirtualMFADevice!.SerialNumber!;
  await staging.iam.send(
    new EnableMFADeviceCommand({ UserName: "StageAdmin", SerialNumber: deviceArn, AuthenticationCode1: "123456", AuthenticationCode2: "654321" }),
  );
});

describe("setup with a trust that requires MFA", () => {
  it("asks for the Staging user's MFA device and code, assumes with them, and probes the new bucket", async () => {
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
        "mfa-bucket",
        "--require-mfa",
      ],
      process.env,
      true,
    );
    await answer("Name of the role in Production");
    await answer("Name of the role's read-only policy");
    await answer("Staging user who will assume the role");
    await answer("Apply this plan?", "y");
    await promptShowing("How should the profile for Staging be written?");
    screen.keypress("down");
    await answer("❯ Role profile");
    expect(await answer("The role requires MFA. Which MFA device?")).toContain(`❯ ${deviceArn}`);
    await answer(`MFA code for ${deviceArn}`, "246810");
    // The bucket is new and empty: no key to ask for, a probe instead.
    await answer("is new and empty. Test access with a probe object");
    const result = await run;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const assume = result.calls.calls.find((c) => c.operation === "AssumeRole");
    expect(assume).toBeDefined();
    expect(result.stdout).toContain("Assumed arn:aws:sts::111111111111:assumed-role/StageRole/");
    expect(result.stdout).toMatch(/Uploaded a probe object s3:\/\/mfa-bucket\/xacct-probe-\S+ as prod/);
    expect(result.stdout).toContain("Downloaded it through role StageRole");
    expect(result.stdout).toContain("Deleted the probe object");
    expect(result.stdout).toContain(`--require-mfa --profile-style role --mfa-serial ${deviceArn} --yes`);
    // The role profile names the device, so the AWS tools ask for its code.
    expect(await readFile(sandbox.configFile, "utf8")).toContain(`mfa_serial = ${deviceArn}`);
    expect(result.stdout + result.stderr).not.toContain("246810");
    const left = await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new ListObjectsV2Command({ Bucket: "mfa-bucket" }));
    expect(left.KeyCount ?? 0).toBe(0);
  });

  it("unattended: a rerun says it keeps the MFA trust, and --mfa-serial with --token-code assume with MFA", async () => {
    const result = await sandbox.run(setupArgs("mfa-bucket", ["--mfa-serial", deviceArn, "--token-code", "135790"]));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Keeping the trust hardening of the earlier run: MFA (--plain-trust drops it).");
    expect(result.stdout).toContain("Assumed arn:aws:sts::111111111111:assumed-role/StageRole/");
    expect(result.stdout).not.toContain("135790");
    // No --profile-style: the profile keeps the role style it has.
    expect(result.stdout).toContain("Wrote role-style profile TempCred");
  });

  it("unattended without the MFA flags: the test is left to the operator", async () => {
    const result = await sandbox.run(setupArgs("mfa-bucket"));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("The role requires MFA, so the test is left to you");
    expect(result.calls.calls.some((c) => c.operation === "AssumeRole")).toBe(false);
  });

  it("--token-code without --mfa-serial is refused before any AWS call", async () => {
    const result = await sandbox.run(setupArgs("mfa-bucket", ["--token-code", "135790"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("there is no --mfa-serial");
    expect(result.calls.calls).toEqual([]);
  });
});
