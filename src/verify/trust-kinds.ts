/**
 * Who else a reused role's trust admits besides IAM principals: web-identity (OIDC) and SAML
 * providers, and AWS services. Pure: the trust in, hops out.
 *
 * - Federated: anyone the provider issues a token or assertion to may assume the role unless a
 *   condition pins the subject (`…:sub`, `saml:sub`). Without one it admits outsiders (✘); with
 *   one xacct cannot tell whether the subjects pinned are people the owner controls (?).
 * - Service: a service such as ec2.amazonaws.com acts for resources that someone allowed to pass
 *   the role (iam:PassRole) attached it to, and those live in the role's own account: reported
 *   as a warning, like Production's own principals. A service outside that short list may act
 *   for resources of any account (the confused deputy): unless aws:SourceAccount, aws:SourceArn
 *   (with Production's account in it) or aws:SourceOrgID keeps other accounts out, xacct cannot
 *   tell who gets in (?).
 */
import { policyDocument, type PolicyStatement } from "../policy/documents.js";
import { describeStatement, evaluate, type LabeledPolicy } from "../policy-eval/index.js";
import type { Hop } from "./hops/types.js";
import { sourceArnPatterns, sourceArnsFor } from "./source-arn.js";

/**
 * Services that assume a role only for a resource it was attached to with iam:PassRole, which
 * works only in the role's own account. Kept short on purpose: another service may act for
 * another account's resources, so without an aws:Source* condition xacct cannot tell.
 */
const PASS_ROLE_ONLY = new Set([
  "ec2.amazonaws.com",
  "lambda.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "eks.amazonaws.com",
  "eks-pods.amazonaws.com",
  "batch.amazonaws.com",
  "states.amazonaws.com",
  "codebuild.amazonaws.com",
  "glue.amazonaws.com",
  "sagemaker.amazonaws.com",
]);
const SUBJECT_KEY = /(:sub|^saml:sub|^saml:sub_type)$/i;
const ANY_IDENTITY: LabeledPolicy = {
  label: "(the caller's own permissions, assumed to allow)",
  assumed: true,
  document: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]),
};

export interface TrustTarget {
  roleName: string;
  roleArn: string;
  productionAccountId: string;
}

function entries(statements: PolicyStatement[], kind: "Federated" | "Service"): string[] {
  const named = statements.flatMap((s) => (s.Principal && s.Principal !== "*" ? [s.Principal[kind] ?? []].flat() : []));
  return [...new Set(named)];
}

/** Keys a service's or a provider's request lacks: it is no IAM principal of any account. */
const NOT_IAM = ["aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:userid", "aws:username", "aws:PrincipalTag"];

function granting(
  trust: LabeledPolicy,
  principal: { arn: string; accountId: string; kind: "federated" | "service" },
  action: string,
  context: Record<string, string>,
) {
  const kindContext: Record<string, string> =
    principal.kind === "service"
      ? { "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": principal.arn, "aws:PrincipalType": "Service" }
      : { "aws:PrincipalIsAWSService": "false", "aws:FederatedProvider": principal.arn, "aws:PrincipalType": "WebIdentity" };
  const request = { principal, action, resource: "", resourceAccountId: "", context: { ...kindContext, ...context }, open: { absent: NOT_IAM } };
  const result = evaluate(request, { identity: [ANY_IDENTITY], resource: trust });
  return result.decision === "Allow" ? result.deciding.filter((d) => d.policy === trust.label) : [];
}

