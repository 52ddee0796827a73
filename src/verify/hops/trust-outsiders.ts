/** No one but the planned Staging principals may assume the role: other accounts, the organization, Production. Pure. */
import { accountRootArn } from "../../policy/arn.js";
import { SID, policyDocument, type PolicyStatement } from "../../policy/documents.js";
import { trustStatementSid } from "../../policy/ownership.js";
import { setupId } from "../../plan.js";
import { evaluate, type LabeledPolicy } from "../../policy-eval/index.js";
import type { PathDocuments } from "../documents.js";
import { accountOutsiders, organizationMember, withoutNetwork } from "../outsiders.js";
import { NETWORK_FIX, throughNetworkDetail } from "./beyond.js";
import { ANY_IDENTITY, grantingStatements, OUTSIDER_CHOOSES, outsiderTarget, withoutStatements } from "./judge.js";
import type { RolePath } from "./path.js";
import type { Hop, VerifyTarget } from "./types.js";

/**
 * No principal outside the sides may assume the role, whatever it sends: the whole trust as it
 * is (or will be after the merge) is judged, and the first statement letting one in is named.
 */
export function thirdAccountAssumeHop(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop {
  const title = `a third account cannot assume ${target.roleName}`;
  let throughNetwork: Hop | undefined;
  for (const outsider of accountOutsiders(docs, outsiderTarget(target))) {
    const request = { ...path.assume(outsider.principal), context: outsider.context, open: outsider.open };
    const result = evaluate(request, { identity: [ANY_IDENTITY], resource: trust });
    if (result.decision !== "Allow") continue;
    const admitting = grantingStatements(result);
    if (evaluate({ ...request, open: withoutNetwork(outsider.open) }, { identity: [ANY_IDENTITY], resource: trust }).decision !== "Allow") {
      throughNetwork ??= {
        id: "third-account-cannot-assume",
        title,
        ok: null,
        detail: throughNetworkDetail({ action: "sts:AssumeRole", resource: target.roleArn, result }, outsider.who, admitting),
        fix: NETWORK_FIX(admitting),
      };
      continue;
    }
    return {
      id: "third-account-cannot-assume",
      title,
      ok: false,
      detail: `${outsider.who} may assume it, admitted by ${admitting}. ${OUTSIDER_CHOOSES}`,
      fix: `Narrow or remove ${admitting} so that only account ${target.stagingAccountId} is admitted, or use a role of this setup's own (--role-name).`,
    };
  }
  return (
    throughNetwork ?? { id: "third-account-cannot-assume", title, ok: true, detail: "No statement admits a principal of any other account, whatever it sends." }
  );
}

/**
 * With --org-id, a principal of another account of the organization. xacct's own statement
 * names the organization as a whole when there are several Staging accounts (Principal "*"
 * with aws:PrincipalOrgID): that holds as planned, but it lets in every account of the
 * organization, Production's principals too, and every summary must say so. Any other
 * statement admitting it lets in a third account.
 */
export function organizationHop(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath, orgId: string): Hop {
  const member = organizationMember(docs, outsiderTarget(target), orgId);
  const request = { ...path.assume(member.principal), context: member.context, open: member.open };
  const result = evaluate(request, { identity: [ANY_IDENTITY], resource: trust });
  const id = "organization-members-cannot-assume";
  if (result.decision !== "Allow") {
    return {
      id,
      title: `no other account of organization ${orgId} can assume ${target.roleName}`,
      ok: true,
      detail: "Only the named Staging accounts of the organization are admitted.",
    };
  }
  const admitting = grantingStatements(result);
  const isOurs = ownTrustStatement(trust, target);
  const others = evaluate(request, { identity: [ANY_IDENTITY], resource: withoutStatements(trust, isOurs) });
  if (others.decision === "Allow") {
    const foreign = grantingStatements(others);
    const sure = evaluate({ ...request, open: withoutNetwork(request.open) }, { identity: [ANY_IDENTITY], resource: withoutStatements(trust, isOurs) });
    if (sure.decision !== "Allow") {
      return {
        id,
        title: `no other account of organization ${orgId} can assume ${target.roleName}`,
        ok: null,
        detail: throughNetworkDetail({ action: "sts:AssumeRole", resource: target.roleArn, result: others }, member.who, foreign),
        fix: NETWORK_FIX(foreign),
      };
    }
    return {
      id,
      title: `no other account of organization ${orgId} can assume ${target.roleName}`,
      ok: false,
      detail: `${member.who} may assume it, admitted by ${foreign}. ${OUTSIDER_CHOOSES}`,
      fix: `Narrow or remove ${foreign}, or use a role of this setup's own (--role-name).`,
    };
  }
  const widens = `every principal of every account in organization ${orgId}, Production's included, may assume ${target.roleName}`;
  return {
    id,
    title: `the trust of ${target.roleName} admits organization ${orgId} as a whole`,
    ok: true,
    detail: `${admitting} names the organization, not each Staging account (--org-id with several accounts): ${widens} and read ${target.bucket}. Name the accounts with --trust-principal to narrow it.`,
    widens,
  };
}

/**
 * This setup's statement in the trust: its own Sid, or, in a trust an older xacct wrote, the
 * shared Sid that older versions gave every setup.
 */
export function ownTrustStatement(trust: LabeledPolicy, target: VerifyTarget): (s: PolicyStatement) => boolean {
  const own = trustStatementSid(setupId(target));
  const legacy = !trust.document.Statement.some((s) => s.Sid === own);
  return (s) => s.Sid === own || (legacy && s.Sid === SID.trustStaging);
}

/**
 * When xacct's trust statement narrows Staging (named principals, an external ID, MFA), no
 * other statement may admit Staging around it: a principal of each Staging account that is not
 * named, or that sends none of the keys xacct's statement requires, must stay out. Undefined
 * when xacct's statement does not narrow Staging (then any other statement admits no more).
 */
export function stagingAsPlannedHop(trust: LabeledPolicy, target: VerifyTarget, path: RolePath): Hop | undefined {
  const isOurs = ownTrustStatement(trust, target);
  const ours = trust.document.Statement.filter(isOurs);
  const others = withoutStatements(trust, isOurs);
  const required = [...new Set(ours.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys))))]
    // Which organization Staging is in is a fact xacct does not know; it is no caller's choice.
    .filter((key) => !/^aws:PrincipalOrg/i.test(key));
  const named = ours.flatMap((s) => (s.Principal && s.Principal !== "*" ? [s.Principal.AWS ?? []].flat() : []));
  const accounts = [target.stagingAccountId, ...(target.moreStagingAccountIds ?? [])];
  const narrowed = (account: string) => required.length > 0 || !named.some((p) => p === accountRootArn(path.partition, account) || p === account);
  const probes = accounts.filter(narrowed);
  if (ours.length === 0 || probes.length === 0) return undefined;
  const title = `the trust policy of ${target.roleName} admits Staging only as planned`;
  for (const account of probes) {
    const arn = `arn:${path.partition}:iam::${account}:role/xacct-unnamed`;
    const result = evaluate(
      {
        ...path.assume({ arn, accountId: account }),
        context: { "aws:PrincipalAccount": account, "aws:PrincipalArn": arn, "aws:ResourceAccount": target.productionAccountId },
        open: { absent: required },
      },
      { identity: [ANY_IDENTITY], resource: others },
    );
    if (result.decision !== "Allow") continue;
    const admitting = grantingStatements(result);
    const planned = [named.length > 0 && `only ${named.join(", ")}`, required.length > 0 && `only with ${required.join(", ")}`].filter(Boolean).join(", ");
    return {
      id: "trust-admits-staging-as-planned",
      title,
      ok: false,
      detail: `The plan admits account ${account} ${planned}, but ${admitting} admits its principals without that. ${OUTSIDER_CHOOSES}`,
      fix: `Narrow or remove ${admitting}, or use a role of this setup's own (--role-name).`,
    };
  }
  return { id: "trust-admits-staging-as-planned", title, ok: true, detail: "No other statement admits Staging principals that xacct's statement would not." };
}

