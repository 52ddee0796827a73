/**
 * What setup, teardown and export do on SSE-KMS buckets, held against an attack on them: the
 * bucket's own KMS encryption is never replaced, no key-policy statement of xacct's is left
 * behind or kept silently, setups sharing a key each have their own statement, the grants reach
 * only the bucket, the Terraform export cannot wipe a key policy, a resource-policy teardown
 * leaves other setups' profiles, and a key outside Production is refused before any call.
 */
import { GetUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, GetBucketEncryptionCommand, PutBucketEncryptionCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeClients, type AwsClients } from "../src/aws/clients.js";
import { parsePolicyDocument, type PolicyDocument } from "../src/policy/index.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const REGION = "us-east-1";
let prod: AwsClients;
let staging: AwsClients;

beforeAll(() => {
  prod = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.prod.accessKey });
  staging = makeClients({ region: REGION, endpoint: sandbox.moto.endpoint, credentials: sandbox.staging.accessKey });
});

/** A key whose policy admits only a key administrator: every reader must be named in it. */
async function adminOnlyKey(): Promise<string> {
  const policy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "KeyAdmin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${sandbox.prod.accountId}:user/key-admin` }, Action: "kms:*", Resource: "*" },
    ],
  };
  return (await prod.kms.send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }))).KeyMetadata!.Arn!;
}

async function encrypt(bucket: string, keyArn: string, bucketKey = false): Promise<void> {
  await prod.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn }, BucketKeyEnabled: bucketKey }],
      },
    }),
  );
}

async function encryptedBucket(bucket: string, keyArn: string, bucketKey = false): Promise<void> {
  await prod.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await encrypt(bucket, keyArn, bucketKey);
}

async function keyPolicy(keyArn: string): Promise<PolicyDocument> {
  return parsePolicyDocument((await prod.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!);
}

const xacctSids = (policy: PolicyDocument) => policy.Statement.map((s) => s.Sid ?? "").filter((sid) => sid.startsWith("XacctKeyDecrypt"));
const withState = (name: string) => ({ env: { XACCT_STATE_FILE: join(sandbox.dir, `${name}.json`) } });

describe("--harden-bucket on a bucket encrypted with a customer managed key", () => {
  it("keeps the bucket's SSE-KMS default encryption, and the plan says what it changes", async () => {
    const BUCKET = "kms-harden";
    const keyArn = await adminOnlyKey();
    await encryptedBucket(BUCKET, keyArn, true);
    const result = await sandbox.run(setupArgs(BUCKET, ["--role-name", "HardenRole", "--harden-bucket"]), withState("harden"));
    expect(result.code, result.stderr).toBe(0);
    const rule = (await prod.s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET }))).ServerSideEncryptionConfiguration!.Rules![0]!;
    expect(rule.ApplyServerSideEncryptionByDefault).toMatchObject({ SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn });
    expect(rule.BucketKeyEnabled).toBe(true);
    expect(result.stdout).not.toContain("SSE-S3");
    expect(result.stdout).toMatch(/default encryption stays/);
  });
});

describe("keys a rerun no longer needs", () => {
  it("a rerun without --test-key takes this setup's statement out of the object's key, as a line of the plan", async () => {
    const BUCKET = "kms-orphan";
    const bucketKey = await adminOnlyKey();
    const objectKey = await adminOnlyKey();
    await encryptedBucket(BUCKET, bucketKey);
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "other.txt", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: objectKey }));
    const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy", "--role-name", "Orphan"]);
    const first = await sandbox.run([...ARGS, "--test-key", "other.txt"], withState("orphan"));
    expect(first.code, first.stderr).toBe(0);
    expect(xacctSids(await keyPolicy(objectKey))).toHaveLength(1);

    const plan = await sandbox.run([...ARGS, "--plan"], withState("orphan"));
    expect(plan.stdout).toContain(`- remove xacct's statement from the key policy of ${objectKey}`);
    const rerun = await sandbox.run(ARGS, withState("orphan"));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(xacctSids(await keyPolicy(objectKey))).toEqual([]);
    expect(xacctSids(await keyPolicy(bucketKey))).toHaveLength(1);
    const state = JSON.parse(await readFile(join(sandbox.dir, "orphan.json"), "utf8"));
    expect(state.setups[`${BUCKET}/Orphan`].kmsKeyArns).toEqual(expect.arrayContaining([bucketKey, objectKey]));
  });

  it("a rerun after the bucket's default key changed takes the statement out of the old key; teardown then of the new one", async () => {
    const BUCKET = "kms-switched";
    const oldKey = await adminOnlyKey();
    const newKey = await adminOnlyKey();
    await encryptedBucket(BUCKET, oldKey);
    const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy", "--role-name", "Switched"]);
    expect((await sandbox.run(ARGS, withState("switched"))).code).toBe(0);
    await encrypt(BUCKET, newKey);
    const rerun = await sandbox.run(ARGS, withState("switched"));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`- remove xacct's statement from the key policy of ${oldKey}`);
    expect(xacctSids(await keyPolicy(oldKey))).toEqual([]);
    const state = JSON.parse(await readFile(join(sandbox.dir, "switched.json"), "utf8"));
    expect(state.setups[`${BUCKET}/Switched`].kmsKeyArns).toEqual(expect.arrayContaining([oldKey, newKey]));
    const torn = await sandbox.run(["teardown", "--yes"], withState("switched"));
    expect(torn.code, torn.stderr).toBe(0);
    expect(xacctSids(await keyPolicy(newKey))).toEqual([]);
    const again = await sandbox.run(["teardown", "--plan"], withState("switched"));
    expect(again.stdout).not.toContain("XacctKeyDecrypt");
  });
});

