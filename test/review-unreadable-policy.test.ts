/**
 * A policy xacct reads that is not a policy document (S3 stores whatever text it is given by
 * some tools, an emulator, a hand edit gone wrong) is the user's to fix: one sentence naming
 * it and a hint, never "Unexpected failure ... a bug in xacct".
 */
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { parsePolicyDocument } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

describe("parsePolicyDocument", () => {
  it.each([
    { name: "text that is not JSON", text: "allow everyone please" },
    { name: "JSON without statements", text: '{"Version":"2012-10-17"}' },
    { name: "a broken URL encoding, as IAM sends documents", text: "%7B%ZZ" },
  ])("refuses $name with a sentence naming the document and a hint", ({ text }) => {
    let thrown: unknown;
    try {
      parsePolicyDocument(text, "bucket policy of some-bucket");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(XacctError);
    expect((thrown as XacctError).message).toMatch(/^The bucket policy of some-bucket is not a policy document/);
    expect((thrown as XacctError).hint).toBeTruthy();
  });
});

describe("a bucket whose policy is not a policy document", () => {
  const sandbox = useSandbox();
  const BUCKET = "garbled-policy-bucket";

  beforeAll(async () => {
    expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
    await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: "not a policy" }));
  });

  it.each([["verify"], ["teardown", "--plan"], ["setup"]])("xacct %s names the bucket policy, not a bug in xacct", async (...command) => {
    const args = command[0] === "setup" ? setupArgs(BUCKET) : command;
    const result = await sandbox.run(args);
    expect(result.stderr).not.toContain("bug in xacct");
    expect(result.stderr).toContain(`The bucket policy of ${BUCKET} is not a policy document`);
    expect(result.code).toBe(1);
  });
});
