/**
 * The wizard's answers as one `xacct setup` line with every answer as a flag, so a person can
 * run the same setup again without questions (or after a failure, without answering again).
 * Never a secret: the MFA code is never part of it. Pure.
 */
import { DEFAULTS, type GrantMode } from "../plan.js";
import { displayShellWord } from "../shell-words.js";
import { hardeningOf, type TrustAnswers, type TrustFlags } from "./setup-questions.js";

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
  stagingRole?: string | undefined;
  trust?: TrustAnswers | undefined;
  /** The trust flags as given, until the trust is known (a run stopped before it still carries them). */
  trustFlags?: TrustFlags | undefined;
  /** --endpoint-url as given: where every call of the run went. */
  endpoint?: string | undefined;
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

/**
 * `plan`: the run only showed the plan (--plan), so the command does too; `--detailed-exitcode`
 * with it when that was given. Otherwise the command applies (--yes).
 */
export function equivalentCommand(record: AnswerRecord, plan?: { detailedExitcode: boolean }): string {
  const endpoint = record.endpoint !== undefined ? ["--endpoint-url", record.endpoint] : [];
  const end = plan ? ["--plan", ...(plan.detailedExitcode ? ["--detailed-exitcode"] : [])] : ["--yes"];
  const words = ["xacct", ...endpoint, "setup", ...answerFlags(record), ...end];
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
    ...flag("--staging-role", r.stagingRole),
    ...when("--plain-trust", plainTrust(r, role)),
    ...(r.trust ? trustFlags(r.trust, role) : r.trustFlags ? givenTrustFlags(r.trustFlags) : []),
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

/**
 * --plain-trust when given, and whenever the role's trust came out plain: it answers the wizard's
 * hardening question (No), so the command asks nothing, and drops hardening an earlier run made.
 */
function plainTrust(r: AnswerRecord, role: boolean): boolean {
  if (r.plainTrust) return true;
  return role && r.trust !== undefined && hardeningOf(r.trust).length === 0;
}

/** The trust flags as given (the trust itself was not reached). */
function givenTrustFlags(given: TrustFlags): string[] {
  const { trustPrincipal, externalId, requireMfa, orgId, maxSessionDuration, allowSourceIdentity } = given;
  return [
    ...(trustPrincipal ?? []).flatMap((p) => ["--trust-principal", p]),
    ...(externalId === true ? ["--external-id"] : typeof externalId === "string" ? ["--external-id", externalId] : []),
    ...(requireMfa ? ["--require-mfa"] : []),
    ...(orgId !== undefined ? ["--org-id", orgId] : []),
    ...(allowSourceIdentity ? ["--allow-source-identity"] : []),
    ...(maxSessionDuration !== undefined ? ["--max-session-duration", maxSessionDuration] : []),
  ];
}
