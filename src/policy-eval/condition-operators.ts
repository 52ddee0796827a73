/**
 * The base condition operators (without `ForAnyValue:`/`ForAllValues:` or `IfExists`).
 *
 * Each compares one policy value with one request value and answers undefined when the pair
 * cannot be compared (a number that is not a number, a non-ARN for an Arn operator): then the
 * operator fails whether it is negated or not, as AWS does not treat "not comparable" as
 * "not equal".
 */
import { compareArn } from "./arn-pattern.js";
import { compareIpAddress } from "./ip-address.js";
import { matchesEscapedWildcard, unescapeWildcards } from "./wildcard.js";

export type Comparison = (policyValue: string, requestValue: string) => boolean | undefined;

export interface BaseOperator {
  compare: Comparison;
  /**
   * Negated operators (StringNotEquals, ArnNotLike, …) hold when no policy value compares
   * true, and also when the key is missing from the request.
   */
  negated: boolean;
  /**
   * String and Arn operators take policy variables (policy-variables doc): their policy values
   * come to `compare` as escaped patterns (variables.ts). The others take values as written.
   */
  variables: boolean;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const EPOCH_SECONDS = /^-?\d+$/;

function parseNumber(text: string): number | undefined {
  return NUMBER.test(text.trim()) ? Number(text) : undefined;
}

/** Dates are ISO 8601 or epoch seconds, as the condition operator docs allow. */
function parseDate(text: string): number | undefined {
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : millis;
}

function numeric(test: (policy: number, request: number) => boolean): Comparison {
  return (policyValue, requestValue) => {
    const policy = parseNumber(policyValue);
    const request = parseNumber(requestValue);
    return policy === undefined || request === undefined ? undefined : test(policy, request);
  };
}

function date(test: (policy: number, request: number) => boolean): Comparison {
  return (policyValue, requestValue) => {
    const policy = parseDate(policyValue);
    const request = parseDate(requestValue);
    return policy === undefined || request === undefined ? undefined : test(policy, request);
  };
}

function parseBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

const compareBool: Comparison = (policyValue, requestValue) => {
  const policy = parseBool(policyValue);
  const request = parseBool(requestValue);
  return policy === undefined || request === undefined ? undefined : policy === request;
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** BinaryEquals: both sides are base-64 text; they hold the same bytes (however padded or spaced). */
const binaryEquals: Comparison = (policyValue, requestValue) => {
  const policy = policyValue.replace(/\s/g, "");
  const request = requestValue.replace(/\s/g, "");
  if (!BASE64.test(policy) || !BASE64.test(request)) return undefined;
  return Buffer.from(policy, "base64").equals(Buffer.from(request, "base64"));
};

const equals: Comparison = (policy, request) => unescapeWildcards(policy) === request;
const equalsIgnoringCase: Comparison = (policy, request) => unescapeWildcards(policy).toLowerCase() === request.toLowerCase();
const like: Comparison = (policy, request) => matchesEscapedWildcard(policy, request);
const arn: Comparison = (policy, request) => compareArn(policy, request, true);
const numericEquals = numeric((policy, request) => request === policy);
const dateEquals = date((policy, request) => request === policy);

const positive = (compare: Comparison): BaseOperator => ({ compare, negated: false, variables: false });
const negative = (compare: Comparison): BaseOperator => ({ compare, negated: true, variables: false });
const withVariables = (operator: BaseOperator): BaseOperator => ({ ...operator, variables: true });

/** Keyed by lower-case name: AWS does not care how an operator is capitalised. */
export const BASE_OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  ["stringequals", withVariables(positive(equals))],
  ["stringnotequals", withVariables(negative(equals))],
  ["stringequalsignorecase", withVariables(positive(equalsIgnoringCase))],
  ["stringnotequalsignorecase", withVariables(negative(equalsIgnoringCase))],
  ["stringlike", withVariables(positive(like))],
  ["stringnotlike", withVariables(negative(like))],
  // ArnEquals takes wildcards just like ArnLike (condition operator docs).
  ["arnequals", withVariables(positive(arn))],
  ["arnlike", withVariables(positive(arn))],
  ["arnnotequals", withVariables(negative(arn))],
  ["arnnotlike", withVariables(negative(arn))],
  ["bool", positive(compareBool)],
  ["binaryequals", positive(binaryEquals)],
  ["ipaddress", positive(compareIpAddress)],
  ["notipaddress", negative(compareIpAddress)],
  ["numericequals", positive(numericEquals)],
  ["numericnotequals", negative(numericEquals)],
  ["numericlessthan", positive(numeric((policy, request) => request < policy))],
  ["numericlessthanequals", positive(numeric((policy, request) => request <= policy))],
  ["numericgreaterthan", positive(numeric((policy, request) => request > policy))],
  ["numericgreaterthanequals", positive(numeric((policy, request) => request >= policy))],
  ["dateequals", positive(dateEquals)],
  ["datenotequals", negative(dateEquals)],
  ["datelessthan", positive(date((policy, request) => request < policy))],
  ["datelessthanequals", positive(date((policy, request) => request <= policy))],
  ["dategreaterthan", positive(date((policy, request) => request > policy))],
  ["dategreaterthanequals", positive(date((policy, request) => request >= policy))],
]);

/**
 * A policy value as `compare` takes it; `null` for a variable with no value, which nothing
 * equals or is like (so a negated operator holds against it); `true` for a value that compares
 * true whatever the request holds (a variable the requester sets, taken as matching).
 */
export type PolicyValue = string | null | true;

/** Whether one request value satisfies the operator against the policy's values (OR'ed). */
export function operatorHolds(operator: BaseOperator, policyValues: PolicyValue[], requestValue: string): boolean {
  const results = policyValues.map((policyValue) => (typeof policyValue === "string" ? operator.compare(policyValue, requestValue) : policyValue === true));
  return operator.negated ? results.every((result) => result === false) : results.some((result) => result === true);
}
