/**
 * verify's verdicts as a table: the documents of a path a user would recognise in, which
 * checks fail out. Pure: no emulator; the policy evaluator decides.
 */
import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../src/policy/documents.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, type Hop, type VerifyTarget } from "../src/verify/hops.js";
import { B, S, direct, labeled, locate, roleDocs, stagingRead, target } from "./support/hop-fixtures.js";

/** Resource-policy mode as setup leaves it: the user's own read policy, the bucket's grant to Staging. */
function directDocs(bucket: PolicyStatement[] | null = [stagingRead, locate]): PathDocuments {
  return {
    ...roleDocs(),
    trust: undefined,
    rolePolicies: [],
    userPolicies: [
      labeled("inline policy xacct-read of user StageAdmin", [
        { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` },
        { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: `arn:aws:s3:::${B}` },
      ]),
    ],
    bucketPolicy: bucket ? labeled(`bucket policy of ${B}`, bucket) : undefined,
  };
}

const anyoneWrites: PolicyStatement = {
  Sid: "TeamUpload",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${S}:root` },
  Action: "s3:PutObject",
  Resource: `arn:aws:s3:::${B}/*`,
};
const publicRead: PolicyStatement = { Sid: "Website", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` };
const thirdAccount: PolicyStatement = { Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" };
const roleAdmin: PolicyStatement = { Sid: "Admin", Effect: "Allow", Action: "s3:*", Resource: "*" };

interface Case {
  name: string;
  docs: PathDocuments;
  target: VerifyTarget;
  /** The checks that must fail (ok: false); every other check holds. */
  failing: string[];
  /** Words the first failing check's detail says, when it matters what. */
  says?: RegExp;
  saysNot?: RegExp;
}

const cases: Case[] = [
  { name: "role mode right after setup: every check holds", docs: roleDocs(), target, failing: [] },
  { name: "resource-policy mode right after setup: every check holds", docs: directDocs(), target: direct, failing: [] },
  {
    name: "the role was deleted by hand: the trust check fails, naming the role",
    docs: { ...roleDocs(), trust: undefined, rolePolicies: [] },
    target,
    failing: ["trust-admits-user", "role-may-read"],
    says: /Role arn:aws:iam::111111111111:role\/StageRole does not exist/,
  },
  {
    name: "someone removed the bucket policy in resource-policy mode: the bucket check fails, about the bucket (not a role)",
    docs: directDocs(null),
    target: direct,
    failing: ["bucket-admits-user", "bucket-lets-staging-list"],
    says: /bucket .*has no (bucket )?policy|no bucket policy/i,
    saysNot: /role/i,
  },
  {
    name: "a drifted bucket policy lets Staging write: the role path still reads, but Staging writes without the role",
    docs: roleDocs({ bucket: [anyoneWrites] }),
    target,
    failing: ["staging-cannot-read-directly"],
    says: /TeamUpload/,
  },
  {
    name: "a drifted bucket policy in resource-policy mode lets Staging write",
    docs: directDocs([stagingRead, locate, anyoneWrites]),
    target: direct,
    failing: ["user-cannot-write"],
    says: /TeamUpload/,
  },
  {
    name: "Block Public Access turned off and the bucket policy made public: anyone may read",
    docs: { ...roleDocs({ bucket: [publicRead] }), publicAccessBlock: undefined },
    target,
    failing: ["staging-cannot-read-directly", "bucket-not-public"],
    says: /Website/,
  },
  {
    name: "a reused role that is not xacct's trusts a third account too",
    docs: roleDocs({ trust: [thirdAccount] }),
    target,
    failing: ["third-account-cannot-assume"],
    says: /333333333333/,
  },
  {
    name: "a reused role that is not xacct's carries an administrator policy: the role can do more than read",
    docs: roleDocs({ role: [roleAdmin] }),
    target,
    failing: ["role-cannot-write", "role-cannot-delete", "role-cannot-administer", "role-grants-nothing-else"],
    says: /Admin/,
  },
  {
    name: "the Staging user lost its permission to assume the role",
    docs: { ...roleDocs(), userPolicies: [] },
    target,
    failing: ["user-may-assume"],
    says: /sts:AssumeRole/,
  },
];

const failingIds = (hops: Hop[]) => hops.filter((hop) => hop.ok !== true).map((hop) => hop.id);

describe("computeHops, case by case", () => {
  it.each(cases)("$name", ({ docs, target, failing, says, saysNot }) => {
    const hops = computeHops(docs, target);
    expect(failingIds(hops).sort()).toEqual([...failing].sort());
    const first = hops.find((hop) => hop.ok !== true);
    if (says) expect(`${first?.detail} ${first?.fix}`).toMatch(says);
    if (saysNot) expect(first?.detail).not.toMatch(saysNot);
  });
});
