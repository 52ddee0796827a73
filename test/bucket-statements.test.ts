/**
 * The pure rules for one setup's statements in a shared bucket policy, as tables: what setup
 * writes, what it refuses, and what teardown takes out.
 */
import { describe, expect, it } from "vitest";
import { buildBucketStatements, setupId } from "../src/plan.js";
import { bucketStatementSids, isXacctTrustStatement, type PolicyDocument, type PolicyStatement } from "../src/policy/index.js";
import { mergeSetupStatements, refuseUnsafeBucketMerge, removeSetupStatements, type BucketSetup } from "../src/resources/bucket-statements.js";

const BUCKET = "shared-data";
const staging = { partition: "aws" as const, stagingAccountId: "222222222222" };
function setupOf(roleName: string, mode: "role" | "resource-policy" = "role", more: string[] = []): BucketSetup {
  const answers = { mode, bucket: BUCKET, roleName, trust: {} };
  return {
    setupId: setupId(answers),
    partition: "aws",
    bucket: BUCKET,
    statements: buildBucketStatements(answers, { ...staging, moreStagingAccountIds: more }),
  };
}
const A = setupOf("RoleA");
const B = setupOf("RoleB", "role", ["444444444444"]);
const B_DIRECT = setupOf("RoleB", "resource-policy");
const legacy = (statement: PolicyStatement): PolicyStatement => ({ ...statement, Sid: statement.Sid!.replace(/[0-9a-f]{12}$/, "") });
const teamHome: PolicyStatement = {
  Sid: "TeamHome",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::444444444444:root" },
  Action: "s3:GetObject",
  Resource: `arn:aws:s3:::${BUCKET}/home/\${aws:username}/*`,
};
const doc = (statements: PolicyStatement[], Version = "2012-10-17"): PolicyDocument => ({ Version, Statement: statements });

describe("Sids of a setup", () => {
  it("differ between setups on one bucket, and stay alphanumeric", () => {
    expect(A.statements[0]!.Sid).not.toBe(B.statements[0]!.Sid);
    expect(A.statements[0]!.Sid).toMatch(/^XacctStagingLocateBucket[0-9a-f]{12}$/);
    expect(bucketStatementSids("b/r")).toEqual(bucketStatementSids("b/r"));
  });
});

describe("mergeSetupStatements", () => {
  const cases: { name: string; given: PolicyDocument | undefined; setup: BucketSetup; expected: PolicyDocument }[] = [
    { name: "a bucket without a policy gets one of 2012-10-17", given: undefined, setup: A, expected: doc([...A.statements]) },
    {
      name: "a 2008-10-17 policy keeps its Version and other statements",
      given: doc([teamHome], "2008-10-17"),
      setup: A,
      expected: doc([teamHome, ...A.statements], "2008-10-17"),
    },
    { name: "another setup's statement is left as it is", given: doc([...A.statements]), setup: B, expected: doc([...A.statements, ...B.statements]) },
    {
      name: "an older xacct's statement granting exactly this setup's grant is taken over",
      given: doc([teamHome, legacy(A.statements[0]!)]),
      setup: A,
      expected: doc([teamHome, ...A.statements]),
    },
    {
      name: "an older xacct's statement granting something else stays",
      given: doc([legacy(B.statements[0]!)]),
      setup: A,
      expected: doc([legacy(B.statements[0]!), ...A.statements]),
    },
    {
      name: "this setup's statement of the other mode is dropped, another setup's stays",
      given: doc([...setupOf("RoleA", "resource-policy").statements, ...B_DIRECT.statements]),
      setup: A,
      expected: doc([A.statements[0]!, ...B_DIRECT.statements]),
    },
  ];
  it.each(cases)("$name", ({ given, setup, expected }) => {
    refuseUnsafeBucketMerge(given, setup);
    expect(mergeSetupStatements(given, setup)).toEqual(expected);
  });
});

describe("refuseUnsafeBucketMerge", () => {
  const deny: PolicyStatement = { Sid: "XacctStagingLocateBucket", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${BUCKET}` };
  it.each([
    { name: "a Deny under the shared Sid", policy: doc([deny]) },
    { name: "a wider grant under this setup's own Sid", policy: doc([{ ...A.statements[0]!, Action: "s3:*" }]) },
    { name: "a grant of another bucket under a Sid of xacct's", policy: doc([{ ...A.statements[0]!, Resource: "arn:aws:s3:::elsewhere" }]) },
  ])("refuses $name", ({ policy }) => {
    expect(() => refuseUnsafeBucketMerge(policy, A)).toThrow(/was not written by xacct/);
  });
  it("refuses to write policy variables into a 2008-10-17 policy", () => {
    const withVariable = { ...A, statements: [{ ...A.statements[0]!, Resource: `arn:aws:s3:::${BUCKET}/\${aws:username}` }] };
    expect(() => refuseUnsafeBucketMerge(doc([teamHome], "2008-10-17"), withVariable)).toThrow(/policy language 2008-10-17/);
  });
});

describe("removeSetupStatements", () => {
  it("takes out only this setup's statements, and its older-xacct twin", () => {
    const policy = doc([teamHome, ...A.statements, ...B.statements]);
    expect(removeSetupStatements(policy, B)).toEqual({ after: doc([teamHome, ...A.statements]), removed: [B.statements[0]!.Sid], left: [...A.statements] });
    expect(removeSetupStatements(doc([legacy(A.statements[0]!)]), A)).toMatchObject({ after: undefined, removed: ["XacctStagingLocateBucket"] });
  });
  it("leaves an older xacct's statement that grants more than this setup, and a borrowed Sid", () => {
    const wider = legacy(B.statements[0]!);
    const borrowed: PolicyStatement = { ...A.statements[0]!, Effect: "Deny" };
    expect(removeSetupStatements(doc([wider, borrowed]), A)).toEqual({ after: doc([wider, borrowed]), removed: [], left: [wider, borrowed] });
  });
});

describe("isXacctTrustStatement", () => {
  const base: PolicyStatement = {
    Sid: "XacctTrustStagingAccount",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::222222222222:root" },
    Action: "sts:AssumeRole",
  };
  it.each([
    { name: "the plain statement", statement: base, expected: true },
    {
      name: "with xacct's conditions",
      statement: { ...base, Condition: { StringEquals: { "sts:ExternalId": "x" }, Bool: { "aws:MultiFactorAuthPresent": "true" } } },
      expected: true,
    },
    { name: "with source identity", statement: { ...base, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"] }, expected: true },
    { name: "a Deny", statement: { ...base, Effect: "Deny" as const }, expected: false },
    { name: "another action", statement: { ...base, Action: "sts:TagSession" }, expected: false },
    { name: "a foreign condition", statement: { ...base, Condition: { StringLike: { "aws:PrincipalArn": "*" } } }, expected: false },
    { name: "a service principal", statement: { ...base, Principal: { Service: "ec2.amazonaws.com" } }, expected: false },
  ])("$name: $expected", ({ statement, expected }) => {
    expect(isXacctTrustStatement(statement)).toBe(expected);
  });
});
