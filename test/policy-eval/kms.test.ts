/**
 * KMS key policies, from AWS's "Key policies in AWS KMS" page: a key policy must allow the
 * principal, or name its account (the default key policy's "Enable IAM User Permissions"),
 * which delegates to IAM policies; even in the same account. Across accounts both sides must.
 */
import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../src/policy/index.js";
import { evaluate, type EvaluationRequest, type LabeledPolicy } from "../../src/policy-eval/index.js";

const ACCOUNT = "111122223333";
const EXTERNAL = "444455556666";
const KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const user = { arn: `arn:aws:iam::${ACCOUNT}:user/ExampleUser`, accountId: ACCOUNT };
const role = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ExampleRole/s1`, accountId: ACCOUNT };
const external = { arn: `arn:aws:iam::${EXTERNAL}:user/ExternalUser`, accountId: EXTERNAL };

const doc = (label: string, ...statements: PolicyStatement[]): LabeledPolicy => ({ label, document: { Version: "2012-10-17", Statement: statements } });
const decrypt = (principal: EvaluationRequest["principal"]): EvaluationRequest => ({
  principal,
  action: "kms:Decrypt",
  resource: KEY,
  resourceAccountId: ACCOUNT,
  context: {},
});
const iamDecrypt = doc("IAM policy", { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY });

const enableIamPermissions = doc("key policy", {
  Sid: "Enable IAM User Permissions",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: "kms:*",
  Resource: "*",
});
const roleOnly = doc("key policy", {
  Sid: "Allow use of the key",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ExampleRole` },
  Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
  Resource: "*",
});

describe("KMS key policies", () => {
  it("the default key policy delegates to IAM: an IAM policy allowing kms:Decrypt is enough", () => {
    expect(evaluate(decrypt(user), { identity: [iamDecrypt], resource: enableIamPermissions }).decision).toBe("Allow");
  });

  it("the default key policy alone grants nobody: the IAM policy must allow too", () => {
    expect(evaluate(decrypt(user), { identity: [], resource: enableIamPermissions }).decision).toBe("ImplicitDeny");
  });

  it("a key policy that names neither the user nor its account: an IAM policy does not help, even in the same account", () => {
    const result = evaluate(decrypt(user), { identity: [iamDecrypt], resource: roleOnly });
    expect(result.decision).toBe("ImplicitDeny");
    expect(result.reason).toContain("key policy");
  });

  it("a key policy naming the role allows its sessions without an IAM policy", () => {
    expect(evaluate(decrypt(role), { identity: [], resource: roleOnly }).decision).toBe("Allow");
  });

  it("no key policy given: nothing is allowed", () => {
    expect(evaluate(decrypt(user), { identity: [iamDecrypt] }).decision).toBe("ImplicitDeny");
  });

  it("another account: the key policy names it, and its IAM policy must allow", () => {
    const sharing = doc("key policy", {
      Sid: "Allow an external account to use this KMS key",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${EXTERNAL}:root` },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
    });
    expect(evaluate(decrypt(external), { identity: [iamDecrypt], resource: sharing }).decision).toBe("Allow");
    expect(evaluate(decrypt(external), { identity: [], resource: sharing }).decision).toBe("ImplicitDeny");
    expect(evaluate(decrypt(external), { identity: [iamDecrypt], resource: enableIamPermissions }).decision).toBe("ImplicitDeny");
  });

  it("kms:ViaService limits the grant to requests through S3", () => {
    const viaS3 = doc("IAM policy", {
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } },
    });
    const through = { ...decrypt(user), context: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } };
    expect(evaluate(through, { identity: [viaS3], resource: enableIamPermissions }).decision).toBe("Allow");
    expect(evaluate(decrypt(user), { identity: [viaS3], resource: enableIamPermissions }).decision).toBe("ImplicitDeny");
  });

  it("actions that are not on a key (kms:ListKeys on *) need only an IAM policy", () => {
    const list = { ...decrypt(user), action: "kms:ListKeys", resource: "*" };
    expect(evaluate(list, { identity: [doc("IAM policy", { Effect: "Allow", Action: "kms:ListKeys", Resource: "*" })] }).decision).toBe("Allow");
  });
});
