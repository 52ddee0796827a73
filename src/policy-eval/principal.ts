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
  if (element === "*") return ["*"];
  const aws = element.AWS;
  if (aws === undefined) return [];
  return Array.isArray(aws) ? aws : [aws];
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
  const matches = awsPrincipals(element).map((entry) => entryMatches(entry, requester, anyNameInAccount));
  if (matches.includes("principal")) return "principal";
  return matches.includes("account") ? "account" : "none";
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
 * How a NotPrincipal statement names the requester: it applies unless the list names every
 * one of its layers. That is why AWS documents that the account ARN must be listed too:
 * "Otherwise, the policy might deny access to the entire account containing the principal".
 * When only the account layer is left unnamed, an Allow grants the account, which (like a
 * Principal naming the account) only delegates to the requester's identity policies.
 */
export function notPrincipalMatch(element: PolicyPrincipal, requester: Requester): PrincipalMatch {
  const entries = awsPrincipals(element);
  if (entries.some((entry) => /^\*+$/.test(entry))) return "none";
  const [account, ...identity] = requesterLayers(requester).map((names) => entries.some(names));
  if (identity.every(Boolean)) return account ? "none" : "account";
  return "principal";
}
