/**
 * What setup plans for an SSE-KMS bucket's keys, as a table: the keys and their key policies
 * in, the decrypt grants and key-policy statements out (or the refusal). Pure: no AWS.
 */
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { keyStatementSid, type KmsKey, type PolicyDocument } from "../src/policy/index.js";
import { planKms, type KmsPlanInput } from "../src/resources/key-policy.js";
import type { BucketKeyState } from "../src/resources/state.js";

const PROD = "111111111111";
const STAGING = "222222222222";
const ROLE = `arn:aws:iam::${PROD}:role/StageRole`;
const KEY: KmsKey = {
  arn: `arn:aws:kms:us-east-1:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  accountId: PROD,
  region: "us-east-1",
  manager: "CUSTOMER",
};
const SID = keyStatementSid("b/StageRole");

const policy = (...principals: string[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: principals.map((p, i) => ({ Sid: `S${i}`, Effect: "Allow", Principal: { AWS: p }, Action: "kms:*", Resource: "*" })),
});
const delegating = policy(`arn:aws:iam::${PROD}:root`);
const adminOnly = policy(`arn:aws:iam::${PROD}:user/key-admin`);
const withOurs = (mode: "role" | "resource-policy"): PolicyDocument => ({
  ...adminOnly,
  Statement: [
    ...adminOnly.Statement,
    {
      Sid: SID,
      Effect: "Allow",
      Principal: { AWS: mode === "role" ? ROLE : `arn:aws:iam::${STAGING}:root` },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
    },
  ],
});

function input(mode: "role" | "resource-policy"): KmsPlanInput {
  return {
    answers: { mode, bucket: "b", roleName: "StageRole", region: "us-east-1", stagingUser: "StageAdmin", stagingProfile: "staging", trust: {} },
    partition: "aws",
    productionAccountId: PROD,
    stagingAccountIds: [STAGING],
    roleArn: ROLE,
  };
}

const keyState = (key: KmsKey, keyPolicy: PolicyDocument | undefined): BucketKeyState => ({ key, keyPolicy, bucketKeyEnabled: false });

describe("planKms", () => {
  it.each([
    {
      name: "role mode, a key policy that lets IAM decide: decrypt only",
      mode: "role" as const,
      keys: [keyState(KEY, delegating)],
      decrypt: 1,
      admits: [] as string[],
    },
    {
      name: "role mode, a key policy naming only its admin: decrypt and a statement naming the role",
      mode: "role" as const,
      keys: [keyState(KEY, adminOnly)],
      decrypt: 1,
      admits: [ROLE],
    },
    {
      name: "role mode, xacct's statement already there: planned again (a rerun shows no change)",
      mode: "role" as const,
      keys: [keyState(KEY, withOurs("role"))],
      decrypt: 1,
      admits: [ROLE],
    },
    {
      name: "resource-policy mode, even a delegating key policy: the Staging account must be admitted",
      mode: "resource-policy" as const,
      keys: [keyState(KEY, delegating)],
      decrypt: 1,
      admits: [`arn:aws:iam::${STAGING}:root`],
    },
    {
      name: "resource-policy mode, xacct's statement already there",
      mode: "resource-policy" as const,
      keys: [keyState(KEY, withOurs("resource-policy"))],
      decrypt: 1,
      admits: [`arn:aws:iam::${STAGING}:root`],
    },
    {
      name: "role mode, the AWS managed aws/s3 key: nothing to grant",
      mode: "role" as const,
      keys: [keyState({ ...KEY, manager: "AWS" }, undefined)],
      decrypt: 0,
      admits: [],
    },
  ])("$name", ({ mode, keys, decrypt, admits }) => {
    const plan = planKms(input(mode), keys)!;
    expect(plan.decrypt).toHaveLength(decrypt);
    expect(plan.keyStatements.map((s) => s.statement.Principal)).toEqual(admits.map((a) => ({ AWS: a })));
    for (const s of plan.keyStatements) expect(s.statement.Sid).toBe(SID);
  });

  it("plans nothing for a bucket without KMS keys", () => {
    expect(planKms(input("role"), [])).toBeUndefined();
  });

  it.each([
    {
      name: "the AWS managed aws/s3 key in resource-policy mode",
      mode: "resource-policy" as const,
      key: { ...KEY, manager: "AWS" as const },
      message: /AWS managed key .*aws\/s3/,
    },
    {
      name: "a key of a third account",
      mode: "role" as const,
      key: { ...KEY, accountId: "333333333333", arn: KEY.arn.replace(PROD, "333333333333") },
      message: /belongs to a third account/,
    },
  ])("refuses $name as bad input (exit 2)", ({ mode, key, message }) => {
    const refusal = (() => {
      try {
        planKms(input(mode), [keyState(key, delegating)]);
      } catch (error) {
        return error;
      }
    })() as XacctError;
    expect(refusal).toBeInstanceOf(XacctError);
    expect(refusal.message).toMatch(message);
    expect(refusal.exitCode).toBe(2);
  });
});
