/**
 * Writing (or taking out) this setup's statement in a key policy others share. KMS has no
 * conditional PutKeyPolicy either, so, as for the bucket policy: one xacct process at a time
 * per key on this machine, the merge redone on the policy as it is at that moment (where only
 * other setups' statements may have come or gone since the plan), refused when anything else
 * changed since the plan, and the policy read back after the write.
 */
import type { AwsClients } from "../aws/clients.js";
import { putKeyPolicy, readKeyPolicy } from "../aws/kms.js";
import { withPolicyLock } from "./policy-lock.js";
import { XacctError } from "../errors.js";
import {
  isXacctKeyStatement,
  mergeKeyStatement,
  refuseInexactRewrite,
  refuseOversizedKeyPolicy,
  refuseUnsafeKeyMerge,
  removeKeyStatement,
  sameGrant,
  type KeySetup,
  type PolicyDocument,
  type PolicyStatement,
  shownText,
} from "../policy/index.js";
import { sameDocument } from "../policy/index.js";

/** Writes that find the policy changed under them are redone at most this many times. */
export const KEY_POLICY_ATTEMPTS = 4;

export interface KeyPolicyWrite {
  setup: KeySetup;
  /** The key policy as the plan read and showed it. */
  planned: PolicyDocument;
  /** "merge" for setup, "remove" for teardown. */
  action: "merge" | "remove";
  /** Where xacct processes on this machine meet to take turns (one lock file per key). */
  lockDirectory: string;
  profile?: string | undefined;
}

export async function writeKeyPolicy(clients: AwsClients, write: KeyPolicyWrite): Promise<void> {
  const { setup } = write;
  const others = write.planned.Statement.filter((s) => s.Sid !== setup.statement.Sid);
  await withPolicyLock(write.lockDirectory, "key policy", setup.keyArn, async () => {
    for (let attempt = 1; attempt <= KEY_POLICY_ATTEMPTS; attempt++) {
      const now = await readKeyPolicy(clients, setup.keyArn, write.profile);
      refuseOtherKeyChanges(now, write.planned, setup);
      if (write.action === "merge") refuseUnsafeKeyMerge(now, setup);
      refuseInexactRewrite(now, `key policy of ${setup.keyArn}`);
      const desired = write.action === "merge" ? mergeKeyStatement(now, setup) : removeKeyStatement(now, setup).after;
      if (write.action === "merge") refuseOversizedKeyPolicy(desired, setup.keyArn);
      if (!sameDocument(now, desired)) await putKeyPolicy(clients, setup.keyArn, desired, write.profile);
      const written = await readKeyPolicy(clients, setup.keyArn, write.profile);
      const ownOk = write.action === "merge" ? holdsAll(written, [setup.statement]) : !written.Statement.some((s) => s.Sid === setup.statement.Sid);
      if (
        ownOk &&
        holdsAll(
          written,
          others.filter((s) => !isXacctKeyStatement(s, setup.region)),
        )
      )
        return;
    }
    throw new XacctError(
      `The key policy of ${setup.keyArn} was changed by someone else each of the ${KEY_POLICY_ATTEMPTS} times xacct wrote it; statement ${setup.statement.Sid} may ${write.action === "merge" ? "not be" : "still be"} in it.`,
      { hint: "Another setup or person is writing that key policy at the same time: let them finish, then run the same command again." },
    );
  });
}

/**
 * Apart from xacct setups' own statements, the key policy must be as the plan showed it: its
 * other statements and its other fields (Version, Id). A change by anyone else since is not
 * for xacct to write over, nor to keep without having shown it.
 */
export function refuseOtherKeyChanges(now: PolicyDocument, planned: PolicyDocument, setup: KeySetup): void {
  const notSetups = (s: PolicyStatement) => !isXacctKeyStatement(s, setup.region);
  const shown = planned.Statement.filter(notSetups);
  const current = now.Statement.filter(notSetups);
  const lost = shown.filter((s) => !holdsAll(now, [s]));
  const added = current.filter((s) => !holdsAll({ Statement: shown }, [s]));
  const { Statement: _a, ...nowFields } = now;
  const { Statement: _b, ...plannedFields } = planned;
  const fieldsChanged = !sameDocument({ ...nowFields, Statement: [] }, { ...plannedFields, Statement: [] });
  if (lost.length === 0 && added.length === 0 && !fieldsChanged) return;
  const named = [...lost, ...added].map((s) => (s.Sid === undefined ? "statement without Sid" : `statement ${shownText(s.Sid)}`));
  if (fieldsChanged) named.push("its Version or Id");
  throw new XacctError(`The key policy of ${setup.keyArn} changed since the plan was shown (${named.join(", ")}); xacct will not write over that change.`, {
    hint: "Run the same command again: the new plan starts from the key policy as it is now.",
  });
}

function holdsAll(policy: PolicyDocument, statements: readonly PolicyStatement[]): boolean {
  return statements.every((wanted) => policy.Statement.some((s) => s.Sid === wanted.Sid && sameGrant(s, wanted)));
}