/** Web-identity and SAML providers the trust admits: ✘ without a subject condition, ? with one. */
export function federatedHop(trust: LabeledPolicy, target: TrustTarget): Hop | undefined {
  const providers = entries(trust.document.Statement, "Federated");
  if (providers.length === 0) return undefined;
  const title = `no identity provider's users outside Production can assume ${target.roleName}`;
  let undecided: string[] = [];
  for (const provider of providers) {
    const action = /saml-provider\//.test(provider) ? "sts:AssumeRoleWithSAML" : "sts:AssumeRoleWithWebIdentity";
    const admitting = granting(trust, { arn: provider, accountId: "", kind: "federated" }, action, {});
    if (admitting.length === 0) continue;
    const pinned = admitting.every((d) =>
      Object.values(trust.document.Statement[d.statementIndex]?.Condition ?? {}).some((keys) => Object.keys(keys).some((k) => SUBJECT_KEY.test(k))),
    );
    const named = admitting.map(describeStatement).join(", ");
    if (!pinned) {
      return {
        id: "federated-cannot-assume",
        title,
        ok: false,
        detail: `Anyone ${provider} issues a token or assertion to may assume it, admitted by ${named}: no condition pins the subject (…:sub).`,
        fix: `Remove ${named}, or pin the subject with a condition (e.g. token.actions.githubusercontent.com:sub = repo:OWNER/REPO:…), or use a role of this setup's own (--role-name).`,
      };
    }
    undecided = [...undecided, named];
  }
  if (undecided.length === 0) return { id: "federated-cannot-assume", title, ok: true, detail: "No statement admits a federated user." };
  return {
    id: "federated-cannot-assume",
    title,
    ok: null,
    detail: `Cannot tell: ${undecided.join(", ")} admit${undecided.length === 1 ? "s" : ""} federated users whose subject a condition names; xacct cannot know whether those subjects are people Production controls.`,
    fix: `Check the subject conditions of ${undecided.join(", ")}, or use a role of this setup's own (--role-name).`,
  };
}

/** AWS services the trust admits: a warning for services acting in Production only, ? for others not pinned to Production. */
export function serviceHop(trust: LabeledPolicy, target: TrustTarget): Hop | undefined {
  const services = entries(trust.document.Statement, "Service");
  const title = `no AWS service can assume ${target.roleName} for another account's resources`;
  const patterns = sourceArnPatterns(trust.document.Statement);
  const admitted = services.flatMap((service) => {
    const all = granting(trust, { arn: service, accountId: "", kind: "service" }, "sts:AssumeRole", {});
    if (all.length === 0) return [];
    const outside = "999999999999";
    // One request per resource shape the trust names: a SourceArn whose account part is a wildcard (or missing) admits the outsider's.
    const partition = target.roleArn.split(":")[1] ?? "aws";
    const forOutsider = sourceArnsFor(service, outside, partition, "us-east-1", patterns).some(
      (sourceArn) =>
        granting(trust, { arn: service, accountId: "", kind: "service" }, "sts:AssumeRole", {
          "aws:SourceAccount": outside,
          "aws:SourceArn": sourceArn,
          "aws:SourceOrgID": "o-outsider00",
        }).length > 0,
    );
    return [{ service, named: all.map(describeStatement).join(", "), deputy: forOutsider && !PASS_ROLE_ONLY.has(service.toLowerCase()) }];
  });
  if (admitted.length === 0) return undefined;
  const deputies = admitted.filter((a) => a.deputy);
  if (deputies.length > 0) {
    const list = deputies.map((d) => `${d.service} (${d.named})`).join(", ");
    return {
      id: "service-cannot-assume",
      title,
      ok: null,
      detail: `Cannot tell: ${list} may act for resources of any account, and no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID condition keeps other accounts out.`,
      fix: `Add a condition aws:SourceAccount = ${target.productionAccountId} to those statements, or use a role of this setup's own (--role-name).`,
    };
  }
  const list = admitted.map((a) => `${a.service} (${a.named})`).join(", ");
  return {
    id: "production-services-cannot-assume",
    title: `no AWS service can assume ${target.roleName} for Production's own resources`,
    ok: false,
    detail: `${list} may assume it for Production's own resources that someone let pass the role; they read the bucket too.`,
    fix: `Remove those statements if such resources should not read the bucket, or use a role of this setup's own (--role-name).`,
  };
}
