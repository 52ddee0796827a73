/**
 * Whether KMS will use a key at all. Only an Enabled key decrypts: KMS refuses a disabled key
 * (DisabledException), one scheduled for deletion or without key material, or one whose
 * custom key store is disconnected (KMSInvalidStateException), whatever the policies say.
 * Pure: DescribeKey's KeyState in, what it means for a read out.
 */
import type { KmsKey } from "../../policy/index.js";

export interface KeyStateProblem {
  /** false: the read surely fails; null: it may, for now (a key being created or updated). */
  ok: false | null;
  detail: string;
  fix: string;
}

/** undefined when the key is Enabled (or its state was not read). */
export function keyStateProblem(key: KmsKey): KeyStateProblem | undefined {
  const { arn, state } = key;
  if (state === undefined || state === "Enabled") return undefined;
  const refuses = `KMS refuses to decrypt with it, so S3 cannot return the bucket's objects whatever the policies say`;
  const keyId = `--key-id ${arn}`;
  switch (state) {
    case "Disabled":
      return {
        ok: false,
        detail: `The key ${arn} is Disabled: ${refuses}.`,
        fix: `If it was disabled by mistake, enable it in Production (\`aws kms enable-key ${keyId}\`); otherwise re-encrypt the objects with an enabled key.`,
      };
    case "PendingDeletion":
    case "PendingReplicaDeletion":
      return {
        ok: false,
        detail: `The key ${arn} is ${state} (scheduled for deletion${key.deletionDate ? ` on ${key.deletionDate}` : ""}): ${refuses}, and after that date the objects it encrypts cannot be read by anyone.`,
        fix: `If the deletion is a mistake, cancel it and enable the key in Production (\`aws kms cancel-key-deletion ${keyId}\`, then \`aws kms enable-key ${keyId}\`).`,
      };
    case "PendingImport":
      return {
        ok: false,
        detail: `The key ${arn} is PendingImport (it has no key material): ${refuses}.`,
        fix: `Import the key material into it in Production (\`aws kms import-key-material ${keyId} …\`).`,
      };
    case "Unavailable":
      return {
        ok: false,
        detail: `The key ${arn} is Unavailable (its custom key store is disconnected): ${refuses}.`,
        fix: "Connect its custom key store in Production (`aws kms connect-custom-key-store`).",
      };
    default:
      return {
        ok: null,
        detail: `Cannot tell: the key ${arn} is ${state}, not Enabled; KMS may refuse to decrypt with it until it is.`,
        fix: "Wait until DescribeKey shows the key Enabled, then run verify again; xacct treats this check as not holding.",
      };
  }
}
