/**
 * Table of evaluation cases: xacct's own hops first, then each rule of the evaluation logic.
 * Every case is also run through iam-simulate; where it departs from the AWS docs the case
 * says why in `referenceDiffers`, and the test checks that it still does (so the note stays
 * true, and the differential generator's matching constraint can go once it no longer does).
 */
import { describe, expect, it } from "vitest";
import { asXacctError, XacctError } from "../../src/errors.js";
import {
  buildAssumeRolePolicy,
  buildBucketLocateStatement,
  buildReadObjectsPolicy,
  buildTrustPolicy,
  mergeOwnedStatements,
  roleArn,
  SID,
  type PolicyDocument,
  type PolicyStatement,
} from "../../src/policy/index.js";
import {
  evaluate,
  PolicyEvalError,
  type ContextValue,
  type DecidingStatement,
  type Decision,
  type EvaluationRequest,
  type PolicySet,
} from "../../src/policy-eval/index.js";
import { referenceDecision } from "./reference.js";

const PRODUCTION = "111111111111";
const STAGING = "222222222222";
const THIRD = "333333333333";
const BUCKET = "production-test-bucket-101";
const ROLE = roleArn("aws", PRODUCTION, "StageRole");
const OBJECT = `arn:aws:s3:::${BUCKET}/reports/q1.csv`;

const stagingUser = { arn: `arn:aws:iam::${STAGING}:user/staging-user`, accountId: STAGING };
const productionUser = { arn: `arn:aws:iam::${PRODUCTION}:user/alice`, accountId: PRODUCTION };
const thirdUser = { arn: `arn:aws:iam::${THIRD}:user/mallory`, accountId: THIRD };
const roleSession = { arn: `arn:aws:sts::${PRODUCTION}:assumed-role/StageRole/xacct-1`, accountId: PRODUCTION };

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
const identity = (...statements: PolicyStatement[]) => ({ label: "identity", document: doc(...statements) });
const resourcePolicy = (...statements: PolicyStatement[]) => ({ label: "resource", document: doc(...statements) });

function request(principal: EvaluationRequest["principal"], action: string, resource: string, context: Record<string, ContextValue> = {}): EvaluationRequest {
  const resourceAccountId = resource.startsWith("arn:aws:iam::") ? resource.split(":")[4]! : PRODUCTION;
  return { principal, action, resource, resourceAccountId, context };
}

const getObject = (principal = productionUser, context: Record<string, ContextValue> = {}) => request(principal, "s3:GetObject", OBJECT, context);
const allowGet = (extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: "Allow",
  Action: "s3:GetObject",
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  ...extra,
});
/** Same-account GetObject allowed by one identity statement iff its condition holds. */
const whenCondition = (condition: PolicyStatement["Condition"]): PolicySet => ({
  identity: [identity(allowGet({ Condition: condition }))],
});

const xacctPolicies = {
  userInline: { label: "staging-user inline", document: buildAssumeRolePolicy({ roleArn: ROLE }) },
  trust: { label: "StageRole trust", document: buildTrustPolicy({ partition: "aws", stagingAccountId: STAGING }) },
  readObjects: { label: "StageRole read-objects", document: buildReadObjectsPolicy({ partition: "aws", bucket: BUCKET }) },
  bucket: {
    label: "bucket policy",
    document: mergeOwnedStatements(undefined, [buildBucketLocateStatement({ partition: "aws", bucket: BUCKET, stagingAccountId: STAGING })]),
  },
};

interface Case {
  name: string;
  policies: PolicySet;
  request: EvaluationRequest;
  expected: { decision: Decision; deciding?: DecidingStatement[]; reason?: string };
  /** Why iam-simulate decides otherwise, when the AWS docs say what `expected` says. */
  referenceDiffers?: string;
}

