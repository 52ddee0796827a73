/** Policy documents compared as AWS sees them: key order and single-element arrays do not matter. */
import type { PolicyDocument } from "./documents.js";
import { byCodeUnits } from "../code-unit-order.js";

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalise);
    return items.length === 1 ? items[0] : items;
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => byCodeUnits(a, b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

export function sameDocument(a: PolicyDocument, b: PolicyDocument): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}
