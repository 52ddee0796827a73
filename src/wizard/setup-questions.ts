/**
 * The setup wizard's questions. Each takes the flag's value when given and otherwise asks
 * through the Prompter; it never calls AWS. The command in between discovers the accounts.
 */
import { DEFAULTS, defaultPolicyName, type GrantMode } from "../plan.js";
import { randomBytes } from "node:crypto";
import { invalidInput } from "../errors.js";
import type { TrustHardening } from "../policy/index.js";
import type { ProfileStyle } from "../awsconfig/profile-style.js";
import {
  checkBucketName,
  checkExternalId,
  checkMfaSerial,
  checkMode,
  checkMaxSessionDuration,
  checkOrgId,
  checkPermissionSetName,
  checkProfileStyle,
  checkTrustPrincipal,
  checkPolicyName,
  checkProfileName,
  checkRegion,
  checkRoleName,
  checkUserName,
} from "../validate/index.js";
import { asPromptValidator, type Prompter } from "./prompter.js";

const TYPE_ANOTHER = "\u0000type-another";

/**
 * `known`: the profiles to offer (the caller leaves out xacct's own temporary profiles);
 * `remembered`: the one the setup this run continues used, selected first. A typed name must
 * be a profile that exists (`exists` says why not), so a typo is asked again on the spot.
 */
export async function askProfile(
  prompter: Prompter,
  role: "Production" | "Staging",
  given: string | undefined,
  known: string[],
  remembered?: string,
  exists: (name: string) => unknown = () => undefined,
): Promise<string> {
  if (given !== undefined) return checkProfileName(given);
  const flag = role === "Production" ? "--production-profile" : "--staging-profile";
  const message = `Which profile holds ${role} admin credentials?`;
  if (known.length > 0) {
    const picked = await prompter.select({
      message,
      flag,
      choices: [...known.map((name) => ({ name, value: name })), { name: "Type another name…", value: TYPE_ANOTHER }],
      ...(remembered !== undefined && known.includes(remembered) ? { default: remembered } : {}),
    });
    if (picked !== TYPE_ANOTHER) return picked;
  }
  const check = (name: string) => exists(checkProfileName(name));
  return (await prompter.input({ message: `${role} profile name:`, flag, validate: asPromptValidator(check) })).trim();
}

export async function askRegion(prompter: Prompter, given: string | undefined, fallback: string, interactive: boolean): Promise<string> {
  if (given !== undefined) return checkRegion(given);
  if (!interactive) return checkRegion(fallback);
  const answer = await prompter.input({
    message: "Region for the bucket:",
    flag: "--region",
    default: fallback,
    validate: asPromptValidator(checkRegion),
  });
  return answer.trim();
}

export async function askBucket(
  prompter: Prompter,
  given: string | undefined,
  message = "Name of the Production bucket to share:",
  remembered?: string,
): Promise<string> {
  if (given !== undefined) return checkBucketName(given);
  return (
    await prompter.input({ message, flag: "--bucket", validate: asPromptValidator(checkBucketName), ...(remembered ? { default: remembered } : {}) })
  ).trim();
}

/** The two ways to share the bucket, with the trade-off a person needs to choose. */
export async function askMode(prompter: Prompter, given: string | undefined, interactive: boolean, remembered: GrantMode = "role"): Promise<GrantMode> {
  if (given !== undefined) return checkMode(given);
  if (!interactive) return "role";
  return prompter.select<GrantMode>({
    message: "How should Staging reach the bucket?",
    flag: "--mode",
    default: remembered,
    choices: [
      {
        name: "Through a role (the recipe; recommended)",
        value: "role",
        description: "Staging assumes a Production role and gets temporary credentials with only its permissions. Works for every AWS service.",
      },
      {
        name: "Through the bucket policy (resource-policy)",
        value: "resource-policy",
        description:
          "No role to assume: the user keeps their own permissions while reading the bucket. Only for services with resource policies, and only objects the bucket owner owns.",
      },
    ],
  });
}

/**
 * How the test profile is written. `current`: the shared default (the style the profile already
 * has, else the recipe's), so Enter on a rerun keeps the profile as it is.
 */
export async function askProfileStyle(
  prompter: Prompter,
  given: string | undefined,
  interactive: boolean,
  requireMfa: boolean,
  current: ProfileStyle,
): Promise<ProfileStyle> {
  if (given !== undefined) return checkProfileStyle(given);
  if (!interactive) return current;
  return prompter.select<ProfileStyle>({
    message: "How should the profile for Staging be written?",
    flag: "--profile-style",
    default: current,
    choices: [
      {
        name: "Static keys (the recipe's TempCred)",
        value: "static",
        description: "The temporary keys themselves: they stop working when the session expires (1 hour by default).",
      },
      {
        name: "Role profile (recommended)",
        value: "role",
        description: "role_arn + source_profile: the aws CLI and every SDK assume the role themselves and refresh it. No expiring keys on disk.",
      },
      {
        name: "credential_process",
        value: "process" as const,
        description: requireMfa
          ? "The AWS tools run `xacct credentials`, which assumes the role with your MFA session: one code a day, typed at `xacct assume`."
          : "The AWS tools run `xacct credentials`, which caches the session until shortly before it expires.",
      },
    ],
  });
}

