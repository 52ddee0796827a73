/**
 * verify and setup on an SSE-KMS bucket where the key itself stands in the way: a disabled or
 * pending-deletion key, a key that does not exist, an object under another key, a KMS grant
 * that admits the reader; and an --org-profile without credentials. The emulator keeps keys,
 * their state, grants and encryption (it enforces none): xacct's evaluator decides.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import {
  CancelKeyDeletionCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyPolicyCommand,
  PutKeyPolicyCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutBucketEncryptionCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { appendFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import type { Hop } from "../src/verify/hops.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "attack-kms-bucket";
let prod: AwsClients;
let keyArn = "";
/** The emulator's DisableKey, EnableKey and ScheduleKeyDeletion take the key ID, not its ARN. */
const keyIdOf = (arn: string) => arn.split("/").pop()!;
let keyPolicy = "";

interface Report {
  code: number;
  ok: boolean;
  exitCode: number;
  hops: Record<string, Hop>;
  ids: string[];
  stdout: string;
}

async function verify(extra: string[] = []): Promise<Report> {
  const run = await sandbox.run(["verify", "--json", ...extra]);
  const out = JSON.parse(run.stdout) as { ok: boolean; exitCode: number; hops: Hop[] };
  return {
    code: run.code,
    ok: out.ok,
    exitCode: out.exitCode,
    hops: Object.fromEntries(out.hops.map((h) => [h.id, h])),
    ids: out.hops.map((h) => h.id),
    stdout: run.stdout,
  };
}

async function encrypt(bucket: string, keyId: string): Promise<void> {
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyId } }] },
    }),
  );
}

