/**
 * verify --live's write probe: when the write is wrongly accepted, verify deletes the probe
 * object again, and says so only when the delete worked. A refused delete is a fault moto
 * cannot produce: a proxy in front of it refuses DeleteObject.
 */
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { startFaultProxy } from "./support/fault-proxy.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "probe-bucket";
const keys = async () =>
  (await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents?.map((o) => o.Key) ?? [];

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
  await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "present.txt", Body: "x" }));
});

describe("verify --live's probe object", () => {
  it("a refused delete is said, with the command that deletes the probe by hand", async () => {
    const proxy = await startFaultProxy(sandbox.moto.endpoint);
    proxy.rule = (r) => (r.action === "DeleteObject" ? { status: 403, code: "AccessDenied", message: "Access Denied" } : undefined);
    const result = await sandbox.run(["--endpoint-url", proxy.endpoint, "verify", "--live", "--key", "present.txt"]);
    await proxy.close();
    // moto does not enforce the role's permissions, so the write goes through and is a finding.
    expect(result.stdout).toContain("✘ live: the role cannot write to the bucket");
    const probe = (await keys()).find((key) => key !== "present.txt");
    expect(probe).toMatch(/^xacct-verify-probe-\d+$/);
    expect(result.stdout).not.toContain("deleted again");
    expect(result.stdout).toContain(`PutObject of ${probe} was ACCEPTED, and deleting it failed (AccessDenied): the probe object is still in the bucket.`);
    expect(result.stdout).toContain(`aws s3 rm s3://${BUCKET}/${probe} --profile prod`);
    expect(result.code).toBe(1);
  });
});
