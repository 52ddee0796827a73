/**
 * Condition operators from AWS's "Condition operators" page: IP address operators (IPv4 and
 * IPv6 CIDR, aws:SourceIp examples), BinaryEquals (base-64), and an unknown operator, which the
 * evaluator refuses to guess.
 */
import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../src/policy/index.js";
import { evaluate, PolicyEvalError, type ContextValue } from "../../src/policy-eval/index.js";

const ACCOUNT = "123456789012";
const user = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT };

function decide(statements: PolicyStatement[], context: Record<string, ContextValue>) {
  const request = { principal: user, action: "s3:GetObject", resource: "arn:aws:s3:::b/x", resourceAccountId: ACCOUNT, context };
  return evaluate(request, { identity: [{ label: "identity", document: { Version: "2012-10-17", Statement: statements } }] }).decision;
}
const allowWhen = (Condition: PolicyStatement["Condition"]): PolicyStatement => ({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition });
const allowAll: PolicyStatement = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
const denyWhen = (Condition: PolicyStatement["Condition"]): PolicyStatement => ({ Effect: "Deny", Action: "s3:GetObject", Resource: "*", Condition });

describe("IpAddress and NotIpAddress", () => {
  const fromRange = allowWhen({ IpAddress: { "aws:SourceIp": "203.0.113.0/24" } });

  it("IpAddress: an address inside the CIDR block matches, one outside does not", () => {
    expect(decide([fromRange], { "aws:SourceIp": "203.0.113.42" })).toBe("Allow");
    expect(decide([fromRange], { "aws:SourceIp": "203.0.114.1" })).toBe("ImplicitDeny");
  });

  it("IpAddress without the key: no match", () => {
    expect(decide([fromRange], {})).toBe("ImplicitDeny");
  });

  it("a single address (no prefix) is a /32", () => {
    const one = allowWhen({ IpAddress: { "aws:SourceIp": "192.0.2.7" } });
    expect(decide([one], { "aws:SourceIp": "192.0.2.7" })).toBe("Allow");
    expect(decide([one], { "aws:SourceIp": "192.0.2.8" })).toBe("ImplicitDeny");
  });

  it("NotIpAddress in a Deny: the doc's 'deny unless from these ranges'", () => {
    const statements = [allowAll, denyWhen({ NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] } })];
    expect(decide(statements, { "aws:SourceIp": "192.0.2.10" })).toBe("Allow");
    expect(decide(statements, { "aws:SourceIp": "203.0.113.200" })).toBe("Allow");
    expect(decide(statements, { "aws:SourceIp": "198.51.100.1" })).toBe("ExplicitDeny");
  });

  it("IPv6 blocks beside IPv4 ones (the doc's mixed aws:SourceIp list)", () => {
    const both = allowWhen({ IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"] } });
    expect(decide([both], { "aws:SourceIp": "2001:db8:1234:5678:abcd::1" })).toBe("Allow");
    expect(decide([both], { "aws:SourceIp": "2001:db8:1234:5679::1" })).toBe("ImplicitDeny");
    expect(decide([both], { "aws:SourceIp": "203.0.113.5" })).toBe("Allow");
  });

  it("an IPv4 request never falls in an IPv6 block", () => {
    const v6 = allowWhen({ IpAddress: { "aws:SourceIp": "::/0" } });
    expect(decide([v6], { "aws:SourceIp": "203.0.113.5" })).toBe("ImplicitDeny");
  });

  it("NotIpAddress against a value that is not an address: does not hold", () => {
    const statements = [allowAll, denyWhen({ NotIpAddress: { "aws:SourceIp": "192.0.2.0/24" } })];
    expect(decide(statements, { "aws:SourceIp": "not-an-address" })).toBe("Allow");
  });

  it("IpAddressIfExists holds without the key", () => {
    const ifExists = allowWhen({ IpAddressIfExists: { "aws:SourceIp": "203.0.113.0/24" } });
    expect(decide([ifExists], {})).toBe("Allow");
  });
});

describe("BinaryEquals", () => {
  // "QmluYXJ5VmFsdWVJbkJhc2U2NA==" is the doc's example value (base-64 of "BinaryValueInBase64").
  const binary = allowWhen({ BinaryEquals: { key: "QmluYXJ5VmFsdWVJbkJhc2U2NA==" } });

  it("holds when the request's value is the same bytes", () => {
    expect(decide([binary], { key: "QmluYXJ5VmFsdWVJbkJhc2U2NA==" })).toBe("Allow");
  });

  it("fails for other bytes, a missing key, or text that is not base-64", () => {
    expect(decide([binary], { key: "b3RoZXI=" })).toBe("ImplicitDeny");
    expect(decide([binary], {})).toBe("ImplicitDeny");
    expect(decide([binary], { key: "not base64!" })).toBe("ImplicitDeny");
  });

  it("BinaryEqualsIfExists holds without the key", () => {
    expect(decide([allowWhen({ BinaryEqualsIfExists: { key: "QmluYXJ5VmFsdWVJbkJhc2U2NA==" } })], {})).toBe("Allow");
  });
});

describe("operators AWS does not have", () => {
  it("BinaryNotEquals and made-up names are refused, naming the statement", () => {
    for (const name of ["BinaryNotEquals", "StringMatchesRegex", "ForAnyValue:FakeOperator"]) {
      expect(() => decide([allowWhen({ [name]: { key: "x" } })], { key: "x" })).toThrow(PolicyEvalError);
      expect(() => decide([allowWhen({ [name]: { key: "x" } })], { key: "x" })).toThrow(/statement #0 of identity/);
    }
  });
});
