/**
 * The aws:PrincipalTag/… keys policies name, as condition keys and inside policy variables
 * (`${aws:PrincipalTag/team}`, `${aws:PrincipalTag/team, 'none'}`), parsed as the evaluator
 * parses them, so a tag the principal lacks is known to be absent. Pure.
 */
import type { PolicyDocument, PolicyStatement } from "../policy/documents.js";
import { variableKeys } from "../policy-eval/index.js";

const PRINCIPAL_TAG = /^aws:PrincipalTag\//i;

export function principalTagKeysNamed(documents: readonly (PolicyDocument | undefined)[]): string[] {
  const keys = documents.flatMap((document) => (document?.Statement ?? []).flatMap(keysOf));
  return [...new Set(keys.filter((key) => PRINCIPAL_TAG.test(key)))];
}

function keysOf(statement: PolicyStatement): string[] {
  const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
  return [...conditionKeys, ...stringsIn(statement).flatMap(variableKeys)];
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}
