/**
 * The read hops promise `bucket/*`, the Staging user's permissions boundary counts on every hop
 * that judges its request, outsiders may connect through a network a statement names, and
 * services named in the bucket policy may act for other accounts. Pure: documents in, hops out.
 */
import { describe, expect, it } from "vitest";
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument, type PolicyStatement } from "../src/policy/documents.js";
import type { LabeledPolicy } from "../src/policy-eval/index.js";
import type { PathDocuments } from "../src/verify/documents.js";
import { computeHops, type Hop, type VerifyTarget } from "../src/verify/hops.js";

import { B, P, S, KEY, target, direct, locate, stagingRead, labeled, roleDocs } from "./support/hop-fixtures.js";

function directDocs(given: { bucket?: PolicyStatement[]; user?: PolicyStatement[]; boundary?: boolean } = {}): PathDocuments {
  const read: PolicyStatement[] = [
    { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` },
    { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: `arn:aws:s3:::${B}` },
  ];
  return {
    ...roleDocs(),
    trust: undefined,
    rolePolicies: [],
    userPolicies: [labeled("inline policy read of user StageAdmin", given.user ?? read)],
    bucketPolicy: labeled(`bucket policy of ${B}`, given.bucket ?? [stagingRead, locate]),
    ...(given.boundary ? { userBoundary: BOUNDARY } : {}),
  };
}

const hop = (hops: Hop[], id: string) => {
  const found = hops.find((h) => h.id === id);
  if (!found) throw new Error(`no hop ${id} in ${hops.map((h) => h.id).join(", ")}`);
  return found;
};

describe("finding 1: the read hops are judged on every kind of object key", () => {
  it("a bucket Deny with NotResource naming only the probe key fails bucket-allows-read, naming a key and the statement", () => {
    const onlyProbe: PolicyStatement = {
      Sid: "OnlyTheProbeKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:GetObject",
      NotResource: `arn:aws:s3:::${B}/xacct-verify-probe`,
    };
    const read = hop(computeHops(roleDocs({ bucket: [onlyProbe] }), target), "bucket-allows-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toMatch(/reads only some objects: denied for prod-bkt\/(?!xacct-verify-probe)\S+/i);
    expect(read.detail).toContain('statement "OnlyTheProbeKey" of bucket policy of prod-bkt');
  });

  it("a role policy allowing only xacct-verify-* fails role-may-read", () => {
    const narrow: PolicyStatement = { Sid: "ProbeOnly", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/xacct-verify-*` };
    const read = hop(computeHops(roleDocs({ role: [narrow] }), target), "role-may-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toMatch(/reads only some objects: denied for prod-bkt\//i);
    expect(read.detail).toContain('statement "ProbeOnly" of managed policy Narrow of role StageRole');
  });

  it("a Deny on one prefix fails bucket-allows-read for a key under it", () => {
    const secret: PolicyStatement = { Sid: "NoSecrets", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/secret/*` };
    const read = hop(computeHops(roleDocs({ bucket: [secret] }), target), "bucket-allows-read");
    expect(read.ok).toBe(false);
    expect(read.detail).toMatch(/denied for prod-bkt\/secret\//);
    expect(read.detail).toContain('statement "NoSecrets"');
  });

  it("a key the user names (--key, --test-key) is judged and named first", () => {
    const secret: PolicyStatement = { Sid: "NoSecrets", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/secret/*` };
    const read = hop(computeHops(roleDocs({ bucket: [secret] }), { ...target, objectKeys: ["secret/q1.csv"] }), "bucket-allows-read");
    expect(read.detail).toContain("denied for prod-bkt/secret/q1.csv");
  });

  it("a key policy limited by the encryption context to xacct-verify-* fails key-policy-admits", () => {
    const docs = roleDocs({
      role: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` },
        { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY, Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } },
      ],
    });
    docs.kms = {
      encryption: { algorithm: "aws:kms", keyId: KEY, bucketKeyEnabled: false },
      key: { arn: KEY, accountId: P, region: "us-east-1", manager: "CUSTOMER" },
      keyPolicy: labeled(`key policy of ${KEY}`, [
        { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${P}:root` }, Action: "kms:*", Resource: "*" },
        {
          Sid: "OnlyProbePrefix",
          Effect: "Deny",
          Principal: "*",
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringNotLike: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${B}/xacct-verify-*` } },
        },
      ]),
    } as PathDocuments["kms"];
    const hops = computeHops(docs, target);
    const key = hop(hops, "key-policy-admits");
    expect(key.ok).toBe(false);
    expect(key.detail).toMatch(/reads only some objects: denied for prod-bkt\//i);
    expect(key.detail).toContain('statement "OnlyProbePrefix"');
    expect(hop(hops, "role-may-decrypt").ok).toBe(true);
  });

  it("resource-policy mode: a bucket grant to Staging on one prefix fails bucket-admits-user, a user policy on one key fails user-may-read", () => {
    const prefixOnly: PolicyStatement = { ...stagingRead, Sid: "PublicOnly", Resource: `arn:aws:s3:::${B}/public/*` };
    const admits = hop(computeHops(directDocs({ bucket: [prefixOnly, locate] }), direct), "bucket-admits-user");
    expect(admits.ok).toBe(false);
    expect(admits.detail).toMatch(/reads only some objects: denied for prod-bkt\/(?!public\/)/i);
    const oneKey: PolicyStatement[] = [{ Sid: "OneKey", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/xacct-verify-probe` }];
    const own = hop(computeHops(directDocs({ user: oneKey }), direct), "user-may-read");
    expect(own.ok).toBe(false);
    expect(own.detail).toContain('statement "OneKey"');
  });

  it("the normal recipe holds on every read hop, in both modes", () => {
    expect(
      computeHops(roleDocs(), target)
        .filter((h) => h.ok !== true)
        .map((h) => h.id),
    ).toEqual([]);
    expect(
      computeHops(directDocs(), direct)
        .filter((h) => h.ok !== true)
        .map((h) => h.id),
    ).toEqual([]);
  });
});

const BOUNDARY = labeled("permissions boundary SB of user StageAdmin", [{ Effect: "Allow", Action: ["s3:*", "sts:AssumeRole"], Resource: "*" }]);
const everyoneExcept: PolicyStatement = {
  Sid: "OnlyStaging",
  Effect: "Deny",
  NotPrincipal: { AWS: [`arn:aws:iam::${S}:root`, `arn:aws:iam::${S}:user/StageAdmin`, `arn:aws:iam::${P}:root`] },
  Action: "s3:*",
  Resource: [`arn:aws:s3:::${B}`, `arn:aws:s3:::${B}/*`],
};

describe("finding 4: the Staging user's permissions boundary counts with a Deny NotPrincipal", () => {
  it("resource-policy mode: bucket-admits-user and the locate hop fail", () => {
    const hops = computeHops(directDocs({ bucket: [stagingRead, locate, everyoneExcept], boundary: true }), direct);
    expect(hop(hops, "bucket-admits-user").ok).toBe(false);
    expect(hop(hops, "bucket-admits-user").detail).toContain('statement "OnlyStaging"');
    expect(hop(hops, "bucket-lets-staging-list").ok).toBe(false);
  });

  it("role mode: the locate hop fails", () => {
    const docs = { ...roleDocs({ bucket: [everyoneExcept] }), userBoundary: BOUNDARY };
    expect(hop(computeHops(docs, target), "bucket-lets-staging-list").ok).toBe(false);
  });

  it("without a boundary the same statement lets the user in", () => {
    const hops = computeHops(directDocs({ bucket: [stagingRead, locate, everyoneExcept] }), direct);
    expect(hop(hops, "bucket-admits-user").ok).toBe(true);
    expect(hop(hops, "bucket-lets-staging-list").ok).toBe(true);
  });
});

describe("finding 5: a network condition alone does not keep outsiders out", () => {
  const fromVpc: PolicyStatement = {
    Sid: "ReadFromOurVpc",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${B}/*`,
    Condition: { StringEquals: { "aws:SourceVpc": "vpc-0abc1234" } },
  };

  it("a bucket grant to * limited by aws:SourceVpc: not public and Staging-without-the-role are ?, naming the statement", () => {
    const hops = computeHops(roleDocs({ bucket: [fromVpc] }), target);
    for (const id of ["bucket-not-public", "staging-cannot-read-directly"]) {
      expect(hop(hops, id).ok, id).toBeNull();
      expect(hop(hops, id).detail, id).toContain('statement "ReadFromOurVpc"');
    }
  });

  it("aws:SourceIp and aws:SourceVpce are judged the same way", () => {
    const byIp: PolicyStatement = { ...fromVpc, Sid: "Office", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } };
    const byEndpoint: PolicyStatement = { ...fromVpc, Sid: "Endpoint", Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } };
    expect(hop(computeHops(roleDocs({ bucket: [byIp] }), target), "bucket-not-public").ok).toBeNull();
    expect(hop(computeHops(roleDocs({ bucket: [byEndpoint] }), target), "bucket-not-public").ok).toBeNull();
  });

  it("a trust admitting * through one VPC endpoint: a third account cannot assume is ?", () => {
    const trust: PolicyStatement = {
      Sid: "ViaEndpoint",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
    };
    const third = hop(computeHops(roleDocs({ trust: [trust] }), target), "third-account-cannot-assume");
    expect(third.ok).toBeNull();
    expect(third.detail).toContain('statement "ViaEndpoint"');
  });

  it("a grant limited by the network and by Production's account keeps outsiders out", () => {
    const ours: PolicyStatement = {
      ...fromVpc,
      Sid: "OursFromVpc",
      Condition: { StringEquals: { "aws:SourceVpc": "vpc-0abc1234", "aws:PrincipalAccount": P } },
    };
    const hops = computeHops(roleDocs({ bucket: [ours] }), target);
    expect(hop(hops, "bucket-not-public").ok).toBe(true);
    expect(hop(hops, "staging-cannot-read-directly").ok).toBe(true);
    expect(hops.find((h) => h.id === "no-third-account-reads")).toBeUndefined();
  });

  it("a grant to * without any condition still fails", () => {
    const open: PolicyStatement = { ...fromVpc, Sid: "Open" };
    delete open.Condition;
    const docs = roleDocs({ bucket: [open] });
    docs.publicAccessBlock = undefined;
    expect(hop(computeHops(docs, target), "bucket-not-public").ok).toBe(false);
  });
});

describe("finding 6: services named in the bucket policy (confused deputy)", () => {
  const inventory: PolicyStatement = {
    Sid: "InventoryDestination",
    Effect: "Allow",
    Principal: { Service: "s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${B}/*`,
  };

  it.each([
    ["role", roleDocs({ bucket: [inventory] }), target],
    ["resource-policy", directDocs({ bucket: [stagingRead, locate, inventory] }), direct],
  ] as const)("%s mode: s3.amazonaws.com may PutObject without aws:SourceAccount: fails, naming the statement and the fix", (_mode, docs, t) => {
    const service = hop(computeHops(docs, t), "services-cannot-reach-bucket");
    expect(service.ok).toBe(false);
    expect(service.detail).toContain('statement "InventoryDestination" of bucket policy of prod-bkt');
    expect(service.detail).toContain("s3.amazonaws.com");
    expect(service.fix).toContain(`aws:SourceAccount = ${P}`);
  });

  it("logging.s3.amazonaws.com allowed GetObject fails too", () => {
    const logging: PolicyStatement = { ...inventory, Sid: "Logs", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:GetObject" };
    expect(hop(computeHops(roleDocs({ bucket: [logging] }), target), "services-cannot-reach-bucket").ok).toBe(false);
  });

  it("conditioned on a third account: fails; on Production's own account: a warning-level hop", () => {
    const third: PolicyStatement = { ...inventory, Condition: { StringEquals: { "aws:SourceAccount": "333333333333" } } };
    expect(hop(computeHops(roleDocs({ bucket: [third] }), target), "services-cannot-reach-bucket").ok).toBe(false);
    const own: PolicyStatement = { ...inventory, Condition: { StringEquals: { "aws:SourceAccount": P } } };
    const hops = computeHops(roleDocs({ bucket: [own] }), target);
    expect(hop(hops, "services-cannot-reach-bucket").ok).toBe(true);
    const warned = hop(hops, "production-services-cannot-reach-bucket");
    expect(warned.ok).toBe(false);
    expect(warned.detail).toContain('statement "InventoryDestination"');
  });

  it("no service named: no service hop", () => {
    expect(computeHops(roleDocs(), target).some((h) => h.id.includes("services"))).toBe(false);
  });
});
