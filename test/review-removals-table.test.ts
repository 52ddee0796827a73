/**
 * What teardown would remove, as a table: both accounts as a user would describe them in, a
 * verdict per resource out (delete, update: only xacct's part, keep: not ours to remove, none:
 * already gone), with the reason for each keep. Pure: no emulator.
 */
import { describe, expect, it } from "vitest";
import { policyDocument } from "../src/policy/index.js";
import type { Dependents, TeardownTarget } from "../src/resources/resource.js";
import type { ProductionState, StagingState } from "../src/resources/state.js";
import { computeRemovals } from "../src/stages/teardown.js";
import { asSetupLeftIt, BUCKET, noDependents, nothingYet, othersStatement, planFor, setupId, tagsOf, teardownOf } from "./support/core-fixtures.js";

type Verdict = "delete" | "update" | "keep" | "none";

interface Case {
  name: string;
  mode?: "role" | "resource-policy";
  given: (left: { prod: ProductionState; staging: StagingState }) => { prod: ProductionState; staging: StagingState };
  deps?: Partial<Dependents>;
  target?: Partial<TeardownTarget>;
  expected: Record<string, Verdict>;
  /** Why a resource is kept (or how it goes), by resource id. */
  notes?: Record<string, RegExp>;
}

const roleParts = { attach: "delete", "managed-policy": "delete", role: "delete" } as const;
const partnerRead = othersStatement("PartnerRead", "s3:GetObject", `arn:aws:s3:::${BUCKET}/*`);
const ec2Trust = { Sid: "Ec2", Effect: "Allow" as const, Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
const userKept = { user: "keep" } as const;

const cases: Case[] = [
  {
    name: "right after setup, role mode: everything xacct made goes; the user's own Staging user stays",
    given: (left) => left,
    expected: { ...roleParts, "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", ...userKept },
    notes: { user: /not created by xacct/ },
  },
  {
    name: "right after setup, resource-policy mode: no role to mention",
    mode: "resource-policy",
    given: (left) => left,
    expected: { "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", ...userKept },
  },
  {
    name: "teardown after teardown: nothing left to remove",
    given: () => nothingYet(),
    expected: { attach: "none", "managed-policy": "none", role: "none", "bucket-policy": "none", bucket: "none", "inline-policy": "none", ...userKept },
  },
  {
    name: "a bucket with objects in it is kept unless --delete-objects",
    given: (left) => left,
    deps: { objectCount: 3 },
    expected: { ...roleParts, "bucket-policy": "delete", bucket: "keep", "inline-policy": "delete", ...userKept },
    notes: { bucket: /3 object versions; give --delete-objects/ },
  },
  {
    name: "with --delete-objects the bucket goes with its objects",
    given: (left) => left,
    deps: { objectCount: 1 },
    target: { deleteObjects: true },
    expected: { ...roleParts, "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", ...userKept },
    notes: { bucket: /with every object in it/ },
  },
  {
    name: "a partner's statement in the bucket policy: only xacct's statements go, and the bucket stays for the partner",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketPolicy: policyDocument([...(left.prod.bucketPolicy?.Statement ?? []), partnerRead]) } }),
    expected: { ...roleParts, "bucket-policy": "update", bucket: "keep", "inline-policy": "delete", ...userKept },
    notes: { bucket: /PartnerRead/ },
  },
  {
    name: "the user's own bucket (not xacct's): kept, xacct's statements removed",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketTags: [] } }),
    target: { bucketCreatedByXacct: false },
    expected: { ...roleParts, "bucket-policy": "delete", bucket: "keep", "inline-policy": "delete", ...userKept },
    notes: { bucket: /not created by xacct/ },
  },
  {
    name: "a reused role that is not xacct's: kept, only xacct's trust statement taken out",
    given: (left) => ({
      ...left,
      prod: { ...left.prod, role: { ...left.prod.role!, tags: [], trust: policyDocument([ec2Trust, ...left.prod.role!.trust.Statement]) } },
    }),
    expected: {
      attach: "delete",
      "managed-policy": "delete",
      role: "keep",
      "role-trust": "update",
      "bucket-policy": "delete",
      bucket: "delete",
      "inline-policy": "delete",
      ...userKept,
    },
    notes: { role: /not created by xacct/ },
  },
  {
    name: "a managed policy someone else also attached stays",
    given: (left) => left,
    deps: { policyUsedElsewhere: true },
    expected: { ...roleParts, "managed-policy": "keep", "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", ...userKept },
    notes: { "managed-policy": /attached to other roles, users or groups/ },
  },
  {
    name: "a role someone gave another policy stays",
    given: (left) => left,
    deps: { roleInlinePolicies: ["TeamExtra"] },
    expected: { ...roleParts, role: "keep", "role-trust": "keep", "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", ...userKept },
    notes: { role: /TeamExtra/ },
  },
  {
    name: "a Staging user xacct created goes too",
    given: (left) => ({ ...left, staging: { ...left.staging, user: { tags: tagsOf(setupId(planFor().answers)) } } }),
    expected: { ...roleParts, "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", user: "delete" },
  },
  {
    name: "a Staging user xacct created that has gained an access key stays",
    given: (left) => ({ ...left, staging: { ...left.staging, user: { tags: tagsOf(setupId(planFor().answers)) } } }),
    deps: { userExtras: ["access key AKIAEXAMPLE"] },
    expected: { ...roleParts, "bucket-policy": "delete", bucket: "delete", "inline-policy": "delete", user: "keep" },
    notes: { user: /access key AKIAEXAMPLE/ },
  },
];

describe("computeRemovals, case by case", () => {
  it.each(cases)("$name", ({ mode, given, deps, target, expected, notes }) => {
    const plan = planFor(mode);
    const { prod, staging } = given(asSetupLeftIt(plan));
    const removals = computeRemovals(teardownOf(plan, target), prod, staging, { ...noDependents, ...deps });
    expect(Object.fromEntries(removals.map((r) => [r.id, r.kind]))).toEqual(expected);
    for (const [id, note] of Object.entries(notes ?? {})) expect(removals.find((r) => r.id === id)?.note).toMatch(note);
    // Nothing that is not this setup's is ever deleted.
    for (const removal of removals.filter((r) => r.kind === "delete" && ["bucket", "role", "managed-policy", "user"].includes(r.id))) {
      const tags =
        removal.id === "bucket"
          ? prod.bucketTags
          : removal.id === "role"
            ? prod.role?.tags
            : removal.id === "user"
              ? staging.user?.tags
              : prod.managedPolicy?.tags;
      expect(tags).toEqual(tagsOf(setupId(plan.answers)));
    }
  });
});