beforeAll(async () => {
  prod = makeClients({ region: "us-east-1", endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  keyArn = (await prod.kms.send(new CreateKeyCommand({ Description: "reports" }))).KeyMetadata!.Arn!;
  keyPolicy = (await prod.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!;
  await prod.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await encrypt(BUCKET, keyArn);
  const setup = await sandbox.run(setupArgs(BUCKET));
  expect(setup.code, setup.stderr).toBe(0);
});

describe("the key's state", () => {
  it("the recipe holds: every hop ✔, exit 0, and --json's ok is true", async () => {
    const report = await verify();
    expect(Object.values(report.hops).filter((h) => h.ok !== true)).toEqual([]);
    expect({ code: report.code, ok: report.ok }).toEqual({ code: 0, ok: true });
  });

  it("a disabled key fails the decrypt hop, naming the state and the fix; --json's ok is false", async () => {
    await prod.kms.send(new DisableKeyCommand({ KeyId: keyIdOf(keyArn) }));
    try {
      const report = await verify();
      expect(report.hops["role-may-decrypt"]).toMatchObject({ ok: false });
      expect(report.hops["role-may-decrypt"]!.detail).toContain("Disabled");
      expect(report.hops["role-may-decrypt"]!.fix).toContain("enable-key");
      expect({ code: report.code, ok: report.ok, exitCode: report.exitCode }).toEqual({ code: 1, ok: false, exitCode: 1 });
    } finally {
      await prod.kms.send(new EnableKeyCommand({ KeyId: keyIdOf(keyArn) }));
    }
  });

  it("a key scheduled for deletion fails the decrypt hop, naming the state", async () => {
    await prod.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyIdOf(keyArn), PendingWindowInDays: 7 }));
    try {
      const report = await verify();
      expect(report.hops["role-may-decrypt"]).toMatchObject({ ok: false });
      expect(report.hops["role-may-decrypt"]!.detail).toContain("PendingDeletion");
      expect(report.hops["role-may-decrypt"]!.fix).toContain("cancel-key-deletion");
    } finally {
      await prod.kms.send(new CancelKeyDeletionCommand({ KeyId: keyIdOf(keyArn) }));
      await prod.kms.send(new EnableKeyCommand({ KeyId: keyIdOf(keyArn) }));
    }
  });

  it("setup refuses a bucket whose key is disabled, before any write", async () => {
    const other = (await prod.kms.send(new CreateKeyCommand({ Description: "off" }))).KeyMetadata!.Arn!;
    await prod.kms.send(new DisableKeyCommand({ KeyId: keyIdOf(other) }));
    await prod.s3.send(new CreateBucketCommand({ Bucket: "attack-kms-disabled" }));
    await encrypt("attack-kms-disabled", other);
    const run = await sandbox.run(
      setupArgs("attack-kms-disabled", ["--role-name", "NeverMade", "--temp-profile", "NeverMadeCred1", "--staging-user", "NeverUser"]),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Disabled");
    expect(run.stderr).toContain(other);
    await expect(prod.iam.send(new GetRoleCommand({ RoleName: "NeverMade" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
  });
});

describe("a key that cannot be found", () => {
  it("is a ✘ KMS hop naming it, and every other hop is still reported", async () => {
    await encrypt(BUCKET, "alias/prod-data-key-typo");
    try {
      const report = await verify();
      const kms = Object.values(report.hops).find((h) => h.ok === false && h.detail.includes("alias/prod-data-key-typo"));
      expect(kms?.id).toBe("role-may-decrypt");
      expect(kms!.detail).toContain("does not exist");
      expect(report.hops["role-may-read"]).toMatchObject({ ok: true });
      expect(report.hops["user-may-assume"]).toMatchObject({ ok: true });
      expect(report.code).toBe(1);
    } finally {
      await encrypt(BUCKET, keyArn);
    }
  });
});

describe("KMS grants", () => {
  it("a key policy that does not admit the role, while a grant gives it Decrypt: ? naming the grant, exit 3, ok false", async () => {
    const admins = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "OnlyAdmins", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${sandbox.prod.accountId}:role/KeyAdmin` }, Action: "kms:*", Resource: "*" },
      ],
    };
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(admins) }));
    const roleArn = `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
    const grant = await prod.kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: roleArn, Operations: ["Decrypt"] }));
    try {
      const report = await verify();
      expect(report.hops["key-policy-admits"]).toMatchObject({ ok: null });
      expect(report.hops["key-policy-admits"]!.detail).toContain(grant.GrantId!);
      expect({ code: report.code, ok: report.ok }).toEqual({ code: 3, ok: false });
    } finally {
      await prod.kms.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: grant.GrantId! }));
      await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: keyPolicy }));
    }
    // Without the grant the same key policy is a plain ✘.
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(admins) }));
    try {
      expect((await verify()).hops["key-policy-admits"]).toMatchObject({ ok: false });
    } finally {
      await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: keyPolicy }));
    }
  });
});

describe("--live --key: the object's own key", () => {
  it("judges the KMS hops on the key the object is encrypted with, and reads it with GetObject", async () => {
    const other = (await prod.kms.send(new CreateKeyCommand({ Description: "other" }))).KeyMetadata!.Arn!;
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "report.csv", Body: "a,b\n", ServerSideEncryption: "aws:kms", SSEKMSKeyId: other }));
    const report = await verify(["--live", "--key", "report.csv"]);
    // The role may decrypt with the bucket's key only (setup granted that one).
    expect(report.hops["role-may-decrypt"]).toMatchObject({ ok: false });
    expect(report.hops["role-may-decrypt"]!.title).toContain(other);
    expect(report.hops["live-read"]!.detail).toContain("GetObject");
    expect(report.code).toBe(1);
  });
});

describe("--org-profile without credentials", () => {
  it("one sentence and the fix, exit 2, stdout one JSON document, no stack trace", async () => {
    await appendFile(sandbox.configFile, "\n[profile empty]\nregion = us-east-1\n");
    const run = await sandbox.run(["verify", "--json", "--org-profile", "empty"]);
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout) as { ok: boolean; error: { message: string } };
    expect(out.ok).toBe(false);
    expect(out.error.message).toContain("empty");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
