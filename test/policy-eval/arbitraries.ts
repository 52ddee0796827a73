/**
 * fast-check generators for the space xacct's evaluator covers: S3/STS actions with wildcards,
 * role/bucket/object ARNs with wildcards, every principal form, and conditions with every
 * supported operator. Small fixed vocabularies make matches likely, so Allow, ExplicitDeny
 * and ImplicitDeny all turn up often.
 *
 * Where iam-simulate departs from the AWS docs, the generator stays out of the way (each is
 * a fixed case in evaluate.test.ts):
 * - `ForAnyValue:` never combined with `IfExists` (iam-simulate ignores IfExists there);
 * - no epoch-second dates (iam-simulate reads them as milliseconds);
 * - no Numeric operator on date text (iam-simulate's parseInt reads "2020-01-01" as 2020);
 * - no wildcard before the first `/` of a non-S3 resource (iam-simulate requires that
 *   prefix, e.g. `role/`, literally);
 * - NotPrincipal lists that name only some of the requester's layers are left to the
 *   property to skip (see `namesSomeButNotAllLayers`).
 */
import fc from "fast-check";
import type { PolicyDocument, PolicyPrincipal, PolicyStatement } from "../../src/policy/index.js";
import type { ContextValue, EvaluationRequest, PolicySet } from "../../src/policy-eval/index.js";

export const PRODUCTION = "111111111111";
export const STAGING = "222222222222";
export const OUTSIDER = "333333333333";

/** A requester and the entries that name each of its layers (account, role, identity). */
interface Requester {
  arn: string;
  accountId: string;
  layers: string[][];
}

const accountLayer = (account: string) => [account, `arn:aws:iam::${account}:root`];

export const REQUESTERS: Requester[] = [
  user(STAGING, "staging-user"),
  user(PRODUCTION, "alice"),
  user(OUTSIDER, "mallory"),
  role(PRODUCTION, "StageRole"),
  role(STAGING, "Builder"),
  session(PRODUCTION, "StageRole", "xacct-1"),
  session(STAGING, "Builder", "ci"),
  session(PRODUCTION, "team/Deployer", "deploy"),
];

function user(account: string, name: string): Requester {
  const arn = `arn:aws:iam::${account}:user/${name}`;
  return { arn, accountId: account, layers: [accountLayer(account), [arn]] };
}

function role(account: string, name: string): Requester {
  const arn = `arn:aws:iam::${account}:role/${name}`;
  return { arn, accountId: account, layers: [accountLayer(account), [arn]] };
}

function session(account: string, rolePath: string, sessionName: string): Requester {
  const roleName = rolePath.split("/").at(-1)!;
  const arn = `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
  const roleArn = `arn:aws:iam::${account}:role/${rolePath}`;
  // Role names are case-insensitive, so either spelling names the session's role.
  const roleLayer = [roleArn, roleArn.replace(roleName, roleName.toLowerCase())];
  return { arn, accountId: account, layers: [accountLayer(account), roleLayer, [arn]] };
}

/** Every principal string a policy may name. */
const PRINCIPAL_ENTRIES = [
  ...new Set([...REQUESTERS.flatMap((r) => r.layers.flat()), `arn:aws:iam::${PRODUCTION}:role/stagerole`, `arn:aws:iam::${OUTSIDER}:root`]),
];

const ROLE_TARGETS = [
  { resource: `arn:aws:iam::${PRODUCTION}:role/StageRole`, account: PRODUCTION },
  { resource: `arn:aws:iam::${PRODUCTION}:role/team/Deployer`, account: PRODUCTION },
  { resource: `arn:aws:iam::${STAGING}:role/Builder`, account: STAGING },
];
const OBJECTS = ["arn:aws:s3:::prod-bucket/data/report.csv", "arn:aws:s3:::prod-bucket/a.txt", "arn:aws:s3:::other-bucket/a.txt"];
const BUCKETS = ["arn:aws:s3:::prod-bucket", "arn:aws:s3:::other-bucket"];

const ACTION_PATTERNS = [
  "*",
  "s3:*",
  "s3:Get*",
  "s3:GetObject",
  "s3:getobject",
  "S3:GetObject",
  "s3:*Object",
  "s3:?etObject",
  "s3:Put*",
  "s3:DeleteObject",
  "s3:List*",
  "sts:AssumeRole",
  "sts:*",
  "sts:Assume*",
  "sts:assumerole",
  "sts:TagSession",
];

const RESOURCE_PATTERNS = [
  "*",
  ...ROLE_TARGETS.map((t) => t.resource),
  `arn:aws:iam::${PRODUCTION}:role/*`,
  `arn:aws:iam::*:role/StageRole`,
  `arn:aws:iam::${PRODUCTION}:role/Stage?ole`,
  `arn:aws:iam::${PRODUCTION}:role/stagerole`,
  `arn:aws:iam::${PRODUCTION}:role/team/*`,
  `arn:aws:iam::${PRODUCTION}:*`,
  ...BUCKETS,
  "arn:aws:s3:::prod-bucket/*",
  "arn:aws:s3:::prod-*",
  "arn:aws:s3:::prod-bucket/data/*",
  "arn:aws:s3:::*/a.txt",
  "arn:aws:s3:::Prod-bucket/*",
  "arn:aws:s3:::prod-bucket/?.txt",
  "arn:aws:s3:::other-bucket/*",
];

