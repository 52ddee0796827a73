/**
 * Setup's test download never fails an applied setup for a file that is there already (it
 * saves under a free name and says so), and the hints after an MFA refusal name the setup and
 * the device that is known, instead of placeholders.
 */
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
let deviceArn: string;

beforeAll(async () => {
  const staging = clientsFor(sandbox.moto.endpoint, sandbox.staging);
  const device = await staging.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "StageAdminPhone" }));
  deviceArn = device.VirtualMFADevice!.SerialNumber!;
  await staging.iam.send(
    new EnableMFADeviceCommand({ UserName: "StageAdmin", SerialNumber: deviceArn, AuthenticationCode1: "123456", AuthenticationCode2: "654321" }),
  );
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  for (const bucket of ["notes-bucket", "mfa-bucket"]) {
    await prod.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await prod.s3.send(new PutObjectCommand({ Bucket: bucket, Key: "docs/notes.txt", Body: "object body" }));
  }
});

describe("setup --test-key when a file of that name exists", () => {
  it("keeps the file, saves the object under a free name, says where, and exits 0", async () => {
    await writeFile(join(sandbox.dir, "notes.txt"), "MY PRECIOUS NOTES\n");
    const result = await sandbox.run(setupArgs("notes-bucket", ["--test-key", "docs/notes.txt"]));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await readFile(join(sandbox.dir, "notes.txt"), "utf8")).toBe("MY PRECIOUS NOTES\n");
    expect(await readFile(join(sandbox.dir, "notes-1.txt"), "utf8")).toBe("object body");
    expect(result.stdout).toContain("notes.txt exists already, so the test saves the object as notes-1.txt");
    expect(result.stdout).toContain("Downloaded s3://notes-bucket/docs/notes.txt to notes-1.txt");
  });

  it("standalone test-get still refuses to overwrite it", async () => {
    const result = await sandbox.run(["test-get", "docs/notes.txt", "--setup", "notes-bucket/StageRole"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("notes.txt already exists");
    expect(await readFile(join(sandbox.dir, "notes.txt"), "utf8")).toBe("MY PRECIOUS NOTES\n");
  });
});

describe("hints after an MFA refusal", () => {
  const mfaSetup = (extra: string[]) =>
    sandbox.run(setupArgs("mfa-bucket", ["--role-name", "MfaRole", "--temp-profile", "MfaCred", "--require-mfa", "--mfa-serial", deviceArn, ...extra]));

  it("setup without --token-code names the given --mfa-serial, not a placeholder", async () => {
    const result = await mfaSetup([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`xacct assume --setup mfa-bucket/MfaRole --write-profile --mfa-serial ${deviceArn} --token-code CODE`);
    expect(result.stdout).not.toContain("--mfa-serial ARN");
  });

  it("test-get on a role-style MFA profile names the setup and the device", async () => {
    const applied = await mfaSetup(["--token-code", "123456", "--profile-style", "role"]);
    expect(applied.code, applied.stderr).toBe(0);
    const result = await sandbox.run(["test-get", "docs/notes.txt", "out.txt", "--setup", "mfa-bucket/MfaRole"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("needs an MFA code");
    expect(result.stderr).toContain(`xacct assume --setup mfa-bucket/MfaRole --write-profile --mfa-serial ${deviceArn} --token-code CODE`);
  });
});
