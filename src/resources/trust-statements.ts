/**
 * xacct's statement in a role's trust policy, found by the setup's own Sid (or an older
 * xacct's shared one): merged into what a role has, refused where another party's statement
 * sits under xacct's Sid, and taken out again. Pure: documents in, documents out.
 */
import { invalidInput } from "../errors.js";
import { setupId, type SetupPlan } from "../plan.js";
import {
  inexactRewriteNote,
  isTrustSid,
  isXacctTrustStatement,
  mergeOwnedStatements,
  notExactParts,
  refuseLanguageChange,
  removeOwnedStatements,
  sameGrant,
  SID,
  trustStatementSid,
  type PolicyDocument,
  type PolicyStatement,
  shownText,
} from "../policy/index.js";
import { foreignStatementNames, type RemovalKind, type TeardownTarget } from "./resource.js";
import { madeBySetup, type RoleState } from "./state.js";

/** The trust setup writes: xacct's statement merged into an existing role's trust, or the plan's trust for a new role. */
export function mergedTrust(plan: SetupPlan, role: RoleState | undefined): PolicyDocument {
  return role ? mergeOwnedStatements(role.trust, plan.documents.trust.Statement, legacyTrustSids(plan, role)) : plan.documents.trust;
}

/**
 * An older xacct wrote its trust statement under one shared Sid. It is this setup's, and gives
 * way to the setup's own Sid, in a role this setup made, or where it grants exactly the same.
 */
function legacyTrustSids(plan: SetupPlan, role: RoleState): string[] {
  const ownRole = madeBySetup(role.tags, setupId(plan.answers));
  const wanted = plan.documents.trust.Statement[0]!;
  return role.trust.Statement.filter((s) => s.Sid === SID.trustStaging && isXacctTrustStatement(s) && (ownRole || sameGrant(s, wanted))).map((s) => s.Sid!);
}

/** An existing role's trust must not hold another party's statement under xacct's Sid, nor need a new language. */
export function refuseUnsafeTrustMerge(plan: SetupPlan, trust: PolicyDocument): void {
  const borrowed = trust.Statement.filter((s) => isTrustSid(s.Sid) && !isXacctTrustStatement(s));
  if (borrowed.length > 0) {
    throw invalidInput(
      `The trust policy of role ${plan.answers.roleName} holds ${borrowed.map((s) => `statement ${shownText(s.Sid!)}`).join(", ")}, which was not written by xacct (its content is not xacct's); xacct will not overwrite or remove it.`,
      "Give that statement a Sid of its own in the role's trust policy, or choose another role with --role-name.",
    );
  }
  refuseLanguageChange(trust, plan.documents.trust.Statement, `trust policy of role ${plan.answers.roleName}`);
}

/**
 * The trust of a role xacct did not make, without this setup's statement: the one under its own
 * Sid, or one an older xacct wrote under the shared Sid that grants exactly what this setup
 * grants. Kind "none" when there is none; "keep" when only statements of others are there.
 */
export function trustWithoutOurs(trust: PolicyDocument, target: TeardownTarget): { kind: RemovalKind; after?: PolicyDocument; note?: string; rest: string[] } {
  const own = trustStatementSid(setupId(target));
  const isOurs = (s: PolicyStatement) =>
    isXacctTrustStatement(s) && (s.Sid === own || (s.Sid === SID.trustStaging && target.trustStatement !== undefined && sameGrant(s, target.trustStatement)));
  const ours = trust.Statement.filter(isOurs).map((s) => s.Sid!);
  const others = trust.Statement.filter((s) => isTrustSid(s.Sid) && !isOurs(s));
  const rest = [...foreignStatementNames({ Statement: trust.Statement.filter((s) => !isOurs(s)) }), ...notExactParts(trust)];
  const whyOthers = others.map((s) =>
    isXacctTrustStatement(s)
      ? `statement ${shownText(s.Sid!)} is another setup's, or an older xacct's with other settings`
      : `statement ${shownText(s.Sid!)} was not written by xacct, so its content is not xacct's`,
  );
  if (ours.length === 0) return others.length > 0 ? { kind: "keep", note: whyOthers.join("; "), rest } : { kind: "none", rest };
  const inexact = inexactRewriteNote(trust);
  if (inexact) return { kind: "keep", note: `the trust policy ${inexact}`, rest };
  const after = removeOwnedStatements(trust, ours);
  return after
    ? { kind: "update", after, rest }
    : { kind: "keep", note: "it is the role's only statement: edit the trust policy or delete the role yourself", rest };
}
