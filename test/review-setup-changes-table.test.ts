/**
 * What setup would change, as a table: both accounts as a user would describe them in, the
 * change per resource out (create, update, or nothing), and the refusals where setup would
 * take over what is not its own. Pure: no emulator.
 */
import { describe, expect, it } from "vitest";
import { policyDocument } from "../src/policy/index.js";
import type { ProductionState, StagingState } from "../src/resources/state.js";
import { computeSetupChanges, refuseOtherOwners } from "../src/stages/changes.js";
import { asSetupLeftIt, BUCKET, nothingYet, othersStatement, planFor, STAGING, tagsOf } from "./support/core-fixtures.js";

interface Case {
  name: string;
  mode?: "role" | "resource-policy";
  /** The accounts, from the plan's own "as setup left it" state. */
  given: (left: { prod: ProductionState; staging: StagingState }) => { prod: ProductionState; staging: StagingState };
  /** An earlier run recorded creating the bucket (default: it did). */
  createdBucket?: boolean;
  /** Every change that is not "none", by resource id. */
  expected?: Record<string, "create" | "update">;
  /** A note a change carries, by resource id. */
  notes?: Record<string, RegExp>;
  /** Setup refuses before any change, saying this. */
  refused?: RegExp;
}

const partnerRead = othersStatement("PartnerRead", "s3:GetObject", `arn:aws:s3:::${BUCKET}/*`);
const ec2Trust = { Sid: "Ec2", Effect: "Allow" as const, Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };

const cases: Case[] = [
  {
    name: "fresh accounts, role mode: everything is created (the Staging user exists already)",
    given: () => nothingYet(),
    createdBucket: false,
    expected: {
      bucket: "create",
      "bucket-hardening": "create",
      "bucket-policy": "create",
      "managed-policy": "create",
      role: "create",
      attach: "create",
      "inline-policy": "create",
    },
  },
  {
    name: "fresh accounts, resource-policy mode: the bucket and the two policies, no role",
    mode: "resource-policy",
    given: () => nothingYet(),
    createdBucket: false,
    expected: { bucket: "create", "bucket-hardening": "create", "bucket-policy": "create", "inline-policy": "create" },
  },
  {
    name: "the user's own bucket (not xacct's, no policy yet): used as it is, with xacct's statement added",
    given: (left) => ({ ...left, prod: { ...nothingYet().prod, bucketExists: true, bucketSettings: left.prod.bucketSettings } }),
    createdBucket: false,
    expected: { "bucket-policy": "create", "managed-policy": "create", role: "create", attach: "create" },
  },
  { name: "a rerun with nothing to do, role mode", given: (left) => left, expected: {} },
  { name: "a rerun with nothing to do, resource-policy mode", mode: "resource-policy", given: (left) => left, expected: {} },
  {
    name: "a Staging user that does not exist is created, with its policy",
    given: (left) => ({ ...left, staging: { user: undefined, inlinePolicy: undefined } }),
    expected: { user: "create", "inline-policy": "create" },
  },
  {
    name: "a drifted bucket policy (xacct's statement removed, a partner's added) gets xacct's statement back",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketPolicy: policyDocument([partnerRead]) } }),
    expected: { "bucket-policy": "update" },
  },
  {
    name: "another team's statement beside xacct's is left alone",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketPolicy: policyDocument([...(left.prod.bucketPolicy?.Statement ?? []), partnerRead]) } }),
    expected: {},
  },
  {
    name: "a managed policy edited by hand is put back",
    given: (left) => ({
      ...left,
      prod: { ...left.prod, managedPolicy: { ...left.prod.managedPolicy!, document: policyDocument([{ Effect: "Allow", Action: "s3:*", Resource: "*" }]) } },
    }),
    expected: { "managed-policy": "update" },
  },
  {
    name: "a trust that lost xacct's statement gets it back",
    given: (left) => ({ ...left, prod: { ...left.prod, role: { ...left.prod.role!, trust: policyDocument([ec2Trust]) } } }),
    expected: { role: "update" },
  },
  {
    name: "a detached managed policy is attached again",
    given: (left) => ({ ...left, prod: { ...left.prod, attachedPolicyArns: [] } }),
    expected: { attach: "create" },
  },
  {
    name: "a role whose session limit was changed is set back, saying from what to what",
    given: (left) => ({ ...left, prod: { ...left.prod, role: { ...left.prod.role!, maxSessionDuration: 7200 } } }),
    expected: { "role-session": "update" },
    notes: { "role-session": /7200 s → 3600 s/ },
  },
  {
    name: "a reused role that is not xacct's: xacct's trust statement is merged in, its other statements stay",
    given: (left) => ({
      ...left,
      prod: { ...left.prod, role: { arn: left.prod.role!.arn, trust: policyDocument([ec2Trust]), tags: [], maxSessionDuration: 3600 }, attachedPolicyArns: [] },
    }),
    expected: { role: "update", attach: "create" },
  },
  {
    name: "a bucket that lost xacct's tag is tagged again",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketTags: [] } }),
    expected: { bucket: "update" },
    notes: { bucket: /tag/ },
  },
  {
    name: "an existing bucket with Block Public Access off is left as it is unless --harden-bucket",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketSettings: { ...left.prod.bucketSettings!, publicAccessBlocked: false } } }),
    expected: {},
    notes: { "bucket-hardening": /--harden-bucket/ },
  },
  {
    name: "a role of another xacct setup is refused",
    given: (left) => ({ ...left, prod: { ...left.prod, role: { ...left.prod.role!, tags: tagsOf("other-bucket/StageRole") } } }),
    refused: /role StageRole belongs to xacct setup other-bucket\/StageRole/,
  },
  {
    name: "a bucket of another xacct setup is refused",
    given: (left) => ({ ...left, prod: { ...left.prod, bucketTags: tagsOf(`${BUCKET}/OtherRole`) } }),
    refused: /bucket prod-data belongs to xacct setup prod-data\/OtherRole/,
  },
  {
    name: "a managed policy of that name that xacct did not make is refused",
    given: (left) => ({ ...left, prod: { ...left.prod, managedPolicy: { ...left.prod.managedPolicy!, tags: [] } } }),
    refused: /managed policy StageRoleReadObjects exists and was not made by xacct/,
  },
  {
    name: "a Staging inline policy of xacct's name with someone else's content is refused",
    given: (left) => ({
      ...left,
      staging: { ...left.staging, inlinePolicy: policyDocument([{ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${STAGING}:role/*` }]) },
    }),
    refused: /was not written by xacct/,
  },
];

describe("computeSetupChanges, case by case", () => {
  it.each(cases)("$name", ({ mode, given, createdBucket, expected, notes, refused }) => {
    const plan = planFor(mode);
    const { prod, staging } = given(asSetupLeftIt(plan));
    if (refused) {
      expect(() => refuseOtherOwners(plan, prod, staging)).toThrow(refused);
      return;
    }
    refuseOtherOwners(plan, prod, staging);
    const changes = computeSetupChanges(plan, prod, staging, createdBucket ?? true);
    const pending = Object.fromEntries(changes.filter((c) => c.kind !== "none").map((c) => [c.id, c.kind]));
    expect(pending).toEqual(expected);
    // Resource-policy mode never plans a role or anything hanging off one.
    if (mode === "resource-policy") expect(changes.filter((c) => ["managed-policy", "role", "role-session", "attach"].includes(c.id))).toEqual([]);
    for (const [id, note] of Object.entries(notes ?? {})) expect(changes.find((c) => c.id === id)?.note).toMatch(note);
  });
});
