/**
 * xacct's statement in a role's trust policy, under the setup's own Sid: merged into whatever
 * trust an existing role has (other principals keep their access), and taken out again by
 * teardown from a role xacct did not make, which stays.
 */
import { UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { readRole } from "./role.js";
import { trustWithoutOurs } from "./trust-statements.js";
import { keptNow, NO_LONGER, type Removal, type ResourceKind, type TeardownTarget } from "./resource.js";
import { xacctSetupOf, type ProductionState } from "./state.js";

/** Teardown only: setup writes the trust with the role (role.ts). */
export const roleTrust: ResourceKind = {
  id: "role-trust",
  account: "production",
  hiddenWhenNone: true,
  removal: ({ target, prod }) => foreignTrustRemoval(target, prod),
  remove: ({ clients, target }) => ({
    title: `Remove xacct's statement from the trust policy of role ${target.roleName}`,
    remove: async () => {
      const role = await readRole(clients, target.roleName);
      if (!role) return "absent";
      const now = trustWithoutOurs(role.trust, target);
      if (now.kind !== "update") return now.kind === "none" ? "absent" : keptNow(now.note ?? NO_LONGER);
      await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: target.roleName, PolicyDocument: JSON.stringify(now.after) }));
      return "updated";
    },
  }),
};

/** A role setup used but did not make keeps existing: only xacct's trust statement leaves it. */
function foreignTrustRemoval(target: TeardownTarget, prod: ProductionState): Removal {
  const resource = `xacct's statement in the trust policy of role ${target.roleName}`;
  // Only a role xacct did not make at all: another setup's role is that setup's to change.
  const foreign = prod.role !== undefined && xacctSetupOf(prod.role.tags) === undefined;
  if (!prod.role || !foreign) return { id: "role-trust", account: "production", kind: "none", resource };
  const { kind, after, note } = trustWithoutOurs(prod.role.trust, target);
  return { id: "role-trust", account: "production", kind, resource, ...(note ? { note } : {}), ...(after ? { before: prod.role.trust, after } : {}) };
}
