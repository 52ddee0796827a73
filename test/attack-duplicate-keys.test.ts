/**
 * Another team's keys written twice survive: JSON.parse keeps only the last of a key written
 * twice in one object, so a bucket policy whose statement holds two "Condition" blocks would be
 * written back without the first while the plan called it unchanged. xacct refuses the rewrite,
 * naming the statement (attack 15e, F5).
 */
import { GetRoleCommand, GetUserPolicyCommand, PutUserPolicyCommand, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetBucketPolicyCommand, HeadBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { duplicateKeyStatements } from "../src/policy/duplicate-keys.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const staging = () => clientsFor(sandbox.moto.endpoint, sandbox.staging);

const policy = (statements: string) => `{"Version":"2012-10-17","Statement":[${statements}]}`;
const twoConditions = (bucket: string) =>
  `{"Sid":"OtherTeam","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::${bucket}/*",` +
  `"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}},"Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}`;

describe("which statements write a key twice", () => {
  it.each([
    { name: "two Condition blocks", text: policy(twoConditions("b")), expected: ["statement OtherTeam"] },
    { name: "a key twice deep inside", text: policy('{"Sid":"A","Condition":{"StringEquals":{"k":"1","k":"2"}}}'), expected: ["statement A"] },
    { name: "the same key escaped otherwise", text: policy('{"Sid":"A","Effect":"Allow","\\u0045ffect":"Deny"}'), expected: ["statement A"] },
    { name: "no Sid: by position", text: policy('{"Sid":"A"},{"Effect":"Allow","Effect":"Deny"}'), expected: ["statement #2"] },
    { name: "two Statement lists", text: '{"Statement":[{"Sid":"A"}],"Statement":[{"Sid":"B"}]}', expected: ["the document"] },
    { name: "a single statement object", text: '{"Statement":{"Sid":"One","Action":"a","Action":"b"}}', expected: ["statement One"] },
    { name: "keys alike but not the same", text: policy('{"Sid":"A","Condition":{"StringEquals":{"k":"1","K":"2","k ":"3"}}}'), expected: [] },
    {
      name: "the same key in two objects",
      text: policy('{"Sid":"A","Condition":{"StringEquals":{"k":"1"},"StringLike":{"k":"2"}}},{"Sid":"B"}'),
      expected: [],
    },
    { name: "braces and quotes inside strings", text: policy('{"Sid":"A\\"}{","Resource":"arn:aws:s3:::b/{\\"Sid\\":1,\\"Sid\\":2}"}'), expected: [] },
  ])("$name", ({ text, expected }) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(duplicateKeyStatements(text)).toEqual(expected);
  });
});

describe("a bucket policy with a key written twice is not rewritten", () => {
  it("setup refuses to merge into it, naming the statement, and writes nothing to it", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "twice-bucket" }));
    const text = policy(twoConditions("twice-bucket"));
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "twice-bucket", Policy: text }));

    const result = await sandbox.run(setupArgs("twice-bucket", ["--role-name", "TwiceRole"]));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bucket policy of twice-bucket writes a key twice in one object, in statement OtherTeam");
    expect(result.stdout).not.toContain("(unchanged)");
    expect(result.calls.writes).toEqual([]);
    expect((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "twice-bucket" }))).Policy).toContain("10.0.0.0/8");
  });

  it("teardown leaves such a policy as it is, and says why", async () => {
    const setup = await sandbox.run(setupArgs("twice-later", ["--role-name", "TwiceLaterRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    const ours = (await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "twice-later" }))).Policy!;
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "twice-later", Policy: ours.replace(/\]\s*\}\s*$/, `,${twoConditions("twice-later")}]}`) }));

    const teardown = await sandbox.run(["teardown", "--yes"]);

    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toMatch(/= leave {2}bucket policy of twice-later {2}\(it writes a key twice in one object, in statement OtherTeam; [^()]*\)/);
    const after = (await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "twice-later" }))).Policy!;
    expect(after).toContain("10.0.0.0/8");
    expect(after).toContain("aws:PrincipalTag/team");
  });
});

