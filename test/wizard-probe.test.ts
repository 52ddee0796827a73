/**
 * A bucket setup has just created is empty: the wizard offers a probe object instead of asking
 * for a key (uploaded as the Production admin, read by Staging, deleted), and says so plainly
 * when the delete fails.
 */
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { probeAccess } from "../src/stages/probe-object.js";
import { Output } from "../src/ui/output.js";
import { clientsFor } from "./support/accounts.js";
import { runInProcess, useSandbox } from "./support/sandbox.js";
import { answer } from "./support/wizard-screen.js";

const sandbox = useSandbox();

describe("the probe object for a new bucket", () => {
  it("resource-policy mode: the Staging profile downloads the probe directly, and it is deleted", async () => {
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
        "resource-policy",
        "--bucket",
        "probe-bucket",
      ],
      process.env,
      true,
    );
    await answer("Staging user who will read the bucket");
    await answer("Apply this plan?", "y");
    const offered = await answer("is new and empty. Test access with a probe object");
    expect(offered).toContain("(Y/n)");
    const result = await run;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("Key of an object to download");
    expect(result.stdout).toContain("Downloaded it through staging");
    expect(result.stdout).toContain("Deleted the probe object");
    const left = await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new ListObjectsV2Command({ Bucket: "probe-bucket" }));
    expect(left.KeyCount ?? 0).toBe(0);
  });

  it("a probe that could not be deleted is reported with the command to delete it", async () => {
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new CreateBucketCommand({ Bucket: "undeletable-probe" }));
    // moto deletes whatever it is asked to: the refusal is injected on the owner's DeleteObject only.
    const owner = new Proxy(prod.s3, {
      get(target, name, receiver) {
        if (name !== "send") return Reflect.get(target, name, receiver);
        return (command: { constructor: { name: string } }) => {
          if (command.constructor.name === "DeleteObjectCommand")
            return Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
          return target.send(command as never);
        };
      },
    }) as S3Client;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const text = { out: "", err: "" };
    stdout.on("data", (c: Buffer) => (text.out += c.toString()));
    stderr.on("data", (c: Buffer) => (text.err += c.toString()));
    const out = new Output({ stdout, stderr });
    await probeAccess(
      { bucket: "undeletable-probe", owner, ownerProfile: "prod", reader: prod.s3, readerLabel: "role StageRole" },
      (run) => run(),
      out,
      "xacct-probe-test.txt",
    );
    expect(text.out).toContain("Downloaded it through role StageRole");
    expect(text.out).not.toContain("Deleted the probe object");
    expect(text.err).toContain("! The probe object s3://undeletable-probe/xacct-probe-test.txt was NOT deleted");
    expect(text.err).toContain("aws s3 rm s3://undeletable-probe/xacct-probe-test.txt --profile prod");
  });
});
