/**
 * AWS services the bucket policy names (s3.amazonaws.com for inventory or replication,
 * logging.s3.amazonaws.com, …) act for resources of whichever account set them up: without
 * aws:SourceAccount, aws:SourceArn or aws:SourceOrgID naming Production, another account's
 * inventory, logs or exports can use this bucket (the confused deputy), as the trust's service
 * check says of roles. Pure: the bucket policy in, a hop out.
 */
import type { PolicyStatement } from "../../policy/documents.js";
import type { ContextValue, LabeledPolicy } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { accountsNamedBy, NETWORK_KEYS, outsideAccount, type Outsider } from "../outsiders.js";
import type { S3ActionKind } from "../s3-actions.js";
import { firstReach, outsiderRequest, type Reach } from "./beyond.js";
import { ANY_IDENTITY, grantingStatements, outsiderTarget } from "./judge.js";
import { sourceArnPatterns, sourceArnsFor } from "../source-arn.js";
import type { Hop, VerifyTarget } from "./types.js";

const ALL: S3ActionKind[] = ["read", "list", "write", "delete", "administer"];
/** Keys a service's request lacks: it is no IAM principal of any account, and it calls from AWS's own network. */
const NOT_IAM = [
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:userid",
  "aws:username",
  "aws:PrincipalTag",
  ...NETWORK_KEYS,
];

function servicesNamed(statements: PolicyStatement[]): string[] {
  const named = statements.flatMap((s) => [s.Principal, s.NotPrincipal].flatMap((p) => (p && p !== "*" ? [p.Service ?? []].flat() : [])));
  return [...new Set(named)];
}

/** The service acting for a resource of `account`, one request per resource shape the statements name. */
function servicesActingFor(service: string, account: string, target: VerifyTarget, patterns: string[]): Outsider[] {
  const partition = outsiderTarget(target).partition;
  return sourceArnsFor(service, account, partition, target.region, patterns).map((sourceArn) => ({
    who: account === target.productionAccountId ? service : `${service} acting for account ${account} (source ${sourceArn})`,
    principal: { arn: service, accountId: "", kind: "service" },
    context: {
      "aws:PrincipalIsAWSService": true,
      "aws:PrincipalServiceName": service,
      "aws:ResourceAccount": target.productionAccountId,
      "aws:SourceAccount": account,
      "aws:SourceArn": sourceArn,
      "aws:SourceOrgID": "o-outsider00",
    } satisfies Record<string, ContextValue>,
    open: { absent: NOT_IAM },
    publicInS3Terms: false,
  }));
}

function reachOf(bucketPolicy: LabeledPolicy, outsider: Outsider, target: VerifyTarget): Reach | undefined {
  const reach = firstReach({ identity: [ANY_IDENTITY], resource: bucketPolicy }, outsiderRequest(outsider, target), ALL, target);
  return reach && { ...reach, who: outsider.who };
}

/**
 * ✘ when a service may act on the bucket for an account other than Production (one no
 * document names, or one they name); a warning-level ✘ when it may for Production's own
 * resources only; undefined when the bucket policy names no service.
 */
export function bucketServiceHops(docs: PathDocuments, target: VerifyTarget): Hop[] {
  const bucketPolicy = docs.bucketPolicy;
  const services = bucketPolicy ? servicesNamed(bucketPolicy.document.Statement) : [];
  if (!bucketPolicy || services.length === 0) return [];
  const named = accountsNamedBy(docs);
  // An account no document names first, then every account they name but Production.
  const others = [outsideAccount(named, outsiderTarget(target)), ...[...named].filter((a) => a !== target.productionAccountId).sort()];
  const title = `no AWS service can act on ${target.bucket} for another account's resources`;
  const patterns = sourceArnPatterns(bucketPolicy.document.Statement);
  const actingFor = (account: string) => services.flatMap((service) => servicesActingFor(service, account, target, patterns));
  const deputy = others
    .flatMap(actingFor)
    .map((outsider) => reachOf(bucketPolicy, outsider, target))
    .find((r) => r !== undefined);
  if (deputy) {
    const statements = grantingStatements(deputy.result);
    return [
      {
        id: "services-cannot-reach-bucket",
        title,
        ok: false,
        detail: `${deputy.who} may ${deputy.action} on ${deputy.resource}, allowed by ${statements}: no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID condition keeps other accounts' resources out (another account's inventory, logs or exports can name this bucket). An aws:SourceArn keeps them out only when it names Production's account; S3's ARNs name none.`,
        fix: `Add a condition aws:SourceAccount = ${target.productionAccountId} to ${statements} (an aws:SourceArn alone limits it only when its account part is Production's).`,
      },
    ];
  }
  const hops: Hop[] = [
    {
      id: "services-cannot-reach-bucket",
      title,
      ok: true,
      detail: `${services.join(", ")} may act on the bucket only for Production's own resources, if at all.`,
    },
  ];
  const own = actingFor(target.productionAccountId)
    .map((outsider) => reachOf(bucketPolicy, outsider, target))
    .find((r) => r !== undefined);
  if (own) {
    const statements = grantingStatements(own.result);
    hops.push({
      id: "production-services-cannot-reach-bucket",
      title: `no AWS service can act on ${target.bucket} for Production's own resources`,
      ok: false,
      detail: `${own.who ?? "A service"} may ${own.action} on ${own.resource} for Production's own resources, allowed by ${statements}; what it delivers there, Staging reads too.`,
      fix: `Remove ${statements} if Production's services should not deliver into a bucket Staging reads.`,
    });
  }
  return hops;
}