describe("what a key written twice may hide is taken for someone else's (attack 15f)", () => {
  const otherTeam = '{"Sid":"OtherTeam","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}';

  it("teardown keeps a role whose trust writes Statement twice, the first list another team's", async () => {
    const setup = await sandbox.run(setupArgs("hidden-trust", ["--role-name", "HiddenTrustRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    const trust = JSON.parse(decodeURIComponent((await prod().iam.send(new GetRoleCommand({ RoleName: "HiddenTrustRole" }))).Role!.AssumeRolePolicyDocument!));
    const text = `{"Version":"2012-10-17","Statement":[${otherTeam}],"Statement":${JSON.stringify(trust.Statement)}}`;
    await prod().iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "HiddenTrustRole", PolicyDocument: text }));

    const teardown = await sandbox.run(["teardown", "--yes"]);

    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toMatch(/= leave {2}role HiddenTrustRole {2}\(its trust policy admits others too: the document \(a key written twice\)\)/);
    const after = decodeURIComponent((await prod().iam.send(new GetRoleCommand({ RoleName: "HiddenTrustRole" }))).Role!.AssumeRolePolicyDocument!);
    expect(after).toContain("OtherTeam");
  });

  it("teardown keeps a bucket whose policy writes Statement twice, the first list another team's", async () => {
    const setup = await sandbox.run(setupArgs("hidden-bucket", ["--role-name", "HiddenBucketRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    const ours = JSON.parse((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "hidden-bucket" }))).Policy!);
    const text = `{"Version":"2012-10-17","Statement":[${twoConditions("hidden-bucket").replace(',"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}', "")}],"Statement":${JSON.stringify(ours.Statement)}}`;
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "hidden-bucket", Policy: text }));

    const teardown = await sandbox.run(["teardown", "--yes"]);

    expect(teardown.code, teardown.stderr).toBe(0);
    expect(teardown.stdout).toMatch(
      /= leave {2}bucket hidden-bucket {2}\(its policy holds statements that are not this setup's: the document \(a key written twice\)\)/,
    );
    await prod().s3.send(new HeadBucketCommand({ Bucket: "hidden-bucket" }));
    expect((await prod().s3.send(new GetBucketPolicyCommand({ Bucket: "hidden-bucket" }))).Policy).toContain("OtherTeam");
  });

  it("teardown keeps the Staging user's inline policy when it writes Statement twice, the first list another team's", async () => {
    const setup = await sandbox.run(setupArgs("hidden-inline", ["--role-name", "HiddenInlineRole"]));
    expect(setup.code, setup.stderr).toBe(0);
    const name = { UserName: "StageAdmin", PolicyName: "xacct-assume-HiddenInlineRole" };
    const ours = JSON.parse(decodeURIComponent((await staging().iam.send(new GetUserPolicyCommand(name))).PolicyDocument!));
    const breakGlass = '{"Sid":"OpsBreakGlass","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/BreakGlass"}';
    const text = `{"Version":"2012-10-17","Statement":[${breakGlass}],"Statement":${JSON.stringify(ours.Statement)}}`;
    await staging().iam.send(new PutUserPolicyCommand({ ...name, PolicyDocument: text }));

    const teardown = await sandbox.run(["teardown", "--yes"]);

    expect(teardown.code, teardown.stderr).toBe(0);
    expect(decodeURIComponent((await staging().iam.send(new GetUserPolicyCommand(name))).PolicyDocument!)).toContain("OpsBreakGlass");
  });

  it("a policy nested thousands deep is one sentence, not a stack overflow", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "deep-bucket" }));
    const deep = `${"[".repeat(5000)}1${"]".repeat(5000)}`;
    const text = policy(
      `{"Sid":"Deep","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::deep-bucket/*","Condition":{"StringEquals":{"k":${deep}}}}`,
    );
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "deep-bucket", Policy: text }));

    const result = await sandbox.run(setupArgs("deep-bucket", ["--role-name", "DeepRole"]));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bucket policy of deep-bucket nests 5005 levels deep, which no policy does");
    expect(result.stderr).not.toMatch(/call stack|\n\s+at /);
    expect(result.calls.writes).toEqual([]);
  });
});
