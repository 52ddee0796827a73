/**
 * The wizard's answers as one `xacct setup` line with every answer as a flag, so a person can
 * run the same setup again without questions (or after a failure, without answering again).
 * Never a secret: the MFA code is never part of it. Pure.
 */
import { DEFAULTS, type GrantMode } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import type { TrustAnswers } from "./setup-questions.js";

/** What the wizard has been told so far; a failure part-way leaves the rest undefined. */
export interface AnswerRecord {
  productionProfile?: string | undefined;
  /** The first is the Staging profile; further ones are further Staging accounts. */
  stagingProfiles?: string[] | undefined;
  region?: string | undefined;
  mode?: GrantMode | undefined;
  bucket?: string | undefined;
  roleName?: string | undefined;
  policyName?: string | undefined;
  stagingUser?: string | undefined;
  trust?: TrustAnswers | undefined;
  tempProfile?: string | undefined;
  profileStyle?: string | undefined;
  mfaSerial?: string | undefined;
  testKey?: string | undefined;
  /** Flags that are no question of the wizard's, passed on as given. */
  stagingAccounts?: string[] | undefined;
  stagingAccountsFromOrg?: boolean | undefined;
  ou?: string | undefined;
  hardenBucket?: boolean | undefined;
  plainTrust?: boolean | undefined;
  noPreflight?: boolean | undefined;
}

export function equivalentCommand(record: AnswerRecord): string {
  const words = ["xacct", "setup", ...answerFlags(record), "--yes"];
  return words.map(displayShellWord).join(" ");
}

/** Whether the record holds any answer worth repeating. */
export function hasAnswers(record: AnswerRecord): boolean {
  return record.productionProfile !== undefined || (record.stagingProfiles?.length ?? 0) > 0 || record.bucket !== undefined;
}

function answerFlags(r: AnswerRecord): string[] {
  const role = r.mode !== "resource-policy";
  const flag = (name: string, value: string | undefined): string[] => (value === undefined ? [] : [name, value]);
  const when = (name: string, on: boolean | undefined): string[] => (on ? [name] : []);
  const tempProfile = r.tempProfile !== undefined && r.tempProfile !== DEFAULTS.profileName ? r.tempProfile : undefined;
  return [
    ...flag("--production-profile", r.productionProfile),
    ...(r.stagingProfiles ?? []).flatMap((p) => ["--staging-profile", p]),
    ...flag("--region", r.region),
    ...flag("--mode", r.mode),
    ...flag("--bucket", r.bucket),
    ...(role ? [...flag("--role-name", r.roleName), ...flag("--policy-name", r.policyName)] : []),
    ...flag("--staging-user", r.stagingUser),
    ...when("--plain-trust", r.plainTrust),
    ...(r.trust ? trustFlags(r.trust, role) : []),
    ...(r.stagingAccounts ?? []).flatMap((a) => ["--staging-account", a]),
    ...when("--staging-accounts-from-org", r.stagingAccountsFromOrg),
    ...flag("--ou", r.ou),
    ...when("--harden-bucket", r.hardenBucket),
    ...when("--no-preflight", r.noPreflight),
    ...(role ? [...flag("--temp-profile", tempProfile), ...flag("--profile-style", r.profileStyle), ...flag("--mfa-serial", r.mfaSerial)] : []),
    ...flag("--test-key", r.testKey),
  ];
}

function trustFlags(answers: TrustAnswers, role: boolean): string[] {
  const { trust, maxSessionDuration } = answers;
  const principals = (trust.principals ?? []).flatMap((p) => ["--trust-principal", p]);
  if (!role) return principals;
  return [
    ...principals,
    ...(trust.externalId ? ["--external-id", trust.externalId] : []),
    ...(trust.requireMfa ? ["--require-mfa"] : []),
    ...(trust.orgId ? ["--org-id", trust.orgId] : []),
    ...(trust.allowSourceIdentity ? ["--allow-source-identity"] : []),
    ...(maxSessionDuration !== DEFAULTS.maxSessionDuration ? ["--max-session-duration", String(maxSessionDuration)] : []),
  ];
}
