/**
 * What `xacct list` shows of each remembered setup: pure, from the setup and the facts read
 * about its temporary profile (never a key: only its name, style and expiry).
 */
import { displayShellWord } from "../shell-words.js";
import { setupIdOf, type SetupState } from "../state.js";

/** What the config files say about a setup's temporary profile. */
export interface ProfileFacts {
  present: boolean;
  /** xacct_profile: static, role or process; absent for a profile xacct did not mark. */
  style?: string | undefined;
  /** xacct_expiration of a static profile. */
  expiration?: string | undefined;
  /** The role the profile is for, where it says (role_arn, credential_process, xacct_role). */
  roleArn?: string | undefined;
}

export interface SetupSummary {
  id: string;
  mode: "role" | "resource-policy";
  bucket: string;
  region: string;
  productionAccountId: string;
  stagingAccountId: string;
  productionProfile: string;
  stagingProfile: string;
  roleArn: string | null;
  /** null in resource-policy mode: the Staging profile reads directly. */
  /** expiration: null when there is none or it is not a time (then expiryUnreadable). */
  /** otherRole: the role the profile is for when it is not this setup's (then its expiry says nothing about this setup). */
  tempProfile: {
    name: string;
    present: boolean;
    style: string | null;
    expiration: string | null;
    expiryUnreadable: boolean;
    otherRole: string | null;
  } | null;
  lastVerifiedAt: string | null;
  /** What verify found then: passed, failed, undecided (no check failed, one could not be told); null when unknown. */
  lastVerifyOutcome: "passed" | "failed" | "undecided" | null;
  updatedAt: string;
}

export function summarizeSetup(setup: SetupState, profile: ProfileFacts | undefined): SetupSummary {
  const mode = setup.mode ?? "role";
  return {
    id: setupIdOf(setup),
    mode,
    bucket: setup.bucket,
    region: setup.region,
    productionAccountId: setup.productionAccountId,
    stagingAccountId: setup.stagingAccountId,
    productionProfile: setup.productionProfile,
    stagingProfile: setup.stagingProfile,
    roleArn: mode === "role" ? setup.roleArn : null,
    tempProfile:
      mode === "role" && profile
        ? {
            name: setup.tempProfile,
            present: profile.present,
            style: profile.style ?? null,
            expiration: readable(profile.expiration) ?? null,
            expiryUnreadable: profile.expiration !== undefined && readable(profile.expiration) === undefined,
            otherRole: profile.roleArn !== undefined && profile.roleArn !== setup.roleArn ? profile.roleArn : null,
          }
        : null,
    lastVerifiedAt: setup.lastVerifiedAt ?? null,
    lastVerifyOutcome: setup.lastVerifiedAt ? (setup.lastVerifyOutcome ?? null) : null,
    updatedAt: setup.updatedAt,
  };
}

/** The lines for one setup, as `label  value`. */
export function setupLines(summary: SetupSummary, now: Date): [string, string][] {
  return [
    [
      "accounts",
      `Production ${summary.productionAccountId} (profile ${summary.productionProfile}) → Staging ${summary.stagingAccountId} (profile ${summary.stagingProfile})`,
    ],
    ["bucket", `s3://${summary.bucket} in ${summary.region}`],
    ["mode", summary.mode === "role" ? `role ${summary.roleArn}` : "resource-policy: the bucket policy grants Staging directly; no role"],
    ["profile", profileText(summary, now)],
    ["verify", verifyText(summary, now)],
  ];
}

/** The last verify with what it found: a run that failed never reads as a pass. */
function verifyText(summary: SetupSummary, now: Date): string {
  if (!summary.lastVerifiedAt) return "never run (xacct verify)";
  const when = `${summary.lastVerifiedAt} (${ago(new Date(summary.lastVerifiedAt), now)})`;
  const again = `xacct verify --setup ${displayShellWord(summary.id)}`;
  if (summary.lastVerifyOutcome === "passed") return `passed ${when}`;
  if (summary.lastVerifyOutcome === "failed") return `failed ${when}: ${again} shows which checks`;
  if (summary.lastVerifyOutcome === "undecided") return `could not tell ${when}: ${again} shows which checks`;
  return `ran ${when}, outcome not recorded (${again})`;
}

function profileText(summary: SetupSummary, now: Date): string {
  const profile = summary.tempProfile;
  if (!profile) return `none: profile ${summary.stagingProfile} reads the bucket itself`;
  if (!profile.present)
    return `${profile.name}, not in the config files (xacct assume --setup ${displayShellWord(summary.id)} --write-profile ${profile.name} writes it)`;
  if (profile.otherRole)
    return `${profile.name} (holds role ${profile.otherRole}, not this setup's: xacct assume --setup ${displayShellWord(summary.id)} --write-profile NAME writes one of its own)`;
  if (profile.style === "role" || profile.style === "process") return `${profile.name} (${profile.style}-style: the AWS tools refresh it)`;
  if (profile.expiryUnreadable)
    return `${profile.name} (its expiry is unreadable: xacct assume --setup ${displayShellWord(summary.id)} --write-profile ${profile.name} writes it again)`;
  if (!profile.expiration) return profile.name;
  const expires = new Date(profile.expiration);
  return expires.getTime() <= now.getTime()
    ? `${profile.name} (expired ${profile.expiration}; xacct assume --setup ${displayShellWord(summary.id)} --write-profile ${profile.name} renews it)`
    : `${profile.name} (expires ${profile.expiration}, in ${minutes(expires.getTime() - now.getTime())})`;
}

/** An expiry the way xacct writes it (an ISO time), else undefined: never a NaN. */
function readable(expiration: string | undefined): string | undefined {
  return expiration !== undefined && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(expiration) && Number.isFinite(Date.parse(expiration)) ? expiration : undefined;
}

function ago(then: Date, now: Date): string {
  const ms = now.getTime() - then.getTime();
  if (!Number.isFinite(ms) || ms < 0) return "just now";
  if (ms < 3_600_000) return `${minutes(ms)} ago`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} days ago`;
}

function minutes(ms: number): string {
  return `${Math.max(0, Math.round(ms / 60_000))} min`;
}