// Given xacct's real documents, when each hop of `xacct verify` runs, then it is decided as the recipe intends.
const xacctHops: Case[] = [
  {
    name: "the Staging user may assume the role: its inline policy and the trust policy both allow",
    policies: { identity: [xacctPolicies.userInline], resource: xacctPolicies.trust },
    request: request(stagingUser, "sts:AssumeRole", ROLE),
    expected: {
      decision: "Allow",
      deciding: [
        { policy: "staging-user inline", sid: SID.assumeRole, statementIndex: 0, effect: "Allow" },
        { policy: "StageRole trust", sid: SID.trustStaging, statementIndex: 0, effect: "Allow" },
      ],
    },
  },
  {
    name: "the trust policy alone does not let a Staging user without the inline policy assume the role",
    policies: { identity: [], resource: xacctPolicies.trust },
    request: request(stagingUser, "sts:AssumeRole", ROLE),
    expected: { decision: "ImplicitDeny", reason: "but no identity policy of it allows sts:AssumeRole" },
  },
  {
    name: "the role session may read objects; the bucket policy does not deny",
    policies: { identity: [xacctPolicies.readObjects], resource: xacctPolicies.bucket },
    request: getObject(roleSession),
    expected: {
      decision: "Allow",
      deciding: [{ policy: "StageRole read-objects", sid: SID.readObjects, statementIndex: 0, effect: "Allow" }],
    },
  },
  {
    name: "the role session may not put objects",
    policies: { identity: [xacctPolicies.readObjects], resource: xacctPolicies.bucket },
    request: request(roleSession, "s3:PutObject", OBJECT),
    expected: { decision: "ImplicitDeny", deciding: [], reason: "No statement allows s3:PutObject" },
  },
  {
    name: "the role session may not delete objects",
    policies: { identity: [xacctPolicies.readObjects], resource: xacctPolicies.bucket },
    request: request(roleSession, "s3:DeleteObject", OBJECT),
    expected: { decision: "ImplicitDeny", deciding: [] },
  },
  {
    name: "a third account cannot assume the role, whatever its own policies allow",
    policies: { identity: [identity({ Effect: "Allow", Action: "*", Resource: "*" })], resource: xacctPolicies.trust },
    request: request(thirdUser, "sts:AssumeRole", ROLE),
    expected: {
      decision: "ImplicitDeny",
      deciding: [{ policy: "identity", statementIndex: 0, effect: "Allow" }],
      reason: "StageRole trust does not admit",
    },
  },
  {
    name: "Staging principals may list the bucket cross-account only with an identity policy too",
    policies: { identity: [], resource: xacctPolicies.bucket },
    request: request(stagingUser, "s3:ListBucket", `arn:aws:s3:::${BUCKET}`),
    expected: { decision: "ImplicitDeny" },
  },
];