/**
 * Another statement of the trust may admit principals of Production itself (a role reused from
 * CI, say): they would read the bucket through the role too. Their account owns the bucket, so
 * setup reports this rather than refusing it.
 */
export function productionOthersHop(trust: LabeledPolicy, docs: PathDocuments, target: VerifyTarget, path: RolePath): Hop {
  // A statement that admits outsiders too is the third-account check's to report.
  const outsiders = accountOutsiders(docs, outsiderTarget(target));
  const admitsOutsider = (statement: PolicyStatement) =>
    outsiders.some(
      (o) =>
        evaluate(
          { ...path.assume(o.principal), context: o.context, open: o.open },
          { identity: [ANY_IDENTITY], resource: { label: trust.label, document: policyDocument([statement]) } },
        ).decision === "Allow",
    );
  const isOurs = ownTrustStatement(trust, target);
  const others = withoutStatements(trust, (s) => isOurs(s) || admitsOutsider(s));
  const account = target.productionAccountId;
  const arn = `arn:${path.partition}:iam::${account}:role/xacct-other`;
  const result = evaluate(
    {
      ...path.assume({ arn, accountId: account }),
      context: { "aws:PrincipalAccount": account, "aws:PrincipalArn": arn, "aws:ResourceAccount": account },
      open: { absent: [] },
    },
    { identity: [ANY_IDENTITY], resource: others },
  );
  const title = `no other principal of Production can assume ${target.roleName}`;
  if (result.decision !== "Allow")
    return { id: "production-others-cannot-assume", title, ok: true, detail: "No other statement admits principals of Production." };
  const admitting = grantingStatements(result);
  return {
    id: "production-others-cannot-assume",
    title,
    ok: false,
    detail: `Principals of Production may assume it, admitted by ${admitting}, and so read ${target.bucket}.`,
    fix: `Narrow or remove ${admitting} if they should not read the bucket, or use a role of this setup's own (--role-name).`,
  };
}