const requestArb: fc.Arbitrary<Omit<EvaluationRequest, "context">> = fc.oneof(
  fc
    .record({
      requester: fc.constantFrom(...REQUESTERS),
      action: fc.constantFrom("sts:AssumeRole", "sts:TagSession"),
      target: fc.constantFrom(...ROLE_TARGETS),
    })
    .map(({ requester, action, target }) => ({
      principal: { arn: requester.arn, accountId: requester.accountId },
      action,
      resource: target.resource,
      resourceAccountId: target.account,
    })),
  fc
    .record({
      requester: fc.constantFrom(...REQUESTERS),
      actionAndResource: fc.oneof(
        fc.tuple(fc.constantFrom("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), fc.constantFrom(...OBJECTS)),
        fc.tuple(fc.constantFrom("s3:ListBucket", "s3:GetBucketLocation"), fc.constantFrom(...BUCKETS)),
      ),
      resourceAccountId: fc.constantFrom(PRODUCTION, PRODUCTION, OUTSIDER),
    })
    .map(({ requester, actionAndResource: [action, resource], resourceAccountId }) => ({
      principal: { arn: requester.arn, accountId: requester.accountId },
      action,
      resource,
      resourceAccountId,
    })),
);

/** Value pools per kind; a condition sometimes draws from the wrong pool on purpose. */
const VALUES = {
  string: ["dev", "prod", "Dev", "pr*", "d?v", "report*", "team-a", "*"],
  arn: [
    ...PRINCIPAL_ENTRIES.filter((e) => e.startsWith("arn:")),
    `arn:aws:iam::${PRODUCTION}:role/*`,
    `arn:aws:*:*:${STAGING}:*`,
    "arn:aws:sts::*:assumed-role/StageRole/*",
    "not-an-arn",
  ],
  bool: ["true", "false", "TRUE", "False"],
  number: ["0", "1", "5", "10", "2.5", "-3", "100"],
  date: ["2020-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2030-01-01T00:00:00Z", "2024-06-01"],
};
type ValueKind = keyof typeof VALUES;

const CONTEXT_KEYS: Array<{ key: string; kind: ValueKind; multi?: boolean }> = [
  { key: "aws:SecureTransport", kind: "bool" },
  { key: "aws:PrincipalArn", kind: "arn" },
  { key: "aws:SourceArn", kind: "arn" },
  { key: "s3:prefix", kind: "string" },
  { key: "aws:PrincipalTag/team", kind: "string" },
  { key: "aws:TagKeys", kind: "string", multi: true },
  { key: "s3:max-keys", kind: "number" },
  { key: "aws:CurrentTime", kind: "date" },
];

const OPERATORS: Record<ValueKind, string[]> = {
  string: ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
  arn: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
  bool: ["Bool"],
  number: ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
  date: ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
};
const KINDS = Object.keys(VALUES) as ValueKind[];

/** Sometimes a key is spelled in another case: context keys are case-insensitive. */
const keySpelling = (key: string) => fc.constantFrom(key, key, key.toLowerCase(), key.toUpperCase());

const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));

