/**
 * A trust that admits an IAM Identity Center permission set: the Staging account as principal,
 * narrowed by ArnLike aws:PrincipalArn to that permission set's roles, on both paths Identity
 * Center uses (no region for an identity source in us-east-1, a region otherwise). Judged by
 * xacct's policy evaluator, as AWS would: nothing else of the account gets in.
 */
import { describe, expect, it } from "vitest";
import { buildAssumeRolePolicy, buildTrustPolicy, roleArn, ssoPermissionSetRolePatterns } from "../src/policy/index.js";
import { evaluate } from "../src/policy-eval/index.js";
import { checkPermissionSetName } from "../src/validate/index.js";
import { XacctError } from "../src/errors.js";

const PROD = "111111111111";
const STAGING = "222222222222";
const OTHER = "333333333333";
const ROLE_ARN = roleArn("aws", PROD, "StageRole");
const SUFFIX = "0123456789abcdef";
const reserved = (account: string, path: string, name: string) => `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${path}${name}`;

/** Whether a session of the role `principalArn` (in `account`) may assume StageRole under `trust`, given its own permission to. */
function admits(trust: ReturnType<typeof buildTrustPolicy>, account: string, principalArn: string): boolean {
  const roleName = principalArn.split("/").pop()!;
  const session = principalArn.includes(":role/") ? `arn:aws:sts::${account}:assumed-role/${roleName}/alice@example.com` : principalArn;
  const result = evaluate(
    {
      principal: { arn: session, accountId: account },
      action: "sts:AssumeRole",
      resource: ROLE_ARN,
      resourceAccountId: PROD,
      context: { "aws:PrincipalArn": principalArn, "aws:PrincipalAccount": account },
    },
    {
      identity: [{ label: "the permission set's policy", document: buildAssumeRolePolicy({ roleArn: ROLE_ARN }) }],
      resource: { label: "trust policy of role StageRole", document: trust },
    },
  );
  return result.decision === "Allow";
}

describe("--trust-sso-permission-set: the trust admits exactly that permission set's roles", () => {
  const trust = buildTrustPolicy({ partition: "aws", stagingAccountId: STAGING, ssoPermissionSets: ["Dev"] });

  it("names the Staging account and the two role paths in ArnLike aws:PrincipalArn", () => {
    expect(trust.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${STAGING}:root` },
      Action: "sts:AssumeRole",
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": [
            `arn:aws:iam::${STAGING}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_????????????????`,
            `arn:aws:iam::${STAGING}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Dev_????????????????`,
          ],
        },
      },
    });
  });

  it.each([
    ["the role without a region (identity source in us-east-1)", STAGING, reserved(STAGING, "", `AWSReservedSSO_Dev_${SUFFIX}`), true],
    ["the role with a region", STAGING, reserved(STAGING, "eu-west-2/", `AWSReservedSSO_Dev_${SUFFIX}`), true],
    ["permission set Dev_Admin (its name starts with Dev_)", STAGING, reserved(STAGING, "", `AWSReservedSSO_Dev_Admin_${SUFFIX}`), false],
    ["permission set Dev_Admin, with a region", STAGING, reserved(STAGING, "eu-west-2/", `AWSReservedSSO_Dev_Admin_${SUFFIX}`), false],
    ["permission set Foo_AWSReservedSSO_Dev", STAGING, reserved(STAGING, "", `AWSReservedSSO_Foo_AWSReservedSSO_Dev_${SUFFIX}`), false],
    ["permission set Devops", STAGING, reserved(STAGING, "", `AWSReservedSSO_Devops_${SUFFIX}`), false],
    ["a role named like it outside the reserved path", STAGING, `arn:aws:iam::${STAGING}:role/AWSReservedSSO_Dev_${SUFFIX}`, false],
    ["an IAM user of the Staging account", STAGING, `arn:aws:iam::${STAGING}:user/StageAdmin`, false],
    ["the same permission set's role in another account", OTHER, reserved(OTHER, "", `AWSReservedSSO_Dev_${SUFFIX}`), false],
  ])("%s: admitted %s", (_what, account, principalArn, expected) => {
    expect(admits(trust, account, principalArn)).toBe(expected);
  });

  it("named principals join the same condition, so they still get in, and nobody else does", () => {
    const both = buildTrustPolicy({
      partition: "aws",
      stagingAccountId: STAGING,
      ssoPermissionSets: ["Dev"],
      principals: [`arn:aws:iam::${STAGING}:user/StageAdmin`],
    });
    expect(admits(both, STAGING, `arn:aws:iam::${STAGING}:user/StageAdmin`)).toBe(true);
    expect(admits(both, STAGING, reserved(STAGING, "us-west-2/", `AWSReservedSSO_Dev_${SUFFIX}`))).toBe(true);
    expect(admits(both, STAGING, `arn:aws:iam::${STAGING}:user/Mallory`)).toBe(false);
  });

  it("the patterns follow the partition", () => {
    expect(ssoPermissionSetRolePatterns("aws-cn", STAGING, "Dev")[0]).toBe(
      `arn:aws-cn:iam::${STAGING}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_????????????????`,
    );
  });
});

describe("a permission set's name cannot widen the pattern", () => {
  it.each(["*", "Dev*", "De?", "", "a".repeat(33), "Dev/Admin", "Dev Admin"])("refuses %j", (name) => {
    expect(() => checkPermissionSetName(name)).toThrow(XacctError);
  });
  it.each(["Dev", "ReadOnlyAccess", "a".repeat(32), "x+=,.@_-"])("accepts %j", (name) => {
    expect(checkPermissionSetName(name)).toBe(name);
  });
});
