/**
 * The policy layers of a request, by name, and what each does with the others' Allows (AWS's
 * policy evaluation logic):
 *
 * - "grants": identity policies and the resource's policy; their Allows grant access.
 * - "narrows": the permissions boundary and session policies. The principal's grants count only
 *   where it allows too, except a same-account resource policy naming the requester's own ARN
 *   (the user, or the session itself; not the role, the account or `*`).
 * - "bounds": organization SCPs (the principal's account) and RCPs (the resource's account).
 *   Every level, root → OUs → account, must allow, or nothing is allowed.
 *
 * Every layer's Denies apply.
 */
import type { LabeledPolicy, PolicySet } from "./types.js";

export type LayerName = "identity" | "resource" | "permissions boundary" | "session policies" | "SCPs" | "RCPs";
export type LayerRole = "grants" | "narrows" | "bounds";

export interface Layer {
  name: LayerName;
  role: LayerRole;
  /** One list per level; layers other than SCPs and RCPs have one level. */
  levels: LabeledPolicy[][];
  /** How a sentence names a policy of this layer, after its label; empty for identity and resource. */
  title: string;
}

/** The layers present in a policy set, in the order AWS's evaluation flowchart checks them. */
export function layersOf(policies: PolicySet): Layer[] {
  const layers: Layer[] = [];
  if (policies.rcps !== undefined) layers.push({ name: "RCPs", role: "bounds", levels: policies.rcps, title: "an RCP of the organization" });
  if (policies.scps !== undefined) layers.push({ name: "SCPs", role: "bounds", levels: policies.scps, title: "an SCP of the organization" });
  layers.push({ name: "resource", role: "grants", levels: [policies.resource ? [policies.resource] : []], title: "" });
  layers.push({ name: "identity", role: "grants", levels: [policies.identity], title: "" });
  if (policies.permissionsBoundary !== undefined) {
    layers.push({ name: "permissions boundary", role: "narrows", levels: [[policies.permissionsBoundary]], title: "the permissions boundary" });
  }
  if (policies.sessionPolicies !== undefined) {
    layers.push({ name: "session policies", role: "narrows", levels: [policies.sessionPolicies], title: "a session policy" });
  }
  return layers;
}