const operatorNameArb = fc
  .record({
    base: fc.oneof(
      fc.constantFrom(...KINDS).chain((kind) => fc.constantFrom(...OPERATORS[kind])),
      fc.constant("Null"),
    ),
    set: fc.constantFrom(undefined, undefined, "ForAnyValue", "ForAllValues"),
    ifExists: fc.boolean(),
  })
  .map(({ base, set, ifExists }) => {
    if (base === "Null") return "Null";
    const suffix = ifExists && set !== "ForAnyValue" ? "IfExists" : "";
    return `${set === undefined ? "" : `${set}:`}${base}${suffix}`;
  });

function valuesFor(operator: string, keyKind: ValueKind): fc.Arbitrary<string | string[]> {
  if (operator === "Null") return oneOrMany(fc.constantFrom("true", "false"));
  const operatorKind = KINDS.find((kind) => OPERATORS[kind].some((name) => operator.includes(name))) ?? keyKind;
  const wrongKind = numericOnDate(operator, keyKind) ? operatorKind : keyKind;
  const pool = fc.oneof({ weight: 4, arbitrary: fc.constant(operatorKind) }, { weight: 1, arbitrary: fc.constant(wrongKind) });
  return pool.chain((kind) => oneOrMany(fc.constantFrom(...VALUES[kind])));
}

/** iam-simulate reads "2020-01-01T…" as the number 2020 (parseInt); AWS finds no number there. */
const numericOnDate = (operator: string, kind: ValueKind) => operator.includes("Numeric") && kind === "date";

const conditionEntryArb = fc
  .record({ operator: operatorNameArb, key: fc.constantFrom(...CONTEXT_KEYS) })
  .filter(({ operator, key }) => !numericOnDate(operator, key.kind))
  .chain(({ operator, key }) => fc.tuple(fc.constant(operator), keySpelling(key.key), valuesFor(operator, key.kind)));

const conditionArb: fc.Arbitrary<PolicyStatement["Condition"]> = fc.array(conditionEntryArb, { minLength: 1, maxLength: 3 }).map((entries) => {
  const block: NonNullable<PolicyStatement["Condition"]> = {};
  for (const [operator, key, values] of entries) block[operator] = { ...block[operator], [key]: values };
  return block;
});

const contextArb: fc.Arbitrary<Record<string, ContextValue>> = fc.subarray(CONTEXT_KEYS).chain((keys) =>
  fc.record(
    Object.fromEntries(
      keys.map(({ key, kind, multi }) => {
        const single = fc.constantFrom(...VALUES[kind]);
        return [
          key,
          multi
            ? fc.array(single, { minLength: 0, maxLength: 3 })
            : fc.oneof({ weight: 5, arbitrary: single }, { weight: 1, arbitrary: fc.array(single, { maxLength: 2 }) }),
        ];
      }),
    ),
  ),
);

const list = <T>(values: readonly T[]) => oneOrMany(fc.constantFrom(...values));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/**
 * Pools for one request: the vocabulary plus the request's own action, resource and
 * principal, so statements often apply and every decision is well represented.
 */
interface Pools {
  actions: string[];
  resources: string[];
  principals: string[];
}

