/**
 * Differential test: our evaluator against iam-simulate (AGPL-3.0, a devDependency used only
 * here as the oracle) on generated policies and requests. Every disagreement found was
 * investigated; each is a fixed case in evaluate.test.ts, and the generator avoids the ones
 * where iam-simulate departs from the AWS docs (see arbitraries.ts).
 *
 * XACCT_DIFF_RUNS raises the number of cases, e.g. XACCT_DIFF_RUNS=100000.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/policy-eval/index.js";
import { caseArb, namesSomeButNotAllLayers } from "./arbitraries.js";
import { referenceDecision } from "./reference.js";

const RUNS = Number(process.env["XACCT_DIFF_RUNS"] ?? 3000);

describe("evaluate agrees with iam-simulate", () => {
  it(`on ${RUNS} generated cases`, () => {
    const tally = { compared: 0, skippedNotPrincipal: 0, Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
    fc.assert(
      fc.property(caseArb, ({ request, policies }) => {
        if (namesSomeButNotAllLayers(policies, request.principal.arn)) {
          tally.skippedNotPrincipal++;
          return;
        }
        const ours = evaluate(request, policies).decision;
        expect(ours).toBe(referenceDecision(request, policies));
        tally.compared++;
        tally[ours]++;
      }),
      { numRuns: RUNS },
    );
    console.log(`differential: ${JSON.stringify(tally)}`);
    // Each outcome must be well represented, or the generator has drifted into a corner.
    for (const decision of ["Allow", "ExplicitDeny", "ImplicitDeny"] as const) {
      expect(tally[decision]).toBeGreaterThan(RUNS / 20);
    }
  }, 120_000);
});
