/**
 * Whether the organization policies (SCPs, RCPs) on the path were checked. They are applied
 * inside the hops they bound; this hop says when they could not be read (`?`, naming the
 * account and how to let verify read them), or that they were. None when neither side is in
 * an organization, or each is its management account (where SCPs and RCPs do not apply). Pure.
 */
import type { PathDocuments } from "../documents.js";
import type { SideOrgPolicies } from "../org-policies.js";
import type { Hop } from "./types.js";

const TITLE = "organization policies (SCPs, RCPs) on the path";

export function organizationPoliciesHop(docs: PathDocuments): Hop | undefined {
  const org = docs.organization;
  if (!org) return undefined;
  const sides = [
    ["Staging", org.staging],
    ["Production", org.production],
  ] as const;
  const unreadable = sides.filter((s): s is readonly [(typeof s)[0], Extract<SideOrgPolicies, { kind: "unreadable" }>] => s[1].kind === "unreadable");
  if (unreadable.length > 0) {
    const which = unreadable.map(([side, p]) => `${side} account ${p.accountId} (${p.why})`).join("; ");
    return {
      id: "organization-policies-checked",
      title: `${TITLE}: not checked (no access)`,
      ok: null,
      detail: `Cannot tell: the SCPs and RCPs of ${which} could not be read, and one may deny a request on the path.`,
      fix: "Run `xacct verify --org-profile PROFILE` with a profile of the organization's management account or of a delegated administrator for Organizations, or check the SCPs and RCPs there yourself.",
    };
  }
  const read = sides.flatMap(([side, p]) => (p.kind === "read" ? [`${side}'s ${appliedLayers(side, p)}`] : []));
  if (read.length === 0) return undefined;
  return { id: "organization-policies-checked", title: `${TITLE} were read and applied`, ok: true, detail: `Applied in the hops above: ${read.join("; ")}.` };
}

/** Which layers of one side apply on the path: its SCPs (its principals), and Production's RCPs (its resources). */
function appliedLayers(side: "Staging" | "Production", policies: Extract<SideOrgPolicies, { kind: "read" }>): string {
  const layers = [policies.scps ? "SCPs" : undefined, side === "Production" && policies.rcps ? "RCPs" : undefined].filter((l) => l !== undefined);
  return layers.length > 0 ? layers.join(" and ") : `organization ${policies.orgId} (no SCPs or RCPs enabled)`;
}
