/** One setup's names and xacct's own bucket statements, for pure tests of verify's hops. */
import { buildReadObjectsPolicy, buildTrustPolicy, policyDocument, type PolicyStatement } from "../../src/policy/documents.js";
import type { PathDocuments } from "../../src/verify/documents.js";
import type { LabeledPolicy } from "../../src/policy-eval/index.js";
import type { VerifyTarget } from "../../src/verify/hops.js";

export const B = "prod-bkt";
export const P = "111111111111";
export const S = "222222222222";
export const KEY = `arn:aws:kms:us-east-1:${P}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

export const target: VerifyTarget = {
  region: "us-east-1",
  productionAccountId: P,
  stagingAccountId: S,
  stagingUser: "StageAdmin",
  roleName: "StageRole",
  roleArn: `arn:aws:iam::${P}:role/StageRole`,
  bucket: B,
  sessionName: "xacct-staging",
};
export const direct: VerifyTarget = { ...target, mode: "resource-policy" };

export const locate: PolicyStatement = {
  Sid: "XacctLocate",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${S}:root` },
  Action: ["s3:GetBucketLocation", "s3:ListBucket"],
  Resource: `arn:aws:s3:::${B}`,
};
export const stagingRead: PolicyStatement = {
  Sid: "XacctRead",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${S}:root` },
  Action: "s3:GetObject",
  Resource: `arn:aws:s3:::${B}/*`,
};
export const labeled = (label: string, statements: PolicyStatement[]): LabeledPolicy => ({ label, document: policyDocument(statements) });

/** The role path as setup leaves it, plus the statements a test adds to the bucket policy, the trust or (instead of xacct's) the role. */
export function roleDocs(given: { bucket?: PolicyStatement[]; trust?: PolicyStatement[]; role?: PolicyStatement[] } = {}): PathDocuments {
  return {
    userExists: true,
    userPolicies: [labeled("inline policy assume of user StageAdmin", [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: target.roleArn }])],
    trust: {
      label: "trust policy of role StageRole",
      document: policyDocument([...(given.trust ?? []), ...buildTrustPolicy({ partition: "aws", stagingAccountId: S }).Statement]),
    },
    rolePolicies: [
      given.role
        ? labeled("managed policy Narrow of role StageRole", given.role)
        : { label: "managed policy StageRoleReadObjects of role StageRole", document: buildReadObjectsPolicy({ partition: "aws", bucket: B }) },
    ],
    bucketPolicy: labeled(`bucket policy of ${B}`, [locate, ...(given.bucket ?? [])]),
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    objectOwnership: "BucketOwnerEnforced",
    bucketAcl: [],
  };
}
