/**
 * Roles that require MFA are assumed with the Staging user's MFA session (GetSessionToken): the
 * request is the user's own (aws:PrincipalArn is the user's ARN, aws:PrincipalType User), with
 * aws:MultiFactorAuthPresent true. The trust setup writes for --require-mfa admits it; the user's
 * access keys alone are not admitted.
 */
import { describe, expect, it } from "vitest";
import { buildTrustPolicy, roleArn } from "../src/policy/index.js";
import { evaluate } from "../src/policy-eval/index.js";
import { userRequestContext } from "../src/verify/request-context.js";

const PRODUCTION = "111111111111";
const STAGING = "222222222222";
const ROLE = roleArn("aws", PRODUCTION, "StageRole");
const user = { arn: `arn:aws:iam::${STAGING}:user/StageAdmin`, accountId: STAGING };

function assumeRequest(mfa: boolean) {
  const { context } = userRequestContext(user, "us-east-1", PRODUCTION, mfa ? { "aws:MultiFactorAuthPresent": true } : {});
  return { principal: { arn: user.arn, accountId: STAGING }, action: "sts:AssumeRole", resource: ROLE, resourceAccountId: PRODUCTION, context };
}

const CASES = [
  { name: "an MFA session (GetSessionToken) of the Staging user", mfa: true, principals: undefined, expected: "Allow" },
  { name: "the same, when the trust names the user", mfa: true, principals: [user.arn], expected: "Allow" },
  { name: "the user's access keys alone", mfa: false, principals: undefined, expected: "ImplicitDeny" },
] as const;

describe("a trust with Bool aws:MultiFactorAuthPresent true", () => {
  it.each(CASES)("$name: $expected", ({ mfa, principals, expected }) => {
    const trust = buildTrustPolicy({ partition: "aws", stagingAccountId: STAGING, requireMfa: true, ...(principals ? { principals: [...principals] } : {}) });
    const identity = {
      label: "identity",
      document: { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Action: "sts:AssumeRole", Resource: ROLE }] },
    };
    const result = evaluate(assumeRequest(mfa), { identity: [identity], resource: { label: "trust", document: trust } });
    expect(result.decision).toBe(expected);
  });
});
