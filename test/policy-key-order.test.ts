/**
 * Policies compared as AWS sees them: the order of keys never matters, even for keys that a
 * locale's collation counts as equal (é written as one code point, and as e + a combining
 * accent: two different tag keys to IAM). localeCompare called them equal, so the sort kept the
 * order they came in and one document read in another key order looked changed.
 */
import { describe, expect, it } from "vitest";
import { sameDocument, type PolicyDocument, type PolicyStatement } from "../src/policy/index.js";
import { sameGrant } from "../src/policy/ownership.js";
import { byCodeUnits } from "../src/code-unit-order.js";

const composed = "aws:ResourceTag/caf\u00e9";
const decomposed = "aws:ResourceTag/cafe\u0301";

function statement(keys: string[]): PolicyStatement {
  return {
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::bucket/*",
    Condition: { StringEquals: Object.fromEntries(keys.map((key) => [key, key === composed ? "one" : "two"])) },
  } as PolicyStatement;
}
const documentOf = (s: PolicyStatement): PolicyDocument => ({ Version: "2012-10-17", Statement: [s] });

describe("policy comparison ignores key order", () => {
  it("for keys a collation counts as equal (é as one code point and as two)", () => {
    expect(composed.localeCompare(decomposed)).toBe(0); // why code units are used
    const one = statement([composed, decomposed]);
    const other = statement([decomposed, composed]);
    expect(sameDocument(documentOf(one), documentOf(other))).toBe(true);
    expect(sameGrant(one, other)).toBe(true);
  });

  it("and still tells apart documents whose values differ under those keys", () => {
    const one = statement([composed, decomposed]);
    const swapped = { ...one, Condition: { StringEquals: { [composed]: "two", [decomposed]: "one" } } } as PolicyStatement;
    expect(sameDocument(documentOf(one), documentOf(swapped))).toBe(false);
    expect(sameGrant(one, swapped)).toBe(false);
  });

  it("orders by code units: a total order", () => {
    expect(["b", "B", decomposed, composed, "a"].sort(byCodeUnits)).toEqual(["B", "a", "b", decomposed, composed].sort());
    expect(byCodeUnits(composed, decomposed)).not.toBe(0);
  });
});