describe("an edited xacct key-policy statement at teardown", () => {
  it("is listed as kept, with the reason, and counted", async () => {
    const BUCKET = "kms-edited";
    const keyArn = await adminOnlyKey();
    await encryptedBucket(BUCKET, keyArn);
    const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy", "--role-name", "Edited"]);
    expect((await sandbox.run(ARGS, withState("edited"))).code).toBe(0);
    const policy = await keyPolicy(keyArn);
    const ours = policy.Statement.find((s) => s.Sid?.startsWith("XacctKeyDecrypt"))!;
    ours.Condition = { ...ours.Condition, StringEquals: { ...(ours.Condition?.["StringEquals"] ?? {}), "kms:CallerAccount": sandbox.staging.accountId } };
    await prod.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(policy) }));

    const plan = await sandbox.run(["teardown", "--plan"], withState("edited"));
    expect(plan.stdout).toMatch(new RegExp(`= leave +xacct's statement in the key policy of ${keyArn}.*${ours.Sid} was edited`));
    const torn = await sandbox.run(["teardown", "--yes"], withState("edited"));
    expect(torn.stdout).toMatch(/3 resources left in place/);
    expect(xacctSids(await keyPolicy(keyArn))).toEqual([ours.Sid]);
  });
});

describe("two setups sharing one key", () => {
  it("each gets its own key-policy statement, so one teardown leaves the other's reads", async () => {
    const keyArn = await adminOnlyKey();
    await encryptedBucket("kms-shared-a", keyArn);
    await encryptedBucket("kms-shared-b", keyArn);
    expect((await sandbox.run(setupArgs("kms-shared-a", ["--mode", "resource-policy", "--role-name", "SharedA"]), withState("shared-a"))).code).toBe(0);
    const b = await sandbox.run(setupArgs("kms-shared-b", ["--mode", "resource-policy", "--role-name", "SharedB"]), withState("shared-b"));
    expect(b.code, b.stderr).toBe(0);
    expect(xacctSids(await keyPolicy(keyArn))).toHaveLength(2);
    expect((await sandbox.run(["teardown", "--yes"], withState("shared-a"))).code).toBe(0);
    const verify = await sandbox.run(["verify", "--mode", "resource-policy", "--json"], withState("shared-b"));
    const hops = (JSON.parse(verify.stdout) as { hops: { id: string; ok: boolean | null }[] }).hops;
    expect(hops.find((h) => h.id === "key-policy-admits")?.ok, verify.stdout).toBe(true);
  });
});

