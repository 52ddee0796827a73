/**
 * "Not public" and "no third account" consider the bucket ACL: where ACLs take effect (object
 * ownership is not BucketOwnerEnforced), a grant to AllUsers or AuthenticatedUsers makes the
 * bucket public unless Block Public Access ignores public ACLs; a grant to another canonical
 * user lets a third account in.
 */
import { DeletePublicAccessBlockCommand, PutBucketAclCommand, PutBucketOwnershipControlsCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument } from "../src/policy/documents.js";
import { foreignGrants } from "../src/verify/bucket-acl.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, type VerifyTarget } from "../src/verify/hops.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "acl-bucket";
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

beforeAll(async () => {
  expect((await sandbox.run(setupArgs(BUCKET))).code).toBe(0);
});

describe("the bucket ACL, read by verify", () => {
  it("a public-read-write ACL with ACLs on and Block Public Access off is public", async () => {
    const s3 = clientsFor(sandbox.moto.endpoint, sandbox.prod).s3;
    expect((await sandbox.run(["verify"])).code).toBe(0);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: BUCKET, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
    await s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: "public-read-write" }));
    const result = await sandbox.run(["verify"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✘ ${BUCKET} is not public`);
    expect(result.stdout).toContain("The bucket ACL grants");
    expect(result.stdout).toContain("to AllUsers");
    expect(result.calls.writes).toEqual([]);
  });
});

describe("judging ACL grants", () => {
  const target: VerifyTarget = {
    region: "us-east-1",
    productionAccountId: "111111111111",
    stagingAccountId: "222222222222",
    stagingUser: "StageAdmin",
    sessionName: "xacct-staging",
    roleName: "R",
    roleArn: "arn:aws:iam::111111111111:role/R",
    bucket: "b",
    assumeContext: {},
  };
  const off = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
  const docs = (over: Partial<PathDocuments>): PathDocuments => ({
    userExists: true,
    userPolicies: [{ label: "u", document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]) }],
    trust: { label: "t", document: buildTrustPolicy({ partition: "aws", stagingAccountId: "222222222222" }) },
    rolePolicies: [{ label: "m", document: buildReadObjectsPolicy({ partition: "aws", bucket: "b" }) }],
    bucketPolicy: undefined,
    publicAccessBlock: off,
    objectOwnership: "ObjectWriter",
    bucketAcl: [],
    ...over,
  });
  const hop = (d: PathDocuments, id: string) => computeHops(d, target).find((h) => h.id === id);
  const everyone = foreignGrants(
    [
      { Grantee: { Type: "Group", URI: ALL_USERS }, Permission: "READ" },
      { Grantee: { Type: "CanonicalUser", ID: "owner" }, Permission: "FULL_CONTROL" },
    ],
    "owner",
  );

  it("reads grants to everyone and to other accounts, never the owner's", () => {
    expect(everyone).toEqual([{ to: "everyone", who: "AllUsers", permission: "READ" }]);
    expect(foreignGrants([{ Grantee: { Type: "CanonicalUser", ID: "other" }, Permission: "WRITE" }], "owner")).toEqual([
      { to: "account", who: "canonical user other", permission: "WRITE" },
    ]);
  });

  it("a grant to everyone is public unless ACLs are off or public ACLs are ignored", () => {
    expect(hop(docs({ bucketAcl: everyone }), "bucket-not-public")?.ok).toBe(false);
    expect(hop(docs({ bucketAcl: everyone, publicAccessBlock: { ...off, IgnorePublicAcls: true } }), "bucket-not-public")?.ok).toBe(true);
    expect(hop(docs({ bucketAcl: everyone, objectOwnership: "BucketOwnerEnforced" }), "bucket-not-public")?.ok).toBe(true);
  });

  it("an unread ACL that is in effect cannot be called private", () => {
    expect(hop(docs({ bucketAcl: undefined }), "bucket-not-public")).toMatchObject({ ok: false, detail: expect.stringContaining("Cannot tell") });
  });

  it("a grant to another account's canonical user lets a third account in", () => {
    const other = foreignGrants([{ Grantee: { Type: "CanonicalUser", ID: "other" }, Permission: "READ" }], "owner");
    expect(hop(docs({ bucketAcl: other }), "no-third-account-reads")).toMatchObject({ ok: false, detail: expect.stringContaining("canonical user other") });
  });
});