function poolsFor(request: Omit<EvaluationRequest, "context">): Pools {
  const requester = REQUESTERS.find((r) => r.arn === request.principal.arn)!;
  const often = <T>(value: T, times: number) => Array<T>(times).fill(value);
  return {
    actions: [...ACTION_PATTERNS, ...often(request.action, 8)],
    resources: [...RESOURCE_PATTERNS, ...often(request.resource, 10)],
    principals: [...PRINCIPAL_ENTRIES, ...requester.layers.flat(), ...requester.layers.flat()],
  };
}

const actionElementArb = (pools: Pools) =>
  fc.oneof(
    { weight: 4, arbitrary: list(pools.actions).map((Action) => ({ Action })) },
    { weight: 1, arbitrary: list(pools.actions).map((NotAction) => ({ NotAction })) },
  );

const resourceElementArb = (pools: Pools) =>
  fc.oneof(
    { weight: 4, arbitrary: list(pools.resources).map((Resource) => ({ Resource })) },
    { weight: 1, arbitrary: list(pools.resources).map((NotResource) => ({ NotResource })) },
  );

const principalArb = (pools: Pools): fc.Arbitrary<PolicyPrincipal> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<PolicyPrincipal>("*", { AWS: "*" }, { Service: "ec2.amazonaws.com" }) },
    { weight: 6, arbitrary: list(pools.principals).map((AWS) => ({ AWS })) },
  );

const commonArb = fc.record({
  Sid: optional(fc.constantFrom("First", "Second", "Third")),
  Effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Allow", "Allow", "Deny"),
  Condition: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: conditionArb }),
});

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const identityStatementArb = (pools: Pools): fc.Arbitrary<PolicyStatement> =>
  fc
    .tuple(commonArb, actionElementArb(pools), resourceElementArb(pools))
    .map(([common, action, resource]) => withoutUndefined({ ...common, ...action, ...resource }));

/** NotPrincipal only with Deny: AWS does not support it with Allow. */
const resourceStatementArb = (pools: Pools): fc.Arbitrary<PolicyStatement> =>
  fc
    .tuple(commonArb, actionElementArb(pools), optional(resourceElementArb(pools)), principalArb(pools), fc.boolean())
    .map(([common, action, resource, principal, negate]) => {
      const who = negate && common.Effect === "Deny" ? { NotPrincipal: principal } : { Principal: principal };
      return withoutUndefined({ ...common, ...action, ...resource, ...who });
    });

const documentOf = (statements: fc.Arbitrary<PolicyStatement>) =>
  fc.array(statements, { minLength: 1, maxLength: 3 }).map((Statement): PolicyDocument => ({ Version: "2012-10-17", Statement }));

export const caseArb: fc.Arbitrary<{ request: EvaluationRequest; policies: PolicySet }> = requestArb.chain((request) => {
  const pools = poolsFor(request);
  return fc
    .record({
      context: contextArb,
      identity: fc.array(documentOf(identityStatementArb(pools)), { maxLength: 2 }),
      resource: optional(documentOf(resourceStatementArb(pools))),
    })
    .map(({ context, identity, resource }) => ({
      request: { ...request, context },
      policies: {
        identity: identity.map((document, index) => ({ label: `identity-${index}`, document })),
        ...(resource === undefined ? {} : { resource: { label: "resource", document: resource } }),
      },
    }));
});

/**
 * A NotPrincipal naming the account but not the user (say) denies per the AWS docs and not
 * per iam-simulate, which exempts anyone named at any layer. Such cases are skipped.
 */
export function namesSomeButNotAllLayers(policies: PolicySet, requesterArn: string): boolean {
  const requester = REQUESTERS.find((r) => r.arn === requesterArn)!;
  return (policies.resource?.document.Statement ?? []).some((statement) => {
    if (statement.NotPrincipal === undefined || statement.NotPrincipal === "*") return false;
    const aws = statement.NotPrincipal.AWS ?? [];
    const entries = Array.isArray(aws) ? aws : [aws];
    if (entries.includes("*")) return false;
    const named = requester.layers.filter((layer) => layer.some((entry) => entries.includes(entry))).length;
    return named > 0 && named < requester.layers.length;
  });
}
