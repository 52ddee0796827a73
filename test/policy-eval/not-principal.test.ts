/**
 * NotPrincipal in bucket policies. AWS's NotPrincipal docs: with Allow it "allows all principals
 * except the one named"; with Deny, the account ARN must be listed too, or the whole account
 * may be denied. Allow and Deny are handled differently.
 */
import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../src/policy/index.js";
import { evaluate, type EvaluationRequest, type PolicySet } from "../../src/policy-eval/index.js";

const ACCOUNT = "123456789012";
const OTHER = "444455556666";
const OBJECT = "arn:aws:s3:::mybucket/o";
const testUser = { arn: `arn:aws:iam::${ACCOUNT}:user/test-user`, accountId: ACCOUNT };
const otherUser = { arn: `arn:aws:iam::${ACCOUNT}:user/other-user`, accountId: ACCOUNT };
const foreignUser = { arn: `arn:aws:iam::${OTHER}:user/test-user`, accountId: OTHER };
const session = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`, accountId: ACCOUNT };

const getObject = (principal: EvaluationRequest["principal"]): EvaluationRequest => ({
  principal,
  action: "s3:GetObject",
  resource: OBJECT,
  resourceAccountId: ACCOUNT,
  context: {},
});
const bucket = (statement: Partial<PolicyStatement>): PolicySet["resource"] => ({
  label: "bucket policy",
  document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: OBJECT, ...statement }] },
});
const allowGetIdentity = {
  label: "identity",
  document: { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Action: "s3:GetObject", Resource: "*" }] },
};

describe("NotPrincipal with Allow: every principal except the one named", () => {
  const allowAllBut = (arn: string) => bucket({ NotPrincipal: { AWS: arn } });

  it("does not grant the very user it names (the issue's example: same account, no identity policy)", () => {
    const result = evaluate(getObject(testUser), { identity: [], resource: allowAllBut(testUser.arn) });
    expect(result.decision).toBe("ImplicitDeny");
  });

  it("does not grant the named user across accounts even when its identity policy allows", () => {
    const resource = allowAllBut(foreignUser.arn);
    const result = evaluate({ ...getObject(foreignUser) }, { identity: [allowGetIdentity], resource });
    expect(result.decision).toBe("ImplicitDeny");
  });

  it("does not grant the sessions of a role it names", () => {
    const result = evaluate(getObject(session), { identity: [], resource: allowAllBut(`arn:aws:iam::${ACCOUNT}:role/app`) });
    expect(result.decision).toBe("ImplicitDeny");
  });

  it("does not grant the principals of an account it names", () => {
    const result = evaluate(getObject(testUser), { identity: [], resource: allowAllBut(`arn:aws:iam::${ACCOUNT}:root`) });
    expect(result.decision).toBe("ImplicitDeny");
  });

  it("still grants everyone else, directly (no identity policy needed in the same account)", () => {
    const result = evaluate(getObject(otherUser), { identity: [], resource: allowAllBut(testUser.arn) });
    expect(result.decision).toBe("Allow");
    expect(result.deciding).toEqual([{ policy: "bucket policy", statementIndex: 0, effect: "Allow" }]);
  });

  it("grants another account's user when its identity policy allows too", () => {
    const result = evaluate(getObject(foreignUser), { identity: [allowGetIdentity], resource: allowAllBut(testUser.arn) });
    expect(result.decision).toBe("Allow");
  });
});

describe("NotPrincipal with Deny: AWS's documented examples keep their meaning", () => {
  const denyAllBut = (...arns: string[]) => ({
    label: "bucket policy",
    document: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow" as const, Principal: "*" as const, Action: "s3:GetObject", Resource: OBJECT },
        { Effect: "Deny" as const, NotPrincipal: { AWS: arns }, Action: "s3:GetObject", Resource: OBJECT },
      ],
    },
  });

  it("the session of a role listed with its account and session ARN is not denied", () => {
    const resource = denyAllBut(`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:role/app`, session.arn);
    expect(evaluate(getObject(session), { identity: [], resource }).decision).toBe("Allow");
  });

  it("a user listed with its account is not denied; anyone else is", () => {
    const resource = denyAllBut(`arn:aws:iam::${ACCOUNT}:root`, testUser.arn);
    expect(evaluate(getObject(testUser), { identity: [], resource }).decision).toBe("Allow");
    expect(evaluate(getObject(otherUser), { identity: [], resource }).decision).toBe("ExplicitDeny");
  });

  it("without the account ARN the Deny applies to the named user too", () => {
    const resource = denyAllBut(testUser.arn);
    expect(evaluate(getObject(testUser), { identity: [], resource }).decision).toBe("ExplicitDeny");
  });
});
