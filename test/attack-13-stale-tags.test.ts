/**
 * xacct's tags outlive their setup when teardown keeps a bucket that holds objects: a later
 * setup on that bucket is refused, and the refusal must give a way out that can be followed
 * (tear down a setup xacct remembers, by name; remove the tags of one it does not).
 */
import { DeleteBucketTaggingCommand, GetBucketTaggingCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { refuseOtherOwners } from "../src/stages/changes.js";
import { clientsFor } from "./support/accounts.js";
import { nothingYet, planFor } from "./support/core-fixtures.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const KEPT_BUCKET = "kept-a13-tags";
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

describe("a bucket whose xacct tag outlived its setup", () => {
  it("kept by teardown (it holds an object), it is refused to another setup with a command that frees it", async () => {
    const made = await sandbox.run(setupArgs(KEPT_BUCKET, ["--role-name", "KeptRole", "--temp-profile", "KeptCred"]));
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    await prod().s3.send(new PutObjectCommand({ Bucket: KEPT_BUCKET, Key: "a.txt", Body: "data" }));
    const teardown = await sandbox.run(["teardown", "--setup", `${KEPT_BUCKET}/KeptRole`, "--yes"]);
    expect(teardown.code).toBe(0);
    expect(teardown.stdout).toContain(`Bucket ${KEPT_BUCKET} — left in place`);
    // xacct keeps remembering a setup whose bucket it left; forgotten here, as on another machine
    // or after the state file was deleted: the tag then outlives everything xacct remembers.
    await rm(sandbox.statePath);

    const refused = await sandbox.run(setupArgs(KEPT_BUCKET, ["--role-name", "NewRole", "--temp-profile", "NewCred"]));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`bucket ${KEPT_BUCKET} belongs to xacct setup ${KEPT_BUCKET}/KeptRole, which xacct does not remember`);
    expect(refused.stderr).not.toContain("tear the other setup down first");
    const command = `aws s3api delete-bucket-tagging --bucket ${KEPT_BUCKET} --profile prod`;
    expect(refused.stderr).toContain(command);

    // The tag kept is what lets teardown, given that setup's flags, still finish the job with --delete-objects.
    const finish = await sandbox.run([
      "teardown",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--bucket",
      KEPT_BUCKET,
      "--role-name",
      "KeptRole",
      "--temp-profile",
      "KeptCred",
      "--delete-objects",
      "--plan",
    ]);
    expect(finish.code).toBe(0);
    expect(finish.stdout).toMatch(new RegExp(`- delete bucket ${KEPT_BUCKET}.*--delete-objects`));

    // The hint, followed: the bucket is the user's own, and the new setup uses it.
    await prod().s3.send(new DeleteBucketTaggingCommand({ Bucket: KEPT_BUCKET }));
    expect((await sandbox.run(setupArgs(KEPT_BUCKET, ["--role-name", "NewRole", "--temp-profile", "NewCred"]))).code).toBe(0);
    await expect(prod().s3.send(new GetBucketTaggingCommand({ Bucket: KEPT_BUCKET }))).rejects.toThrow();
  });
});

describe("refuseOtherOwners: the hint follows from whether xacct remembers the owner", () => {
  const plan = planFor("role", { bucket: "b", roleName: "NewRole" });
  const tagged = [
    { Key: "team", Value: "data" },
    { Key: "managed-by", Value: "xacct" },
    { Key: "xacct:setup", Value: "b/OldRole" },
  ];
  const refusal = (remembered: string[]) => {
    const prodState = { ...nothingYet().prod, bucketExists: true, bucketTags: tagged };
    try {
      refuseOtherOwners(plan, prodState, undefined, remembered);
    } catch (error) {
      return error as { message: string; hint: string };
    }
    throw new Error("not refused");
  };

  it("a remembered owner: tear it down, by name", () => {
    const error = refusal(["b/OldRole"]);
    expect(error.message).toBe("Setup b/NewRole would take over what is not its own: bucket b belongs to xacct setup b/OldRole.");
    expect(error.hint).toContain("xacct teardown --setup b/OldRole");
  });

  it("an owner xacct does not remember: remove its tags, keeping the bucket's other tags", () => {
    const error = refusal([]);
    expect(error.message).toContain("b/OldRole, which xacct does not remember");
    expect(error.hint).toContain(`aws s3api put-bucket-tagging --bucket b --tagging '{"TagSet":[{"Key":"team","Value":"data"}]}' --profile prod`);
  });
});
