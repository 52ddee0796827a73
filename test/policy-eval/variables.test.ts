/**
 * Policy variables, from AWS's "IAM policy elements: Variables and tags" page: resolved in
 * Resource, NotResource and String/Arn condition values of 2012-10-17 documents; literal text in
 * older ones; a key with no value matches nothing (so StringNotEquals holds against it).
 */
import { describe, expect, it } from "vitest";
import type { PolicyDocument, PolicyStatement } from "../../src/policy/index.js";
import { evaluate, type ContextValue, type EvaluationRequest, type OpenContext } from "../../src/policy-eval/index.js";

const ACCOUNT = "123456789012";
const alice = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT };
const session = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ProductManager/pm-1`, accountId: ACCOUNT };

function getObject(resource: string, context: Record<string, ContextValue> = {}, principal = alice, open?: OpenContext): EvaluationRequest {
  return { principal, action: "s3:GetObject", resource, resourceAccountId: ACCOUNT, context, ...(open ? { open } : {}) };
}
/** `null`: a document without a Version element. */
const documentOf = (statements: PolicyStatement[], Version: string | null): PolicyDocument =>
  (Version === null ? { Statement: statements } : { Version, Statement: statements }) as PolicyDocument;
const allow = (extra: Partial<PolicyStatement>): PolicyStatement => ({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", ...extra });
const deny = (extra: Partial<PolicyStatement>): PolicyStatement => ({ Effect: "Deny", Action: "s3:GetObject", Resource: "*", ...extra });
const decide = (request: EvaluationRequest, statements: PolicyStatement[], version: string | null = "2012-10-17") =>
  evaluate(request, { identity: [{ label: "identity", document: documentOf(statements, version) }] }).decision;

describe("policy variables in Resource", () => {
  const home = allow({ Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*" });

  it("a home folder: ${aws:username} is the requester's user name", () => {
    const context = { "aws:username": "alice" };
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt", context), [home])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket/home/bob/notes.txt", context), [home])).toBe("ImplicitDeny");
  });

  it("a role session has no aws:username: the entry matches no resource", () => {
    const context = { "aws:userid": "AROAEXAMPLEID:pm-1" };
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket/home/pm-1/notes.txt", context, session), [home])).toBe("ImplicitDeny");
  });

  it("${aws:PrincipalTag/dept} is the principal's tag (the doc's AllowOnlyDeptS3Prefix)", () => {
    const byDept = allow({ Resource: "arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/dept}/*" });
    const context = { "aws:PrincipalTag/dept": "product" };
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket/product/plan.doc", context, session), [byDept])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket/finance/plan.doc", context, session), [byDept])).toBe("ImplicitDeny");
  });

  it("${aws:userid} and key names in any case", () => {
    const byId = allow({ Resource: "arn:aws:s3:::amzn-s3-demo-bucket/${AWS:UserID}/*" });
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket/AIDAEXAMPLE/x", { "aws:userid": "AIDAEXAMPLE" }), [byId])).toBe("Allow");
  });

  it("a default value stands in when the tag is missing (the doc's company-wide bucket)", () => {
    const team = allow({ Resource: "arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}/*" });
    const yellow = { "aws:PrincipalTag/team": "yellow" };
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket-yellow/a", yellow), [team])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket-company-wide/a", yellow), [team])).toBe("ImplicitDeny");
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket-company-wide/a"), [team])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::amzn-s3-demo-bucket-yellow/a"), [team])).toBe("ImplicitDeny");
  });

  it("'' in a default value is one quote", () => {
    const quoted = allow({ Resource: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'o''brien'}" });
    expect(decide(getObject("arn:aws:s3:::b/o'brien"), [quoted])).toBe("Allow");
  });

  it("${*}, ${?} and ${$} are those characters, not wildcards", () => {
    const star = allow({ Resource: "arn:aws:s3:::b/${*}${?}${$}" });
    expect(decide(getObject("arn:aws:s3:::b/*?$"), [star])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/xy$"), [star])).toBe("ImplicitDeny");
    expect(decide(getObject("arn:aws:s3:::b/*?"), [star])).toBe("ImplicitDeny");
  });

  it("a resolved value's * is only an asterisk: a tag cannot widen the grant", () => {
    const byDept = allow({ Resource: "arn:aws:s3:::b/${aws:PrincipalTag/dept}/*" });
    const context = { "aws:PrincipalTag/dept": "*" };
    expect(decide(getObject("arn:aws:s3:::b/finance/x", context), [byDept])).toBe("ImplicitDeny");
    expect(decide(getObject("arn:aws:s3:::b/*/x", context), [byDept])).toBe("Allow");
  });

  it("a multivalued key is no value", () => {
    const byTag = allow({ Resource: "arn:aws:s3:::b/${aws:TagKeys}/*" });
    expect(decide(getObject("arn:aws:s3:::b/a/x", { "aws:TagKeys": ["a"] }), [byTag])).toBe("ImplicitDeny");
  });

  it("a Deny on a home folder applies to its owner (it used to match nothing)", () => {
    const statements = [allow({}), deny({ Resource: "arn:aws:s3:::b/private/${aws:username}/*" })];
    expect(decide(getObject("arn:aws:s3:::b/private/alice/x", { "aws:username": "alice" }), statements)).toBe("ExplicitDeny");
    expect(decide(getObject("arn:aws:s3:::b/private/bob/x", { "aws:username": "alice" }), statements)).toBe("Allow");
  });

  it("NotResource resolves too", () => {
    const statements = [allow({}), deny({ Resource: undefined, NotResource: "arn:aws:s3:::b/home/${aws:username}/*" })];
    const context = { "aws:username": "alice" };
    expect(decide(getObject("arn:aws:s3:::b/home/alice/x", context), statements)).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/home/bob/x", context), statements)).toBe("ExplicitDeny");
  });
});

describe("policy variables in conditions", () => {
  it("StringEquals compares with the principal's tag (the doc's AllowUnlessOwnedBySomeoneElse)", () => {
    const owned = allow({ Condition: { StringEquals: { "s3:ExistingObjectTag/owner": "${aws:PrincipalTag/owner}" } } });
    const mine = { "aws:PrincipalTag/owner": "alice", "s3:ExistingObjectTag/owner": "alice" };
    const theirs = { "aws:PrincipalTag/owner": "alice", "s3:ExistingObjectTag/owner": "bob" };
    expect(decide(getObject("arn:aws:s3:::b/x", mine), [owned])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/x", theirs), [owned])).toBe("ImplicitDeny");
  });

  it("a tag that is not set: StringNotEquals holds, so the doc's Deny applies", () => {
    const statements = [allow({}), deny({ Condition: { StringNotEquals: { "s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}" } } })];
    expect(decide(getObject("arn:aws:s3:::b/x", { "s3:ExistingObjectTag/Team": "red" }), statements)).toBe("ExplicitDeny");
    const sameTeam = { "s3:ExistingObjectTag/Team": "red", "aws:PrincipalTag/Team": "red" };
    expect(decide(getObject("arn:aws:s3:::b/x", sameTeam), statements)).toBe("Allow");
  });

  it("a tag that is not set: StringEquals does not match", () => {
    const owned = allow({ Condition: { StringEquals: { "s3:ExistingObjectTag/owner": "${aws:PrincipalTag/owner}" } } });
    expect(decide(getObject("arn:aws:s3:::b/x", { "s3:ExistingObjectTag/owner": "${aws:PrincipalTag/owner}" }), [owned])).toBe("ImplicitDeny");
  });

  it("StringLike keeps the policy's own wildcards around a value", () => {
    const prefix = allow({ Condition: { StringLike: { "s3:prefix": "home/${aws:username}/*" } } });
    expect(decide(getObject("arn:aws:s3:::b/x", { "aws:username": "alice", "s3:prefix": "home/alice/docs" }), [prefix])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/x", { "aws:username": "alice", "s3:prefix": "home/bob/docs" }), [prefix])).toBe("ImplicitDeny");
  });

  it("ArnEquals with a variable", () => {
    const self = allow({ Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` } } });
    expect(decide(getObject("arn:aws:s3:::b/x", { "aws:username": "alice", "aws:PrincipalArn": alice.arn }), [self])).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/x", { "aws:username": "bob", "aws:PrincipalArn": alice.arn }), [self])).toBe("ImplicitDeny");
  });

  it("other operators take the value as written", () => {
    const numeric = allow({ Condition: { NumericEquals: { "s3:max-keys": "${aws:PrincipalTag/n}" } } });
    expect(decide(getObject("arn:aws:s3:::b/x", { "s3:max-keys": "10", "aws:PrincipalTag/n": "10" }), [numeric])).toBe("ImplicitDeny");
  });
});

