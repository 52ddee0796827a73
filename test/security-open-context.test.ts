/**
 * The evaluator's open context: "could any request of this principal get in?". Keys the caller
 * chooses neither stop an Allow nor make a Deny certain; aws:PrincipalArn and a Principal
 * naming a user or role fix only the account, unless the principal is exact. Pure table.
 */
import { describe, expect, it } from "vitest";
import { policyDocument, type PolicyStatement } from "../src/policy/index.js";
import { evaluate, type Decision, type EvaluationRequest } from "../src/policy-eval/index.js";
import { accountOutsiders, withoutNetwork, outsideAccount } from "../src/verify/outsiders.js";

const ROLE = "arn:aws:iam::111111111111:role/Legacy";
const OUTSIDER = "arn:aws:iam::999999999999:role/xacct-outsider";
const ANY_IDENTITY = { label: "identity", document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]) };

function assume(open: EvaluationRequest["open"], principal = { arn: OUTSIDER, accountId: "999999999999" }): EvaluationRequest {
  return {
    principal,
    action: "sts:AssumeRole",
    resource: ROLE,
    resourceAccountId: "111111111111",
    context: { "aws:PrincipalAccount": principal.accountId, "aws:PrincipalArn": principal.arn },
    ...(open ? { open } : {}),
  };
}

const allow = (extra: Partial<PolicyStatement>): PolicyStatement => ({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", ...extra });
const OPEN = { absent: [] };

const CASES: Array<{ name: string; statements: PolicyStatement[]; open: EvaluationRequest["open"]; expected: Decision }> = [
  {
    name: "a condition on a key the caller sends holds when it may",
    statements: [allow({ Condition: { Bool: { "aws:SecureTransport": "true" } } })],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "…but not for a caller that sent nothing (closed context)",
    statements: [allow({ Condition: { Bool: { "aws:SecureTransport": "true" } } })],
    open: undefined,
    expected: "ImplicitDeny",
  },
  {
    name: "an external ID is the caller's to send",
    statements: [allow({ Condition: { StringEquals: { "sts:ExternalId": "x" } } })],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "a key known to be missing fails a plain operator",
    statements: [allow({ Condition: { StringEquals: { "sts:ExternalId": "x" } } })],
    open: { absent: ["sts:ExternalId"] },
    expected: "ImplicitDeny",
  },
  {
    name: "aws:PrincipalAccount is a fact",
    statements: [allow({ Condition: { StringEquals: { "aws:PrincipalAccount": "222222222222" } } })],
    open: OPEN,
    expected: "ImplicitDeny",
  },
  {
    name: "StringNotEquals on the account admits every other account",
    statements: [allow({ Condition: { StringNotEquals: { "aws:PrincipalAccount": "222222222222" } } })],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "a PrincipalArn pattern with any account may match a name the caller picks",
    statements: [allow({ Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } } })],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "a PrincipalArn pattern fixed to another account cannot",
    statements: [allow({ Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/ci-*" } } })],
    open: OPEN,
    expected: "ImplicitDeny",
  },
  {
    name: "an exact principal is judged by its own ARN",
    statements: [allow({ Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } } })],
    open: { absent: [], exactPrincipal: true },
    expected: "ImplicitDeny",
  },
  {
    name: "a Principal naming a role of the caller's account may be the caller",
    statements: [allow({ Principal: { AWS: "arn:aws:iam::999999999999:role/deploy" } })],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "a Null condition on a tag the caller sets",
    statements: [allow({ Condition: { Null: { "aws:PrincipalTag/ci": "false" } } })],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "a Deny on a key the caller chooses is not relied on",
    statements: [allow({}), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    open: OPEN,
    expected: "Allow",
  },
  {
    name: "a Deny on a fact applies",
    statements: [
      allow({}),
      { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { StringNotEquals: { "aws:PrincipalAccount": "222222222222" } } },
    ],
    open: OPEN,
    expected: "ExplicitDeny",
  },
  {
    name: "a Deny unless the ARN is in another account applies to every name",
    statements: [
      allow({}),
      { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::222222222222:*" } } },
    ],
    open: OPEN,
    expected: "ExplicitDeny",
  },
];

describe("open context", () => {
  it.each(CASES)("$name", ({ statements, open, expected }) => {
    const result = evaluate(assume(open), { identity: [ANY_IDENTITY], resource: { label: "trust", document: policyDocument(statements) } });
    expect(result.decision).toBe(expected);
  });
});

describe("outsiders", () => {
  const target = { partition: "aws" as const, productionAccountId: "111111111111", stagingAccountIds: ["222222222222"] };
  const docs = (trust: PolicyStatement[]) => ({
    userPolicies: [],
    userExists: true,
    trust: { label: "trust", document: policyDocument(trust) },
    rolePolicies: [],
    bucketPolicy: undefined,
    publicAccessBlock: undefined,
    objectOwnership: undefined,
  });

  it("the outside account is one no document names", () => {
    expect(outsideAccount(new Set(["999999999999", "999999999998"]), target)).toBe("999999999997");
  });

  it("every third account a document names is probed, besides the unnamed one", () => {
    const probes = accountOutsiders(
      docs([
        allow({ Principal: { AWS: "arn:aws:iam::333333333333:root" } }),
        allow({ Condition: { StringEquals: { "aws:PrincipalAccount": "999999999999" } } }),
      ]),
      target,
    );
    expect(probes.map((p) => p.principal.accountId)).toEqual(["999999999998", "333333333333", "999999999999"]);
  });

  it("may connect through a VPC endpoint a statement names (a shared VPC), or from none: the network stays open", () => {
    const [outsider] = accountOutsiders(docs([]), target);
    const viaOurEndpoint = allow({ Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } });
    const request = { ...assume(outsider!.open, outsider!.principal), context: outsider!.context, open: outsider!.open };
    const trust = { identity: [ANY_IDENTITY], resource: { label: "trust", document: policyDocument([viaOurEndpoint]) } };
    expect(evaluate(request, trust).decision).toBe("Allow");
    expect(evaluate({ ...request, open: withoutNetwork(outsider!.open) }, trust).decision).toBe("ImplicitDeny");
  });

  it("with a trusted organization, outsiders are outside it (in none, or in another)", () => {
    const probes = accountOutsiders(docs([]), { ...target, orgId: "o-abcdef12345" });
    expect(probes.map((p) => p.context["aws:PrincipalOrgID"])).toEqual([undefined, "o-xxxxxxxxxx"]);
    expect(probes[0]!.open.absent).toContain("aws:PrincipalOrgID");
  });
});
