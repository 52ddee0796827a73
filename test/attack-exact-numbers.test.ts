/**
 * Another team's numbers survive: a policy holding a number JavaScript cannot hold exactly
 * (9007199254740993 reads as 9007199254740992) is never written back changed. xacct refuses the
 * rewrite, naming the statement, instead of claiming the statement is "unchanged".
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand, CreateBucketCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { inexactNumberStatements } from "../src/policy/exact-numbers.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);

const policy = (statements: string) => `{"Version":"2012-10-17","Statement":[${statements}]}`;
const bigNumber = (bucket: string) =>
  `{"Sid":"Quota","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::${bucket}/*","Condition":{"NumericGreaterThan":{"s3:max-keys":9007199254740993}}}`;

describe("which statements hold numbers JavaScript would change", () => {
  it.each([
    { name: "a big integer", text: policy(bigNumber("b")), expected: ["Quota"] },
    { name: "the largest safe integer", text: policy('{"Sid":"A","Effect":"Allow","Condition":{"NumericEquals":{"k":9007199254740991}}}'), expected: [] },
    { name: "ordinary decimals and exponents", text: policy('{"Sid":"A","Condition":{"N":{"k":[0.1,1.50,2e3,-7,0]}}}'), expected: [] },
    { name: "a decimal with too many digits", text: policy('{"Condition":{"N":{"k":0.10000000000000000555}}}'), expected: ["#1"] },
    { name: "digits inside strings", text: policy('{"Sid":"S","Resource":"arn:aws:s3:::b/90071992547409939999"}'), expected: [] },
    { name: "a single statement object", text: '{"Statement":{"Sid":"One","Condition":{"N":{"k":12345678901234567890}}}}', expected: ["One"] },
  ])("$name", ({ text, expected }) => {
    expect(inexactNumberStatements(text)).toEqual(expected);
  });
});

describe("a policy holding such a number is not rewritten", () => {
  it("setup refuses to merge into it, naming the statement, and writes nothing to it", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "quota-bucket" }));
    const text = policy(bigNumber("quota-bucket"));
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "quota-bucket", Policy: text }));

    const result = await sandbox.run(setupArgs("quota-bucket", ["--role-name", "QuotaRole"]));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bucket policy of quota-bucket holds a number too long to be rewritten exactly, in statement Quota");
    expect(result.stdout).not.toContain("(unchanged)");
    expect(result.calls.writes).toEqual([]);
    expect((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "quota-bucket" }))).Policy).toContain("9007199254740993");
  });

  it("teardown leaves such a policy (and so the bucket) as it is, and says why", async () => {
    const setup = await sandbox.run(setupArgs("later-bucket", ["--role-name", "LaterRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    const ours = (await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "later-bucket" }))).Policy!;
    const text = ours.replace(/\]\s*\}\s*$/, `,${bigNumber("later-bucket")}]}`);
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "later-bucket", Policy: text }));

    const teardown = await sandbox.run(["teardown", "--yes"]);

    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toMatch(
      /= leave {2}bucket policy of later-bucket {2}\(it holds a number too long to be rewritten exactly, in statement Quota; [^()]*\)/,
    );
    expect((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "later-bucket" }))).Policy).toContain("9007199254740993");
  });
});
