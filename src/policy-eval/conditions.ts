/**
 * A statement's Condition block: every operator and every key in it must hold (AND); the
 * values listed for one key are alternatives (OR). Follows the IAM condition docs:
 *
 * - Missing key: a plain operator fails; an `…IfExists` or negated operator holds;
 *   `ForAllValues:` holds; `ForAnyValue:` fails unless it ends in `IfExists`.
 * - A multivalued request key (an array) needs a set operator; a plain operator fails on it.
 * - `Null: true` holds when the key is missing, `Null: false` when it is present.
 * - String and Arn values may hold policy variables (variables.ts); one with no value equals
 *   nothing, so StringNotEquals holds against it (the policy-variables doc's example).
 * - An operator AWS does not document: PolicyEvalError, never a guess.
 */
import type { ConditionValue, PolicyStatement } from "../policy/documents.js";
import { PolicyEvalError } from "./errors.js";
import { BASE_OPERATORS, operatorHolds, type BaseOperator, type PolicyValue } from "./condition-operators.js";
import { isOpenKey, lookUp, type ContextSource } from "./request-context.js";
import { substitute } from "./variables.js";

type ConditionBlock = NonNullable<PolicyStatement["Condition"]>;
type SetOperator = "ForAnyValue" | "ForAllValues";

interface ParsedOperator {
  name: string;
  setOperator: SetOperator | undefined;
  ifExists: boolean;
  /** undefined for Null, which looks at presence only. */
  base: BaseOperator | undefined;
}

/** String and Arn operators: the ones that compare a name with patterns. */
const TEXT_OPERATOR = /^(?:For(?:Any|All)Values:)?(?:String|Arn)/i;
const OPERATOR_NAME = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/i;

export function parseOperator(name: string): ParsedOperator {
  const [, set, baseName = "", ifExists] = OPERATOR_NAME.exec(name) ?? [];
  const setOperator = set === undefined ? undefined : set.toLowerCase() === "foranyvalue" ? "ForAnyValue" : "ForAllValues";
  const parsed = { name, setOperator, ifExists: ifExists !== undefined } as const;
  if (baseName.toLowerCase() === "null") return { ...parsed, base: undefined };
  const base = BASE_OPERATORS.get(baseName.toLowerCase());
  if (base === undefined) {
    throw new PolicyEvalError(`xacct cannot evaluate the condition operator ${name}.`, {
      hint: "Supported: the operators AWS documents (String*, Arn*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Null), each with IfExists and ForAnyValue:/ForAllValues:.",
    });
  }
  return { ...parsed, base };
}

function asStrings(values: ConditionValue | ConditionValue[]): string[] {
  return (Array.isArray(values) ? values : [values]).map(String);
}

function nullHolds(policyValues: PolicyValue[], present: boolean): boolean {
  return policyValues.some((value) => typeof value === "string" && value.toLowerCase() === String(!present));
}

function keyHolds(operator: ParsedOperator, policyValues: PolicyValue[], requestValue: string | string[] | undefined): boolean {
  const base = operator.base;
  if (base === undefined) return nullHolds(policyValues, requestValue !== undefined);
  if (requestValue === undefined) {
    if (operator.setOperator === "ForAllValues") return true;
    return operator.ifExists || (operator.setOperator === undefined && base.negated);
  }
  if (operator.setOperator === undefined) {
    return typeof requestValue === "string" && operatorHolds(base, policyValues, requestValue);
  }
  const requestValues = typeof requestValue === "string" ? [requestValue] : requestValue;
  const holds = (value: string) => operatorHolds(base, policyValues, value);
  return operator.setOperator === "ForAnyValue" ? requestValues.some(holds) : requestValues.every(holds);
}

/** Whether a Condition block holds; "either" when the requester decides (see `OpenContext`). */
export type ConditionOutcome = "holds" | "fails" | "either";

/** All of them hold: "fails" wins, then "either". */
export function allOf(outcomes: ConditionOutcome[]): ConditionOutcome {
  if (outcomes.includes("fails")) return "fails";
  return outcomes.includes("either") ? "either" : "holds";
}

/** `variables`: the document's `${…}` are policy variables (Version 2012-10-17). */
export function conditionOutcome(block: ConditionBlock | undefined, request: ContextSource, variables = false): ConditionOutcome {
  if (block === undefined) return "holds";
  return allOf(
    Object.entries(block).flatMap(([operatorName, keys]) =>
      Object.entries(keys).map(([key, values]) => keyOutcome(operatorName, asStrings(values), key, request, variables)),
    ),
  );
}

function keyOutcome(operatorName: string, written: string[], key: string, request: ContextSource, variables: boolean): ConditionOutcome {
  const value = lookUp(request.context, key);
  if (value === undefined && isOpenKey(request, key)) return "either";
  const operator = parseOperator(operatorName);
  const open = request.open;
  if (
    open &&
    !open.exactPrincipal &&
    typeof value === "string" &&
    key.toLowerCase() === "aws:principalarn" &&
    operator.base &&
    TEXT_OPERATOR.test(operatorName)
  ) {
    return principalArnOutcome(operator, written, value);
  }
  if (!operator.base?.variables) return keyHolds(operator, written, value) ? "holds" : "fails";
  const substituted = written.map((entry) => substitute(entry, request, variables));
  // A value the requester picks may match or not: the answer must be the same both ways.
  const withOpen = (matchesAnything: boolean): PolicyValue[] =>
    substituted.map((s): PolicyValue => (s.kind === "pattern" ? s.pattern : s.kind === "open" && matchesAnything ? true : null));
  const ifMatching = keyHolds(operator, withOpen(true), value);
  const ifNot = keyHolds(operator, withOpen(false), value);
  if (ifMatching !== ifNot) return "either";
  return ifMatching ? "holds" : "fails";
}

/**
 * The requester names its own users and roles: only the account of aws:PrincipalArn is fixed.
 * A pattern whose account is another 12-digit ID cannot match; one that is all wildcards
 * matches every name; anything else may match, as the requester picks the name.
 */
function principalArnOutcome(operator: ParsedOperator, policyValues: string[], arn: string): ConditionOutcome {
  const account = arn.split(":")[4];
  const couldMatch = (pattern: string) => {
    const segment = pattern.split(":")[4];
    return pattern.split(":").length < 6 || segment === undefined || !/^\d{12}$/.test(segment) || segment === account;
  };
  const mustMatch = (pattern: string) => /^\*+$/.test(pattern) && /like|arnequals/i.test(operator.name);
  const could = policyValues.some(couldMatch);
  const must = policyValues.some(mustMatch);
  if (operator.base!.negated) return !could ? "holds" : must ? "fails" : "either";
  return must ? "holds" : could ? "either" : "fails";
}