// Given policies on both sides, when a Deny applies anywhere, then it wins; otherwise the account rules decide.
const combining: Case[] = [
  {
    name: "an identity Deny overrides Allows on both sides",
    policies: {
      identity: [identity(allowGet(), { Sid: "NoReads", Effect: "Deny", Action: "s3:Get*", Resource: "*" })],
      resource: resourcePolicy(allowGet({ Principal: "*" })),
    },
    request: getObject(),
    expected: {
      decision: "ExplicitDeny",
      deciding: [{ policy: "identity", sid: "NoReads", statementIndex: 1, effect: "Deny" }],
      reason: 'Explicitly denied by statement "NoReads" of identity',
    },
  },
  {
    name: "a resource-policy Deny naming the account denies every principal in it",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({ Effect: "Deny", Principal: { AWS: `arn:aws:iam::${PRODUCTION}:root` }, Action: "s3:*", Resource: "*" }),
    },
    request: getObject(),
    expected: { decision: "ExplicitDeny", deciding: [{ policy: "resource", statementIndex: 0, effect: "Deny" }] },
  },
  {
    name: "same account: an identity policy alone allows",
    policies: { identity: [identity(allowGet())] },
    request: getObject(),
    expected: { decision: "Allow" },
  },
  {
    name: "same account: a bucket policy naming the user allows without any identity policy",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { AWS: productionUser.arn } })) },
    request: getObject(),
    expected: { decision: "Allow", deciding: [{ policy: "resource", statementIndex: 0, effect: "Allow" }] },
  },
  {
    name: "same account: a bucket policy naming only the account leaves it to identity policies",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { AWS: PRODUCTION } })) },
    request: getObject(),
    expected: { decision: "ImplicitDeny", reason: "names only the account" },
  },
  {
    name: "same account: a role's trust policy must admit the caller even when its identity policy allows",
    policies: {
      identity: [identity({ Effect: "Allow", Action: "sts:AssumeRole", Resource: ROLE })],
      resource: resourcePolicy({ Effect: "Allow", Principal: { AWS: STAGING }, Action: "sts:AssumeRole" }),
    },
    request: request(productionUser, "sts:AssumeRole", ROLE),
    expected: { decision: "ImplicitDeny", reason: "trusts neither" },
  },
  {
    name: "same account: a trust policy naming the account plus an identity Allow admits",
    policies: {
      identity: [identity({ Effect: "Allow", Action: "sts:AssumeRole", Resource: ROLE })],
      resource: resourcePolicy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${PRODUCTION}:root` }, Action: "sts:AssumeRole" }),
    },
    request: request(productionUser, "sts:AssumeRole", ROLE),
    expected: { decision: "Allow" },
  },
  {
    name: "same account: a trust policy naming the user admits without an identity policy",
    policies: { identity: [], resource: resourcePolicy({ Effect: "Allow", Principal: { AWS: productionUser.arn }, Action: "sts:AssumeRole" }) },
    request: request(productionUser, "sts:AssumeRole", ROLE),
    expected: { decision: "Allow" },
  },
  {
    name: "cross account: a bucket policy naming the user is not enough on its own",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { AWS: stagingUser.arn } })) },
    request: getObject(stagingUser),
    expected: { decision: "ImplicitDeny", deciding: [{ policy: "resource", statementIndex: 0, effect: "Allow" }] },
  },
  {
    name: "cross account: an identity policy is not enough without a resource policy",
    policies: { identity: [identity(allowGet())] },
    request: getObject(stagingUser),
    expected: { decision: "ImplicitDeny", reason: "a resource policy (there is none) does not admit" },
  },
];

// Given a resource policy's Principal, when the requester takes each form, then it is named (or not) as AWS does.
const principals: Case[] = [
  {
    name: 'Principal "*" admits anyone',
    policies: { identity: [identity(allowGet())], resource: resourcePolicy(allowGet({ Principal: "*" })) },
    request: getObject(stagingUser),
    expected: { decision: "Allow" },
  },
  {
    name: '{"AWS":"*"} admits anyone',
    policies: { identity: [identity(allowGet())], resource: resourcePolicy(allowGet({ Principal: { AWS: "*" } })) },
    request: getObject(stagingUser),
    expected: { decision: "Allow" },
  },
  {
    name: "a bare account id admits the account",
    policies: { identity: [identity(allowGet())], resource: resourcePolicy(allowGet({ Principal: { AWS: [THIRD, STAGING] } })) },
    request: getObject(stagingUser),
    expected: { decision: "Allow" },
  },
  {
    name: "another account's root does not admit",
    policies: { identity: [identity(allowGet())], resource: resourcePolicy(allowGet({ Principal: { AWS: `arn:aws:iam::${THIRD}:root` } })) },
    request: getObject(stagingUser),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "a role ARN names the role's sessions",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { AWS: ROLE } })) },
    request: getObject(roleSession),
    expected: { decision: "Allow" },
  },
  {
    name: "a role ARN names sessions whatever the case of the role name",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { AWS: ROLE.toLowerCase() } })) },
    request: getObject(roleSession),
    expected: { decision: "Allow" },
  },
  {
    name: "a session ARN names exactly that session",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { AWS: roleSession.arn } })) },
    request: getObject(roleSession),
    expected: { decision: "Allow" },
  },
  {
    name: "a session ARN does not name another session of the role",
    policies: {
      identity: [],
      resource: resourcePolicy(allowGet({ Principal: { AWS: `${ROLE.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/")}/other` } })),
    },
    request: getObject(roleSession),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "a service principal never names an IAM principal",
    policies: { identity: [], resource: resourcePolicy(allowGet({ Principal: { Service: "ec2.amazonaws.com" } })) },
    request: getObject(),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "NotPrincipal naming the account and the user exempts that user",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: [productionUser.arn, PRODUCTION] }, Action: "s3:*", Resource: "*" }),
    },
    request: getObject(),
    expected: { decision: "Allow" },
  },
  {
    name: "NotPrincipal denies everyone it does not name",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: [productionUser.arn, PRODUCTION] }, Action: "s3:*", Resource: "*" }),
    },
    request: getObject(stagingUser),
    expected: { decision: "ExplicitDeny" },
  },
  {
    name: "NotPrincipal naming the user but not its account still denies the user",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: productionUser.arn }, Action: "s3:*", Resource: "*" }),
    },
    request: getObject(),
    expected: { decision: "ExplicitDeny" },
    referenceDiffers: "NotPrincipal docs: the account ARN must be listed too, or the whole account is denied; iam-simulate exempts anyone named at any level",
  },
  {
    name: "NotPrincipal must name a session, its role and its account to exempt the session",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: [ROLE, PRODUCTION] }, Action: "s3:*", Resource: "*" }),
    },
    request: getObject(roleSession),
    expected: { decision: "ExplicitDeny" },
    referenceDiffers: "NotPrincipal docs: AWS checks the account, then the role, then the assumed-role session",
  },
  {
    name: "NotPrincipal naming the session, its role and its account exempts the session",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: [roleSession.arn, ROLE, PRODUCTION] }, Action: "s3:*", Resource: "*" }),
    },
    request: getObject(roleSession),
    expected: { decision: "Allow" },
  },
];