describe("the policy language version", () => {
  const home = allow({ Resource: "arn:aws:s3:::b/home/${aws:username}/*" });
  const context = { "aws:username": "alice" };

  it("2008-10-17: ${aws:username} is literal text", () => {
    expect(decide(getObject("arn:aws:s3:::b/home/alice/x", context), [home], "2008-10-17")).toBe("ImplicitDeny");
    expect(decide(getObject("arn:aws:s3:::b/home/${aws:username}/x", context), [home], "2008-10-17")).toBe("Allow");
  });

  it("no Version: literal text too", () => {
    expect(decide(getObject("arn:aws:s3:::b/home/alice/x", context), [home], null)).toBe("ImplicitDeny");
  });

  it("2008-10-17 conditions: literal too", () => {
    const owned = allow({ Condition: { StringEquals: { "s3:ExistingObjectTag/owner": "${aws:PrincipalTag/owner}" } } });
    const literal = { "aws:PrincipalTag/owner": "alice", "s3:ExistingObjectTag/owner": "${aws:PrincipalTag/owner}" };
    expect(decide(getObject("arn:aws:s3:::b/x", literal), [owned], "2008-10-17")).toBe("Allow");
  });
});

describe("a variable the requester sets (an open request)", () => {
  const open: OpenContext = { absent: [] };
  const adverse: OpenContext = { absent: [], adverse: true };
  const denyTeam = [allow({}), deny({ Resource: "arn:aws:s3:::b/${aws:PrincipalTag/team}/*" })];
  const allowTeam = [allow({ Resource: "arn:aws:s3:::b/${aws:PrincipalTag/team}/*" })];

  it("does not make a Deny certain, nor an Allow impossible", () => {
    expect(decide(getObject("arn:aws:s3:::b/red/x", {}, alice, open), denyTeam)).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/red/x", {}, alice, open), allowTeam)).toBe("Allow");
  });

  it("goes against the requester when adverse", () => {
    expect(decide(getObject("arn:aws:s3:::b/red/x", {}, alice, adverse), denyTeam)).toBe("ExplicitDeny");
    expect(decide(getObject("arn:aws:s3:::b/red/x", {}, alice, adverse), allowTeam)).toBe("ImplicitDeny");
  });

  it("a key known to be absent is no value, even in an open request", () => {
    const known: OpenContext = { absent: ["aws:PrincipalTag/team"] };
    expect(decide(getObject("arn:aws:s3:::b/red/x", {}, alice, known), allowTeam)).toBe("ImplicitDeny");
  });

  it("in a condition it gives either answer", () => {
    const statements = [allow({}), deny({ Condition: { StringNotEquals: { "s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}" } } })];
    const context = { "s3:ExistingObjectTag/Team": "red" };
    expect(decide(getObject("arn:aws:s3:::b/x", context, alice, open), statements)).toBe("Allow");
    expect(decide(getObject("arn:aws:s3:::b/x", context, alice, adverse), statements)).toBe("ExplicitDeny");
  });
});