const TYPE_ARN = "\u0000type-arn";

/**
 * The MFA device stage 3 assumes the role with: one of `devices` (the Staging user's, from
 * IAM), the profile's `mfa_serial`, or a typed ARN. Only devices AssumeRole takes are offered
 * (virtual and hardware TOTP devices): FIDO security keys are left out, and `say` tells why.
 */
export async function askMfaDevice(
  prompter: Prompter,
  given: string | undefined,
  devices: string[],
  profileSerial: string | undefined,
  say: (text: string) => void = () => {},
): Promise<string> {
  if (given !== undefined) return checkMfaSerial(given);
  const listed = [...new Set([...(profileSerial ? [profileSerial] : []), ...devices])];
  const known = listed.filter(usableMfaSerial);
  const left = listed.filter((serial) => !usableMfaSerial(serial));
  if (left.length > 0) say(`Not offered: ${left.join(", ")}: AssumeRole takes only a virtual or hardware TOTP device's code, not a security key's (FIDO).`);
  const flag = "--mfa-serial";
  if (known.length > 0) {
    const picked = await prompter.select({
      message: "The role requires MFA. Which MFA device?",
      flag,
      choices: [...known.map((serial) => ({ name: serial, value: serial })), { name: "Type another ARN…", value: TYPE_ARN }],
    });
    if (picked !== TYPE_ARN) return picked;
  }
  const typed = await prompter.input({ message: "ARN of the MFA device (arn:aws:iam::ACCOUNT:mfa/NAME):", flag, validate: asPromptValidator(checkMfaSerial) });
  return checkMfaSerial(typed.trim());
}

function usableMfaSerial(serial: string): boolean {
  try {
    checkMfaSerial(serial);
    return true;
  } catch {
    return false;
  }
}

export interface NameAnswers {
  roleName: string;
  policyName: string;
  stagingUser: string;
}

export interface NameQuestions {
  /** Told each answer the moment it is given: a run stopped at the next question keeps it. */
  heard?: (answer: Partial<NameAnswers>) => void;
  /** The other remembered setup that owns this role or managed policy name, if one does. */
  ownerOf?: (kind: "role" | "policy", name: string) => string | undefined;
}

/** Names with sensible defaults: asked only in a terminal, defaults used when unattended. */
export async function askNames(
  prompter: Prompter,
  given: { roleName?: string | undefined; policyName?: string | undefined; stagingUser?: string | undefined; stagingRole?: string | undefined },
  interactive: boolean,
  mode: GrantMode = "role",
  remembered?: NameAnswers,
  how: NameQuestions = {},
): Promise<NameAnswers> {
  const { heard = () => {}, ownerOf = () => undefined } = how;
  const ask = async (value: string | undefined, fallback: string, message: string, flag: string, check: (v: string) => string, asked = interactive) => {
    if (value !== undefined) return check(value);
    if (!asked) return fallback;
    return (await prompter.input({ message, flag, default: fallback, validate: asPromptValidator(check) })).trim();
  };
  const told = <K extends keyof NameAnswers>(key: K, value: string): string => {
    heard({ [key]: value });
    return value;
  };
  // A role or managed policy name another remembered setup owns is refused at its question and
  // asked again, and never the default (a flag's stays for the plan's refusal).
  const notOwned = (kind: "role" | "policy", check: (v: string) => string) => (name: string) => {
    const owner = ownerOf(kind, check(name));
    if (owner !== undefined) {
      throw invalidInput(
        `The ${kind === "role" ? "role" : "managed policy"} ${name} belongs to xacct setup ${owner}: this setup would take it over.`,
        "Choose another name.",
      );
    }
    return name;
  };
  const free = (kind: "role" | "policy", name: string) => freeName(name, (n) => ownerOf(kind, n) !== undefined);
  // No role in resource-policy mode: its names are only defaults, never asked.
  const roleQuestions = interactive && mode === "role";
  // The remembered names are the defaults of a rerun (asked only: unattended runs keep xacct's defaults).
  const before = interactive ? remembered : undefined;
  const askedRole = given.roleName === undefined && roleQuestions;
  const roleName = told(
    "roleName",
    await ask(
      given.roleName,
      askedRole ? free("role", before?.roleName ?? DEFAULTS.roleName) : (before?.roleName ?? DEFAULTS.roleName),
      "Name of the role in Production:",
      "--role-name",
      askedRole ? notOwned("role", checkRoleName) : checkRoleName,
      roleQuestions,
    ),
  );
  const samePolicy = before !== undefined && before.roleName === roleName;
  const askedPolicy = given.policyName === undefined && roleQuestions;
  const policyDefault = samePolicy ? before.policyName : defaultPolicyName(roleName);
  const policyName = told(
    "policyName",
    await ask(
      given.policyName,
      askedPolicy ? free("policy", policyDefault) : policyDefault,
      "Name of the role's read-only policy:",
      "--policy-name",
      askedPolicy ? notOwned("policy", checkPolicyName) : checkPolicyName,
      roleQuestions,
    ),
  );
  const reader = mode === "role" ? "Staging user who will assume the role:" : "Staging user who will read the bucket:";
  // A --staging-role is the Staging side: no user to ask for.
  const stagingUser =
    given.stagingRole !== undefined
      ? (before?.stagingUser ?? DEFAULTS.stagingUser)
      : told("stagingUser", await ask(given.stagingUser, before?.stagingUser ?? DEFAULTS.stagingUser, reader, "--staging-user", checkUserName));
  return { roleName, policyName, stagingUser };
}

