/**
 * Teardown of a setup whose own bucket still holds objects: the bucket stays (its objects are
 * the user's data), so xacct keeps remembering the setup and says how to finish; it never says
 * that xacct's resources are gone while that bucket remains.
 */
import { ListBucketsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const BUCKET = "kept-bucket-data";
const ID = `${BUCKET}/StageRole`;
const remembered = async (): Promise<string[]> => {
  const text = await readFile(sandbox.statePath, "utf8").catch(() => "{}");
  return Object.keys(JSON.parse(text).setups ?? {});
};
const buckets = async (): Promise<string[]> => ((await prod().s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);

describe("teardown of a setup whose bucket holds objects", () => {
  it("keeps the bucket and the setup remembered, and names the command that finishes", async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    await prod().s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "data.csv", Body: "a,b" }));

    const first = await sandbox.run(["teardown", "--yes"]);
    expect(first.code, first.stderr).toBe(0);
    expect(await buckets()).toContain(BUCKET);
    expect(await remembered()).toEqual([ID]);
    expect(first.stdout).toContain(`xacct teardown --setup ${ID} --delete-objects --yes`);
    expect(first.stdout).not.toContain("Teardown complete");

    // A second teardown does not claim that everything is gone
    const second = await sandbox.run(["teardown", "--yes"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain("already gone");
    expect(second.stdout).toContain(`Bucket ${BUCKET} remains`);

    // The command it names removes the bucket with its objects, and then xacct forgets the setup
    const last = await sandbox.run(["teardown", "--setup", ID, "--delete-objects", "--yes"]);
    expect(last.code, last.stderr).toBe(0);
    expect(await buckets()).not.toContain(BUCKET);
    expect(await remembered()).toEqual([]);
  });
});