describe("grants narrowed to the bucket", () => {
  it("the reader's kms:Decrypt and the key-policy statement hold only for the bucket's objects (and the bucket with Bucket Keys), and verify holds", async () => {
    const BUCKET = "kms-narrow";
    const keyArn = await adminOnlyKey();
    await encryptedBucket(BUCKET, keyArn, true);
    const result = await sandbox.run(setupArgs(BUCKET, ["--mode", "resource-policy", "--role-name", "Narrow"]), withState("narrow"));
    expect(result.code, result.stderr).toBe(0);
    const context = { "kms:EncryptionContext:aws:s3:arn": [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] };
    const inline = parsePolicyDocument(
      (await staging.iam.send(new GetUserPolicyCommand({ UserName: "StageAdmin", PolicyName: `xacct-read-${BUCKET}` }))).PolicyDocument!,
    );
    expect(inline.Statement.find((s) => s.Sid === "XacctDecryptBucketKey")?.Condition?.["StringLike"]).toEqual(context);
    const statement = (await keyPolicy(keyArn)).Statement.find((s) => s.Sid?.startsWith("XacctKeyDecrypt"));
    expect(statement?.Condition?.["StringLike"]).toEqual(context);
    const verify = await sandbox.run(["verify", "--mode", "resource-policy", "--json"], withState("narrow"));
    const hops = (JSON.parse(verify.stdout) as { hops: { id: string; ok: boolean | null }[] }).hops;
    expect(
      hops.filter((h) => h.ok !== true),
      verify.stdout,
    ).toEqual([]);
  });
});

