/** What verify judges (the target) and what it reports (a hop per check). Pure data. */
import type { ContextValue } from "../../policy-eval/index.js";

/**
 * Every check verify can report, by id. Other code (AccessDenied explanations, tests, the
 * JSON output's readers) matches on these, so a renamed check fails to compile there.
 */
export type HopId =
  // The way in: the Staging user asks for the role, the trust admits it.
  | "user-may-assume"
  | "trust-admits-user"
  | "trust-admits-more-accounts"
  // Reading through the role, and the bucket's own statement for locating it.
  | "role-may-read"
  | "bucket-allows-read"
  | "bucket-lets-staging-list"
  // Resource-policy mode: the user reads straight through the bucket policy.
  | "user-may-read"
  | "bucket-admits-user"
  // Nothing beyond reading.
  | "role-cannot-write"
  | "role-cannot-delete"
  | "role-cannot-administer"
  | "role-grants-nothing-else"
  | "user-cannot-write"
  | "user-cannot-delete"
  | "user-cannot-administer"
  | "staging-cannot-read-directly"
  // No one else: other accounts, the organization, Production's principals, providers, services, the public.
  | "third-account-cannot-assume"
  | "organization-members-cannot-assume"
  | "trust-admits-staging-as-planned"
  | "trust-admits-only-permission-set"
  | "production-others-cannot-assume"
  | "federated-cannot-assume"
  | "service-cannot-assume"
  | "production-services-cannot-assume"
  | "no-third-account-reads"
  | "bucket-not-public"
  // AWS services the bucket policy names: none may act on the bucket for another account's resources.
  | "services-cannot-reach-bucket"
  | "production-services-cannot-reach-bucket"
  // SSE-KMS: the key must let the reader decrypt.
  | "role-may-decrypt"
  | "user-may-decrypt"
  | "key-policy-admits"
  // Organization policies (SCPs, RCPs) that could not be read.
  | "organization-policies-checked"
  // --live: the real calls.
  | "live-assume"
  | "live-read"
  | "live-write-refused";

export interface VerifyTarget {
  /** Objects the user named (verify --key, setup --test-key): the read hops judge them too. */
  objectKeys?: string[] | undefined;
  /** Further Staging accounts the trust must admit too. */
  moreStagingAccountIds?: string[] | undefined;
  /** Which path to check: through the role (default) or straight through the bucket policy. */
  mode?: "role" | "resource-policy";
  region: string;
  productionAccountId: string;
  stagingAccountId: string;
  /** How hops name the Staging side: a user's name, "role NAME", or "permission set NAME". */
  stagingUser: string;
  /** The Staging side is these permission sets: their policy lives in Identity Center, so the user-may-assume hop is not checked. */
  ssoPermissionSets?: string[] | undefined;
  roleName: string;
  roleArn: string;
  bucket: string;
  /**
   * The role session name the intended assume sends: `xacct assume`'s default for the Staging
   * profile (a --session-name of the caller's own cannot be known). It is sts:RoleSessionName,
   * the session part of aws:userid and of the session's ARN.
   */
  sessionName: string;
  /** Condition keys of the assume request (e.g. sts:ExternalId, aws:MultiFactorAuthPresent). */
  assumeContext?: Record<string, ContextValue>;
}

export interface Hop {
  id: HopId;
  title: string;
  /** null: xacct cannot tell (a statement depends on a fact it cannot read); never counted as holding. */
  ok: boolean | null;
  /** Why, in one or two sentences, naming the deciding statements. */
  detail: string;
  /** What to do when it fails. */
  fix?: string;
  /** Holds, but lets in more than the named accounts, as the options chose: summaries must say so. */
  widens?: string;
}