/** `name`, else the first of name2, name3, … that is not taken. */
function freeName(name: string, taken: (name: string) => boolean): string {
  if (!taken(name)) return name;
  for (let n = 2; ; n++) if (!taken(`${name}${n}`)) return `${name}${n}`;
}

export interface TrustFlags {
  /** Drop every condition an earlier run added: back to the recipe's trust. */
  plainTrust?: boolean | undefined;
  trustPrincipal?: string[] | undefined;
  /** IAM Identity Center permission sets whose Staging roles the trust admits (flag only). */
  trustSsoPermissionSet?: string[] | undefined;
  /** A value, or true to generate one. */
  externalId?: string | boolean | undefined;
  requireMfa?: boolean | undefined;
  orgId?: string | undefined;
  maxSessionDuration?: string | undefined;
  allowSourceIdentity?: boolean | undefined;
}

export interface TrustAnswers {
  trust: TrustHardening;
  maxSessionDuration: number;
}

/** Random, URL-safe, and long enough that nobody guesses it. */
export function generateExternalId(): string {
  return `xacct-${randomBytes(18).toString("base64url")}`;
}

/**
 * The trust questions. Flags answer them; in a terminal, one gate question keeps the recipe's
 * plain trust quick and opens the rest for operators who want more.
 *
 * `remembered`: what an earlier run of this setup made the trust. It stays unless flags change
 * it (a rerun from CI without the hardening flags must not weaken the trust), or --plain-trust
 * drops it; a generated external ID is reused so reruns converge.
 */