// Given Action and Resource patterns, when the request's action and resource vary, then they match as IAM matches.
const actionsAndResources: Case[] = [
  {
    name: "actions match ignoring case",
    policies: { identity: [identity(allowGet({ Action: "S3:getOBJECT" }))] },
    request: getObject(),
    expected: { decision: "Allow" },
  },
  {
    name: "s3:Get* does not cover PutObject",
    policies: { identity: [identity(allowGet({ Action: "s3:Get*" }))] },
    request: request(productionUser, "s3:PutObject", OBJECT),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "? in an action is one character",
    policies: { identity: [identity(allowGet({ Action: "s3:?etObject" }))] },
    request: getObject(),
    expected: { decision: "Allow" },
  },
  {
    name: "the service prefix takes no wildcard",
    policies: { identity: [identity(allowGet({ Action: "s*:GetObject" }))] },
    request: getObject(),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "NotAction allows what it does not list",
    policies: { identity: [identity({ Effect: "Allow", NotAction: "s3:Delete*", Resource: "*" })] },
    request: getObject(),
    expected: { decision: "Allow" },
  },
  {
    name: "NotAction does not allow what it lists",
    policies: { identity: [identity({ Effect: "Allow", NotAction: "s3:Delete*", Resource: "*" })] },
    request: request(productionUser, "s3:DeleteObject", OBJECT),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "resources match case-sensitively",
    policies: { identity: [identity(allowGet({ Resource: `arn:aws:s3:::${BUCKET.toUpperCase()}/*` }))] },
    request: getObject(),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "* in a resource spans slashes",
    policies: { identity: [identity(allowGet({ Resource: `arn:aws:s3:::production-*/reports/*` }))] },
    request: getObject(),
    expected: { decision: "Allow" },
  },
  {
    name: "? in a resource is exactly one character",
    policies: { identity: [identity(allowGet({ Resource: `arn:aws:s3:::${BUCKET}/reports/q?.csv` }))] },
    request: request(productionUser, "s3:GetObject", `arn:aws:s3:::${BUCKET}/reports/q10.csv`),
    expected: { decision: "ImplicitDeny" },
  },
  {
    name: "a wildcard in the account part of a role ARN",
    policies: { identity: [identity({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/Stage?ole" })], resource: xacctPolicies.trust },
    request: request(stagingUser, "sts:AssumeRole", ROLE),
    expected: { decision: "Allow" },
  },
  {
    name: "a wildcard before the slash of a role ARN's resource part",
    policies: {
      identity: [identity({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${PRODUCTION}:*/StageRole` })],
      resource: xacctPolicies.trust,
    },
    request: request(stagingUser, "sts:AssumeRole", ROLE),
    expected: { decision: "Allow" },
    referenceDiffers: "iam-simulate requires the resource type prefix (`role/`) literally; IAM wildcards match any characters in the resource part",
  },
  {
    name: "NotResource denies everything it does not list",
    policies: { identity: [identity(allowGet({ Resource: "*" }), { Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::other-bucket/*" })] },
    request: getObject(),
    expected: { decision: "ExplicitDeny" },
  },
  {
    name: "policy variables are resolved: ${aws:username} is the requester's user name",
    policies: { identity: [identity(allowGet({ Resource: `arn:aws:s3:::${BUCKET}/\${aws:username}/*` }))] },
    request: request(productionUser, "s3:GetObject", `arn:aws:s3:::${BUCKET}/alice/notes.txt`, { "aws:username": "alice" }),
    expected: { decision: "Allow" },
  },
];

const tags = (...values: string[]) => ({ "aws:TagKeys": values });
const allowed = { decision: "Allow" as const };
const denied = { decision: "ImplicitDeny" as const };

// Given an identity Allow with a condition, when the request context varies, then the Allow applies only if the condition holds.
const conditions: Case[] = [
  {
    name: "StringEquals: listed values are alternatives",
    policies: whenCondition({ StringEquals: { "s3:prefix": ["dev", "prod"] } }),
    request: getObject(productionUser, { "s3:prefix": "prod" }),
    expected: allowed,
  },
  {
    name: "keys in one block must all hold",
    policies: whenCondition({ StringEquals: { "s3:prefix": "prod", "aws:PrincipalTag/team": "a" } }),
    request: getObject(productionUser, { "s3:prefix": "prod", "aws:PrincipalTag/team": "b" }),
    expected: denied,
  },
  {
    name: "operators in one block must all hold",
    policies: whenCondition({ StringEquals: { "s3:prefix": "prod" }, Bool: { "aws:SecureTransport": "true" } }),
    request: getObject(productionUser, { "s3:prefix": "prod", "aws:SecureTransport": false }),
    expected: denied,
  },
  {
    name: "context keys are case-insensitive",
    policies: whenCondition({ StringEquals: { "AWS:PRINCIPALTAG/TEAM": "a" } }),
    request: getObject(productionUser, { "aws:PrincipalTag/team": "a" }),
    expected: allowed,
  },
  {
    name: "StringEquals compares values case-sensitively",
    policies: whenCondition({ StringEquals: { "s3:prefix": "Prod" } }),
    request: getObject(productionUser, { "s3:prefix": "prod" }),
    expected: denied,
  },
  { name: "StringEquals fails on a missing key", policies: whenCondition({ StringEquals: { "s3:prefix": "prod" } }), request: getObject(), expected: denied },
  {
    name: "StringEqualsIfExists holds on a missing key",
    policies: whenCondition({ StringEqualsIfExists: { "s3:prefix": "prod" } }),
    request: getObject(),
    expected: allowed,
  },
  {
    name: "StringEqualsIfExists still compares a present key",
    policies: whenCondition({ StringEqualsIfExists: { "s3:prefix": "prod" } }),
    request: getObject(productionUser, { "s3:prefix": "dev" }),
    expected: denied,
  },
  {
    name: "StringNotEquals holds on a missing key",
    policies: whenCondition({ StringNotEquals: { "s3:prefix": "prod" } }),
    request: getObject(),
    expected: allowed,
  },
  {
    name: "StringNotEquals fails when any listed value equals",
    policies: whenCondition({ StringNotEquals: { "s3:prefix": ["dev", "prod"] } }),
    request: getObject(productionUser, { "s3:prefix": "prod" }),
    expected: denied,
  },
  {
    name: "StringEqualsIgnoreCase",
    policies: whenCondition({ StringEqualsIgnoreCase: { "s3:prefix": "PROD" } }),
    request: getObject(productionUser, { "s3:prefix": "prod" }),
    expected: allowed,
  },
  {
    name: "StringLike takes wildcards",
    policies: whenCondition({ StringLike: { "s3:prefix": "rep?rts/*" } }),
    request: getObject(productionUser, { "s3:prefix": "reports/2024/" }),
    expected: allowed,
  },
  {
    name: "StringNotLike fails on a match",
    policies: whenCondition({ StringNotLike: { "s3:prefix": "rep*" } }),
    request: getObject(productionUser, { "s3:prefix": "reports/" }),
    expected: denied,
  },
  {
    name: "ArnLike matches part by part with wildcards",
    policies: whenCondition({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${PRODUCTION}:role/Stage*` } }),
    request: getObject(productionUser, { "aws:PrincipalArn": ROLE }),
    expected: allowed,
  },
  {
    name: "ArnEquals takes wildcards too",
    policies: whenCondition({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::*:role/StageRole" } }),
    request: getObject(productionUser, { "aws:PrincipalArn": ROLE }),
    expected: allowed,
  },
  {
    name: "ArnNotEquals fails on a match",
    policies: whenCondition({ ArnNotEquals: { "aws:PrincipalArn": ROLE } }),
    request: getObject(productionUser, { "aws:PrincipalArn": ROLE }),
    expected: denied,
  },
  {
    name: "ArnNotLike fails on a value that is not an ARN",
    policies: whenCondition({ ArnNotLike: { "aws:SourceArn": ROLE } }),
    request: getObject(productionUser, { "aws:SourceArn": "not-an-arn" }),
    expected: denied,
  },
  {
    name: "Bool compares a boolean context value",
    policies: whenCondition({ Bool: { "aws:SecureTransport": true } }),
    request: getObject(productionUser, { "aws:SecureTransport": true }),
    expected: allowed,
  },
  {
    name: "the usual deny-insecure-transport bucket statement denies plain HTTP",
    policies: {
      identity: [identity(allowGet())],
      resource: resourcePolicy({
        Sid: "TLSOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    },
    request: getObject(productionUser, { "aws:SecureTransport": "false" }),
    expected: { decision: "ExplicitDeny", deciding: [{ policy: "resource", sid: "TLSOnly", statementIndex: 0, effect: "Deny" }] },
  },
  {
    name: "Null true holds when the key is missing",
    policies: whenCondition({ Null: { "aws:PrincipalTag/team": "true" } }),
    request: getObject(),
    expected: allowed,
  },
  {
    name: "Null false holds when the key is present",
    policies: whenCondition({ Null: { "aws:PrincipalTag/team": "false" } }),
    request: getObject(productionUser, { "aws:PrincipalTag/team": "a" }),
    expected: allowed,
  },
  {
    name: "NumericLessThan",
    policies: whenCondition({ NumericLessThan: { "s3:max-keys": 10 } }),
    request: getObject(productionUser, { "s3:max-keys": 9 }),
    expected: allowed,
  },
  {
    name: "NumericLessThanEquals includes the bound",
    policies: whenCondition({ NumericLessThanEquals: { "s3:max-keys": "10" } }),
    request: getObject(productionUser, { "s3:max-keys": "10.0" }),
    expected: allowed,
  },
  {
    name: "NumericGreaterThan excludes the bound",
    policies: whenCondition({ NumericGreaterThan: { "s3:max-keys": "10" } }),
    request: getObject(productionUser, { "s3:max-keys": 10 }),
    expected: denied,
  },
  {
    name: "NumericNotEquals fails on a value that is not a number",
    policies: whenCondition({ NumericNotEquals: { "s3:max-keys": "10" } }),
    request: getObject(productionUser, { "s3:max-keys": "ten" }),
    expected: denied,
  },
  {
    name: "a Numeric operator finds no number in date text",
    policies: whenCondition({ NumericGreaterThanEquals: { "aws:CurrentTime": "0" } }),
    request: getObject(productionUser, { "aws:CurrentTime": "2020-01-01T00:00:00Z" }),
    expected: denied,
    referenceDiffers: "iam-simulate parses numbers with parseInt, reading 2020-01-01T… as 2020; the operator docs compare numbers only",
  },
  {
    name: "DateLessThan on ISO 8601",
    policies: whenCondition({ DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }),
    request: getObject(productionUser, { "aws:CurrentTime": "2024-06-01T12:00:00Z" }),
    expected: allowed,
  },
  {
    name: "DateGreaterThan reads an integer as epoch seconds",
    policies: whenCondition({ DateGreaterThan: { "aws:CurrentTime": "1700000000" } }),
    request: getObject(productionUser, { "aws:CurrentTime": "2023-01-01T00:00:00Z" }),
    expected: denied,
    referenceDiffers: "iam-simulate reads 1700000000 as milliseconds (January 1970); AWS epoch dates are seconds (2023-11-14)",
  },
  {
    name: "ForAnyValue: one matching request value is enough",
    policies: whenCondition({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["team", "env"] } }),
    request: getObject(productionUser, tags("cost", "env")),
    expected: allowed,
  },
  {
    name: "ForAnyValue fails on a missing key",
    policies: whenCondition({ "ForAnyValue:StringEquals": { "aws:TagKeys": "env" } }),
    request: getObject(),
    expected: denied,
  },
  {
    name: "ForAnyValue…IfExists holds on a missing key",
    policies: whenCondition({ "ForAnyValue:StringEqualsIfExists": { "aws:TagKeys": "env" } }),
    request: getObject(),
    expected: allowed,
    referenceDiffers: "iam-simulate ignores IfExists after ForAnyValue; the IfExists docs: a missing key makes the condition true",
  },
  {
    name: "ForAllValues: every request value must match",
    policies: whenCondition({ "ForAllValues:StringLike": { "aws:TagKeys": ["team", "env*"] } }),
    request: getObject(productionUser, tags("team", "cost")),
    expected: denied,
  },
  {
    name: "ForAllValues holds on a missing key",
    policies: whenCondition({ "ForAllValues:StringEquals": { "aws:TagKeys": "env" } }),
    request: getObject(),
    expected: allowed,
  },
  {
    name: "ForAllValues holds on an empty set",
    policies: whenCondition({ "ForAllValues:StringEquals": { "aws:TagKeys": "env" } }),
    request: getObject(productionUser, tags()),
    expected: allowed,
  },
  {
    name: "ForAllValues with a negated operator: no request value may match",
    policies: whenCondition({ "ForAllValues:StringNotEquals": { "aws:TagKeys": ["secret"] } }),
    request: getObject(productionUser, tags("team", "secret")),
    expected: denied,
  },
  {
    name: "a plain operator fails on a multivalued key",
    policies: whenCondition({ StringEquals: { "aws:TagKeys": "env" } }),
    request: getObject(productionUser, tags("env")),
    expected: denied,
  },
];

describe("evaluate", () => {
  const groups = { "xacct's hops": xacctHops, "combining policies": combining, principals, "actions and resources": actionsAndResources, conditions };
  for (const [group, cases] of Object.entries(groups)) {
    describe(group, () => {
      it.each(cases)("$name", ({ policies, request, expected, referenceDiffers }) => {
        // Given the policies and the request of the case; when evaluated
        const result = evaluate(request, policies);
        // Then the decision, the statements responsible and the reason are as expected
        expect(result.decision).toBe(expected.decision);
        if (expected.deciding) expect(result.deciding).toEqual(expected.deciding);
        if (expected.reason) expect(result.reason).toContain(expected.reason);
        // And iam-simulate agrees, unless the case documents why it does not
        const reference = referenceDecision(request, policies);
        if (referenceDiffers === undefined) expect(reference).toBe(expected.decision);
        else expect(reference, referenceDiffers).not.toBe(expected.decision);
      });
    });
  }

  it("refuses to guess on a condition operator it does not know", () => {
    // Given a bucket policy with an operator AWS does not have; when evaluated; then it says so instead of guessing
    const policies = whenCondition({ StringMatchesRegex: { "aws:SourceIp": "203.0.113.0/24" } });
    let thrown: unknown;
    try {
      evaluate(getObject(), policies);
    } catch (error) {
      thrown = error;
    }
    // It is the evaluator's own error, naming the statement it could not judge
    expect(thrown).toBeInstanceOf(PolicyEvalError);
    expect((thrown as PolicyEvalError).message).toMatch(/StringMatchesRegex.*statement #0 of identity/);
    expect((thrown as PolicyEvalError).statement).toEqual({ policy: "identity", statementIndex: 0 });
    // And the CLI shows it as one sentence with a hint
    const shown = asXacctError(thrown);
    expect(shown).toBeInstanceOf(XacctError);
    expect((shown as XacctError).hint).toMatch(/Supported/);
  });
});
