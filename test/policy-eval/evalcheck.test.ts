/**
 * The evaluator against the fixed cases other projects wrote (politest, iam-simulate, PMapper,
 * cartography; see their README), read where they lie: ../shared/reference/evalcheck/cases.json
 * from the project's root. They are test data of other licences and stay out of the project.
 * Each case runs the way that folder's run.mjs runs it; a disagreement fails, named.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePolicyDocument } from "../../src/policy/index.js";
import { evaluate, type EvaluationRequest, type PolicySet } from "../../src/policy-eval/index.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CASES = resolve(projectRoot, "../shared/reference/evalcheck/cases.json");

interface EvalCase {
  id: string;
  source: string;
  expect: string;
  why?: string;
  request: EvaluationRequest;
  identity?: unknown[];
  resource?: unknown;
}

/** The decision, or the error's first line as run.mjs prints it. */
function decide(testCase: EvalCase): string {
  const asDocument = (doc: unknown) => parsePolicyDocument(JSON.stringify(doc));
  const policies: PolicySet = {
    identity: (testCase.identity ?? []).map((doc, i) => ({ label: `identity policy #${i}`, document: asDocument(doc) })),
    ...(testCase.resource ? { resource: { label: "resource policy", document: asDocument(testCase.resource) } } : {}),
  };
  try {
    return evaluate(structuredClone(testCase.request), policies).decision;
  } catch (error) {
    return `an error (${String(error instanceof Error ? error.message : error).split("\n")[0]})`;
  }
}

describe("evalcheck: other projects' fixed cases", () => {
  it("every case agrees with the decision its source expects", (context) => {
    if (!existsSync(CASES)) {
      context.skip(`no ${CASES}: the shared evalcheck cases lie beside the project only where it was developed`);
      return;
    }
    const { cases } = JSON.parse(readFileSync(CASES, "utf8")) as { cases: EvalCase[] };
    expect(cases.length).toBeGreaterThan(0);
    const disagreements = cases.flatMap((testCase) => {
      const got = decide(testCase);
      if (got === testCase.expect) return [];
      return [`${testCase.id}: expected ${testCase.expect}, got ${got} (${testCase.source}${testCase.why ? `; rule: ${testCase.why}` : ""})`];
    });
    expect(disagreements, `${disagreements.length} of ${cases.length} cases disagree`).toEqual([]);
  });
});