export async function askTrust(
  prompter: Prompter,
  given: TrustFlags,
  interactive: boolean,
  remembered?: TrustAnswers,
  mode: GrantMode = "role",
  stagingAccountIds: readonly string[] = [],
): Promise<TrustAnswers> {
  const base = given.plainTrust ? undefined : remembered;
  if (mode === "resource-policy") return bucketGrantees(given, base);
  const newExternalId = () => remembered?.trust.externalId ?? generateExternalId();
  const fromFlags = (): TrustAnswers => ({
    trust: {
      principals: given.trustPrincipal?.map(checkTrustPrincipal) ?? base?.trust.principals,
      ssoPermissionSets: given.trustSsoPermissionSet?.map(checkPermissionSetName) ?? base?.trust.ssoPermissionSets,
      externalId: given.externalId === true ? newExternalId() : given.externalId ? checkExternalId(given.externalId) : base?.trust.externalId,
      requireMfa: given.requireMfa ?? base?.trust.requireMfa ?? false,
      orgId: given.orgId !== undefined ? checkOrgId(given.orgId) : base?.trust.orgId,
      allowSourceIdentity: given.allowSourceIdentity ?? base?.trust.allowSourceIdentity ?? false,
    },
    maxSessionDuration:
      given.maxSessionDuration !== undefined ? checkMaxSessionDuration(given.maxSessionDuration) : (base?.maxSessionDuration ?? DEFAULTS.maxSessionDuration),
  });
  const anyGiven = Object.values(given).some((v) => v !== undefined);
  // A remembered plain trust is asked about again; remembered hardening is kept (and said so).
  if (!interactive || anyGiven || (base && hardeningOf(base).length > 0)) return fromFlags();
  const harden = await prompter.confirm({
    message: "Harden the role's trust beyond the recipe (named principals, external ID, MFA, organization, session length)?",
    flag: "--trust-principal, --external-id, --require-mfa, --org-id, --max-session-duration",
    default: false,
  });
  if (!harden) return fromFlags();
  const principals = await prompter.input({
    message: "Trust only these users or roles (comma-separated ARNs; empty trusts the whole Staging account):",
    flag: "--trust-principal",
    default: "",
    validate: asPromptValidator((v) => splitList(v).forEach((arn) => checkPrincipalInStaging(arn, stagingAccountIds))),
  });
  const externalId = await prompter.confirm({
    message: "Require an external ID? (for a role a third party assumes: stops the confused deputy)",
    flag: "--external-id",
    default: false,
  });
  const requireMfa = await prompter.confirm({ message: "Require MFA to assume the role?", flag: "--require-mfa", default: false });
  const orgId = await prompter.input({
    message: "Only principals of this AWS Organization (o-…; empty for any):",
    flag: "--org-id",
    default: "",
    validate: asPromptValidator((v) => v === "" || checkOrgId(v)),
  });
  const maxSession = await prompter.input({
    message: "Longest session the role allows, in seconds (3600 to 43200):",
    flag: "--max-session-duration",
    default: String(DEFAULTS.maxSessionDuration),
    validate: asPromptValidator(checkMaxSessionDuration),
  });
  const allowSourceIdentity = await prompter.confirm({
    message: "Let callers set a source identity that stays visible through role chains?",
    flag: "--allow-source-identity",
    default: false,
  });
  return {
    trust: {
      principals: splitList(principals).map(checkTrustPrincipal),
      externalId: externalId ? newExternalId() : undefined,
      requireMfa,
      orgId: orgId.trim() ? checkOrgId(orgId.trim()) : undefined,
      allowSourceIdentity,
    },
    maxSessionDuration: checkMaxSessionDuration(maxSession),
  };
}

/**
 * A trusted principal must be in a Staging account: the pre-flight would refuse one elsewhere
 * after every other question, so the wizard refuses it at the question. (No accounts known: format only.)
 */
export function checkPrincipalInStaging(arn: string, stagingAccountIds: readonly string[]): string {
  const checked = checkTrustPrincipal(arn);
  const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(checked)?.[1];
  if (stagingAccountIds.length > 0 && account !== undefined && !stagingAccountIds.includes(account)) {
    throw invalidInput(
      `${checked} is in account ${account}, not in Staging (${stagingAccountIds.join(", ")}): the role would trust a principal outside Staging.`,
      `Name a user or role of account ${stagingAccountIds[0]}, or leave it empty to trust the whole Staging account.`,
    );
  }
  return checked;
}

/** The trust conditions beyond the recipe, in words (empty: the plain trust). */
export function hardeningOf(answers: TrustAnswers): string[] {
  const { trust, maxSessionDuration } = answers;
  return [
    trust.principals?.length ? `trusted principals ${trust.principals.join(", ")}` : undefined,
    trust.ssoPermissionSets?.length ? `permission set${trust.ssoPermissionSets.length === 1 ? "" : "s"} ${trust.ssoPermissionSets.join(", ")}` : undefined,
    trust.externalId ? "an external ID" : undefined,
    trust.requireMfa ? "MFA" : undefined,
    trust.orgId ? `organization ${trust.orgId}` : undefined,
    trust.allowSourceIdentity ? "source identity allowed" : undefined,
    maxSessionDuration !== DEFAULTS.maxSessionDuration ? `sessions up to ${maxSessionDuration} s` : undefined,
  ].filter((part): part is string => part !== undefined);
}

/** Resource-policy mode has no role: only --trust-principal applies (to the bucket's grant). */
function bucketGrantees(given: TrustFlags, remembered: TrustAnswers | undefined): TrustAnswers {
  refuseRoleOnlyFlags(given);
  const principals = given.trustPrincipal?.map(checkTrustPrincipal) ?? remembered?.trust.principals;
  return { trust: { principals }, maxSessionDuration: DEFAULTS.maxSessionDuration };
}

/** Flags of the role's trust, which resource-policy mode does not make. */
export function refuseRoleOnlyFlags(given: TrustFlags): void {
  const roleOnly = (["externalId", "requireMfa", "orgId", "maxSessionDuration", "allowSourceIdentity", "trustSsoPermissionSet"] as const).filter(
    (k) => given[k] !== undefined,
  );
  // (plainTrust has nothing to drop here: resource-policy mode writes no trust conditions.)
  if (roleOnly.length > 0) {
    const flags = roleOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ");
    throw invalidInput(`${flags} apply to the role's trust, and resource-policy mode makes no role.`, "Leave them out, or use --mode role.");
  }
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}
