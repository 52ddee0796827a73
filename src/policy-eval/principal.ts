/**
 * Principal and NotPrincipal in resource-based policies (trust policies, bucket policies).
 *
 * How a Principal names the requester matters, not just whether it does: naming the account
 * (`123456789012` or `arn:aws:iam::123456789012:root`) only delegates to that account's
 * identity policies, while naming the user, the role (which covers its sessions), the session
 * itself or `*` grants the requester directly.
 */
import type { PolicyPrincipal } from "../policy/documents.js";
import type { EvaluationRequest } from "./types.js";

/** "principal": named directly. "account": named through its account only. */
export type PrincipalMatch = "principal" | "account" | "none";

type Requester = EvaluationRequest["principal"];

const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;
const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const SESSION_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** The AWS principals a Principal element lists; Service, Federated and CanonicalUser never name an IAM requester. */
export function awsPrincipals(element: PolicyPrincipal): string[] {
  return entriesOf(element, "AWS");
}

function entriesOf(element: PolicyPrincipal, kind: "AWS" | "Service" | "Federated" | "CanonicalUser"): string[] {
  if (element === "*") return ["*"];
  const entries = element[kind];
  if (entries === undefined) return [];
  return Array.isArray(entries) ? entries : [entries];
}

/**
 * A service or federated requester is named by its own entry (services ignoring case) or by `*`.
 * `{"AWS": "*"}` counts too: AWS documents it as equivalent to `"*"`.
 */
function otherKindMatch(element: PolicyPrincipal, requester: Requester): PrincipalMatch {
  if (awsPrincipals(element).some((entry) => /^\*+$/.test(entry))) return "principal";
  const named =
    requester.kind === "service"
      ? entriesOf(element, "Service").some((entry) => entry.toLowerCase() === requester.arn.toLowerCase())
      : entriesOf(element, "Federated").some((entry) => entry === requester.arn);
  return named ? "principal" : "none";
}

/** A CanonicalUser entry names an account (S3's ID for it), like an account ARN does. */
function canonicalMatch(element: PolicyPrincipal, requester: Requester): PrincipalMatch {
  if (element === "*" || requester.canonicalUserId === undefined) return "none";
  return entriesOf(element, "CanonicalUser").includes(requester.canonicalUserId) ? "account" : "none";
}

function accountNamedBy(entry: string): string | undefined {
  if (ACCOUNT_ID.test(entry)) return entry;
  return ACCOUNT_ROOT_ARN.exec(entry)?.[1];
}

/** A role ARN names the role's sessions too. IAM role names are case-insensitive. */
function isSessionOfRole(roleArn: string, sessionArn: string): boolean {
  const role = ROLE_ARN.exec(roleArn);
  const session = SESSION_ARN.exec(sessionArn);
  if (role === null || session === null) return false;
  const sameAccount = role[1] === session[1] && role[2] === session[2];
  return sameAccount && role[3]!.toLowerCase() === session[3]!.toLowerCase();
}

function entryMatches(entry: string, requester: Requester, anyNameInAccount: boolean): PrincipalMatch {
  if (/^\*+$/.test(entry)) return "principal";
  const account = accountNamedBy(entry);
  if (account !== undefined) return account === requester.accountId ? "account" : "none";
  if (entry === requester.arn || isSessionOfRole(entry, requester.arn)) return "principal";
  if (anyNameInAccount && entry.split(":")[4] === requester.accountId) return "principal";
  return "none";
}

/**
 * The strongest way any entry of a Principal element names the requester. `anyNameInAccount`:
 * the requester stands for every user and role of its account (see `OpenContext`).
 */
export function principalMatch(element: PolicyPrincipal, requester: Requester, anyNameInAccount = false): PrincipalMatch {
  if (requester.kind === "service" || requester.kind === "federated") return otherKindMatch(element, requester);
  const matches = [...awsPrincipals(element).map((entry) => entryMatches(entry, requester, anyNameInAccount)), canonicalMatch(element, requester)];
  if (matches.includes("principal")) return "principal";
  return matches.includes("account") ? "account" : "none";
}

/** Whether an entry names the requester's own ARN (a user, or a role session), not its role or account. */
export function namesExactly(element: PolicyPrincipal, requester: Requester): boolean {
  return awsPrincipals(element).includes(requester.arn);
}

/**
 * The identities AWS checks a NotPrincipal against, outermost first: the account, then the
 * user or role, then the session. The NotPrincipal docs: "AWS first checks the account, then
 * the role, and finally the assumed-role session".
 */
function requesterLayers(requester: Requester): Array<(entry: string) => boolean> {
  const namesAccount = (entry: string) => accountNamedBy(entry) === requester.accountId;
  const namesIdentity = (entry: string) => entry === requester.arn;
  if (!SESSION_ARN.test(requester.arn)) return [namesAccount, namesIdentity];
  const namesRole = (entry: string) => isSessionOfRole(entry, requester.arn);
  return [namesAccount, namesRole, namesIdentity];
}

/**
 * How a NotPrincipal statement names the requester. An Allow "allows all principals except the
 * one named" (NotPrincipal docs): naming the requester at any layer (its account, its role, its
 * session, itself) keeps it from granting, and otherwise it grants the requester directly.
 *
 * A Deny applies unless the list names every one of the requester's layers. That is why AWS
 * documents that the account ARN must be listed too: "Otherwise, the policy might deny access
 * to the entire account containing the principal". ("account" is returned when only the
 * account layer is left unnamed; for a Deny it applies all the same.)
 */
export function notPrincipalMatch(element: PolicyPrincipal, requester: Requester, effect: "Allow" | "Deny"): PrincipalMatch {
  if (requester.kind === "service" || requester.kind === "federated") return otherKindMatch(element, requester) === "none" ? "principal" : "none";
  const entries = awsPrincipals(element);
  if (entries.some((entry) => /^\*+$/.test(entry))) return "none";
  const layers = requesterLayers(requester).map((names) => entries.some(names));
  if (effect === "Allow") return layers.some(Boolean) || canonicalMatch(element, requester) === "account" ? "none" : "principal";
  const account = layers[0]! || canonicalMatch(element, requester) === "account";
  const identity = layers.slice(1);
  if (identity.every(Boolean)) return account ? "none" : "account";
  return "principal";
}