describe("Terraform export of an SSE-KMS setup", () => {
  it("leaves the key policy out (destroy would reset it) and tells the user to let setup merge it", async () => {
    const BUCKET = "kms-tf";
    const keyArn = await adminOnlyKey();
    await encryptedBucket(BUCKET, keyArn);
    const dir = await mkdtemp(join(tmpdir(), "xacct-kms-tf12-"));
    const result = await sandbox.run([
      "export",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--bucket",
      BUCKET,
      "--region",
      REGION,
      "--format",
      "terraform",
      "--out-dir",
      dir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const file = JSON.parse(await readFile(join(dir, "production.tf.json"), "utf8"));
    expect(file.resource.aws_kms_key_policy).toBeUndefined();
    expect(result.stdout + result.stderr).toContain(`The key policy of ${keyArn} needs xacct's statement`);
  });
});

describe("a resource-policy teardown and another setup's profile", () => {
  it("leaves the TempCred profile a role-mode setup wrote", async () => {
    await prod.s3.send(new CreateBucketCommand({ Bucket: "plain-role" }));
    await prod.s3.send(new CreateBucketCommand({ Bucket: "plain-direct" }));
    expect((await sandbox.run(setupArgs("plain-role", ["--role-name", "ProfileRole"]), withState("profile-role"))).code).toBe(0);
    const profiles = async () =>
      (await readFile(sandbox.env["AWS_CONFIG_FILE"]!, "utf8")) + (await readFile(sandbox.env["AWS_SHARED_CREDENTIALS_FILE"]!, "utf8"));
    expect(await profiles()).toContain("[profile TempCred]");
    expect((await sandbox.run(setupArgs("plain-direct", ["--mode", "resource-policy", "--role-name", "Direct"]), withState("profile-direct"))).code).toBe(0);
    const torn = await sandbox.run(["teardown", "--yes"], withState("profile-direct"));
    expect(torn.code, torn.stderr).toBe(0);
    expect(torn.stdout).not.toMatch(/Profile TempCred removed/);
    expect(await profiles()).toContain("[profile TempCred]");
  });
});

describe("a bucket encrypted with a key of a third account", () => {
  it("is refused in one sentence with the fix, exit 2, before any write", async () => {
    const BUCKET = "kms-third";
    await encryptedBucket(BUCKET, "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    const result = await sandbox.run(setupArgs(BUCKET, ["--mode", "resource-policy", "--role-name", "Third"]), withState("third"));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/belongs to a third account \(333333333333\)/);
    expect(result.stderr).not.toMatch(/NotFoundException|Failed looking up/);
    expect(result.calls.writes).toEqual([]);
  });
});

describe("messages around the KMS steps", () => {
  it("the plan says it adds a statement, and the undo of the key-policy step removes only that statement", async () => {
    const BUCKET = "kms-words";
    const keyArn = await adminOnlyKey();
    await encryptedBucket(BUCKET, keyArn);
    const ARGS = setupArgs(BUCKET, ["--mode", "resource-policy", "--role-name", "Words"]);
    const plan = await sandbox.run([...ARGS, "--plan"], withState("words"));
    expect(plan.stdout).toContain(`+ add    xacct's statement in the key policy of ${keyArn}`);
    const result = await sandbox.run([...ARGS, "--json"], withState("words"));
    expect(result.code, result.stderr).toBe(0);
    const applied = (JSON.parse(result.stdout) as { applied: { id: string; undo?: string }[] }).applied;
    expect(applied.find((s) => s.id === "key-policy")?.undo).toMatch(
      new RegExp(`^remove statement XacctKeyDecrypt[0-9a-f]{12} from the key policy of ${keyArn}, keeping every other`),
    );
    expect(applied.find((s) => s.id === "bucket-policy")?.undo).not.toMatch(/xacct teardown/);
  });
});

describe("a key policy naming a role created moments ago", () => {
  // KMS answers MalformedPolicyDocumentException until it sees a new principal; moto cannot, so a stub does.
  const malformed = () =>
    Object.assign(new Error("Policy contains a statement with one or more invalid principals."), {
      name: "MalformedPolicyDocumentException",
      $metadata: { httpStatusCode: 400 },
    });
  const stub = (failures: number) => {
    let calls = 0;
    const clients = {
      kms: {
        send: async () => {
          calls++;
          if (calls <= failures) throw malformed();
          return {};
        },
      },
    } as unknown as AwsClients;
    return { clients, calls: () => calls };
  };
  const policy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "A", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/New" }, Action: "kms:Decrypt", Resource: "*" }],
  };

  it("PutKeyPolicy is retried with growing waits until KMS accepts it", async () => {
    const { putKeyPolicy } = await import("../src/aws/kms.js");
    const waits: number[] = [];
    const { clients, calls } = stub(2);
    await putKeyPolicy(clients, "arn:aws:kms:us-east-1:111111111111:key/k", policy, "prod", {
      delaysMs: [10, 20, 40],
      sleep: async (ms) => void waits.push(ms),
    });
    expect(calls()).toBe(3);
    expect(waits).toEqual([10, 20]);
  });

  it("gives up after the bound, saying why and what to do", async () => {
    const { putKeyPolicy } = await import("../src/aws/kms.js");
    const { clients, calls } = stub(99);
    const attempt = putKeyPolicy(clients, "arn:aws:kms:us-east-1:111111111111:key/k", policy, "prod", { delaysMs: [10, 20], sleep: async () => {} });
    await expect(attempt).rejects.toThrow(/may not be visible to KMS yet/);
    expect(calls()).toBe(3);
  });
});

describe("messages when a step fails or pre-flight refuses", () => {
  it("a hint that already says to run the command again is not doubled", async () => {
    const { runSteps } = await import("../src/stages/steps.js");
    const { Output } = await import("../src/ui/output.js");
    const { XacctError } = await import("../src/errors.js");
    const { PassThrough } = await import("node:stream");
    const out = new Output({ stdout: new PassThrough(), stderr: new PassThrough() });
    const failing = {
      id: "key-policy",
      title: "Key policy",
      run: async () => {
        throw new XacctError("The key policy changed since the plan was shown.", {
          hint: "Run the same command again: the new plan starts from the key policy as it is now.",
        });
      },
    };
    const error = (await runSteps([failing], out).then(
      () => undefined,
      (e: unknown) => e,
    )) as InstanceType<typeof XacctError>;
    expect(error.hint?.match(/run the same command again/gi)).toHaveLength(1);
  });

  it("pre-flight inside setup does not tell the user to run setup", async () => {
    const { refusePlan } = await import("../src/verify/preflight.js");
    const hop = {
      id: "key-policy-admits" as const,
      title: "the key policy lets StageAdmin decrypt through S3",
      ok: false,
      detail: "Statement Late denies it.",
      fix: 'Remove or narrow statement "Late" in the key policy. Let StageAdmin decrypt with the key: run `xacct setup`, which adds its statement to the key policy.',
    };
    const error = refusePlan([hop as never]);
    expect(error.message).toContain('Fix: Remove or narrow statement "Late"');
    expect(error.message).not.toContain("run `xacct setup`");
  });

  it("the undo of an updated managed policy puts the earlier version back instead of deleting the policy", async () => {
    const BUCKET = "kms-later";
    await prod.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const ARGS = setupArgs(BUCKET, ["--role-name", "Later"]);
    expect((await sandbox.run(ARGS, withState("later"))).code).toBe(0);
    await encrypt(BUCKET, await adminOnlyKey());
    const rerun = await sandbox.run([...ARGS, "--json"], withState("later"));
    expect(rerun.code, rerun.stderr).toBe(0);
    const applied = (JSON.parse(rerun.stdout) as { applied: { id: string; status: string; undo?: string }[] }).applied;
    const managed = applied.find((s) => s.id === "managed-policy");
    expect(managed?.status).toBe("updated");
    expect(managed?.undo).toMatch(/aws iam set-default-policy-version --policy-arn \S+ --version-id v1/);
  });
});
