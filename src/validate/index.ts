/**
 * Input checks run before any AWS call. Each failure names the value, the rule and the fix,
 * and exits with code 2.
 */
import { invalidInput } from "../errors.js";
import { ONE_HOUR_SECONDS } from "../session-duration.js";
import type { ProfileStyle } from "../awsconfig/profile-style.js";

const IAM_NAME_CHARS = /^[\w+=,.@-]+$/;

/** A value as messages show it: quoted, with line breaks and control characters escaped. */
function shown(value: string | number): string {
  return JSON.stringify(String(value));
}

export function checkAccountId(value: string, what = "account ID"): string {
  if (!/^\d{12}$/.test(value)) {
    throw invalidInput(
      `${shown(value)} is not a valid ${what}: AWS account IDs are exactly 12 digits.`,
      "Copy the ID from `aws sts get-caller-identity` or let xacct discover it from the profile.",
    );
  }
  return value;
}

/** S3's general-purpose bucket naming rules. Returns the broken rule, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(name)) return "may contain only lowercase letters, digits, dots and hyphens";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must begin and end with a letter or digit";
  if (name.includes("..")) return "must not contain two dots in a row";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not look like an IP address";
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(prefix)) return `must not start with "${prefix}"`;
  }
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
    if (name.endsWith(suffix)) return `must not end with "${suffix}"`;
  }
  return undefined;
}

export function checkBucketName(name: string): string {
  const problem = bucketNameProblem(name);
  if (problem) {
    throw invalidInput(`${shown(name)} is not a valid bucket name: an S3 bucket name ${problem}.`, "Choose a name such as production-test-bucket-101.");
  }
  return name;
}

function iamNameProblem(name: string, min: number, max: number): string | undefined {
  if (name.length < min || name.length > max) return `must be ${min} to ${max} characters long`;
  if (!IAM_NAME_CHARS.test(name)) return "may contain only letters, digits and + = , . @ _ -";
  return undefined;
}

function checkIamName(kind: string, name: string, min: number, max: number, example: string): string {
  const problem = iamNameProblem(name, min, max);
  if (problem) {
    throw invalidInput(`${shown(name)} is not a valid ${kind}: an IAM ${kind} ${problem}.`, `Use a name such as ${example}.`);
  }
  return name;
}

export const checkRoleName = (name: string) => checkIamName("role name", name, 1, 64, "StageRole");
export const checkPolicyName = (name: string) => checkIamName("policy name", name, 1, 128, "StageRoleReadObjects");
export const checkUserName = (name: string) => checkIamName("user name", name, 1, 64, "StageAdmin");
export const checkSessionName = (name: string) => checkIamName("session name", name, 2, 64, "xacct-alice");

/**
 * A profile xacct only reads (--profile, --production-profile, --staging-profile): any name the
 * SDKs can find, e.g. in the credentials file, but no whitespace, control characters, brackets,
 * comment marks or '=', which no reader would give back. A profile xacct writes must also pass
 * checkWritableProfileName.
 */
export function checkProfileName(name: string): string {
  if (!/^[^\s\x00-\x1f\x7f-\x9f[\]#;=]{1,128}$/.test(name)) {
    throw invalidInput(
      `${shown(name)} is not a usable profile name: it must be 1 to 128 characters without spaces, control characters, brackets, '#', ';' or '='.`,
      "Use a name such as TempCred.",
    );
  }
  return name;
}

export { checkWritableProfileName } from "../awsconfig/profile-name.js";

export function checkRegion(region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) {
    throw invalidInput(`${shown(region)} is not a valid AWS region name.`, "Use a region such as us-east-1 or eu-west-2.");
  }
  return region;
}

/**
 * IAM's rules: a path is `/` or `/…/` of printable ASCII without spaces (0x21-0x7E), at most
 * 512 characters; a name is 1 to 64 of letters, digits and + = , . @ _ -.
 */
const ROLE_ARN = /^arn:(?:aws|aws-cn|aws-us-gov):iam::\d{12}:role\/(?:([\x21-\x7e]+)\/)?[\w+=,.@-]{1,64}$/;
const MAX_ROLE_PATH = 512;

export function checkRoleArn(arn: string): string {
  const match = ROLE_ARN.exec(arn);
  // The captured path lacks its two slashes.
  if (!match || (match[1]?.length ?? 0) + 2 > MAX_ROLE_PATH) {
    throw invalidInput(`${shown(arn)} is not a valid role ARN.`, "A role ARN looks like arn:aws:iam::111111111111:role/StageRole.");
  }
  return arn;
}

/**
 * --endpoint-url: an http(s) URL of a host, an optional port and path, as the SDKs take it.
 * It is written into credential_process lines and sent every request, so anything else
 * (a query, a fragment, a user name or password, whitespace) is refused rather than passed on.
 */
export function checkEndpointUrl(value: string): string {
  const problem = endpointUrlProblem(value);
  if (problem !== undefined) {
    throw invalidInput(
      `${shown(value)} is not a usable endpoint URL: ${problem}.`,
      "Give an http(s) URL such as http://127.0.0.1:5000 or https://s3.eu-west-2.amazonaws.com.",
    );
  }
  return value;
}

function endpointUrlProblem(value: string): string | undefined {
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(value)) return "it contains whitespace or a control character";
  if (!/^[\x21-\x7e]+$/.test(value)) return "it may hold only printable ASCII characters";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "it is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "it must start with http:// or https://";
  if (url.hostname === "") return "it names no host";
  if (url.username !== "" || url.password !== "") return "it must not hold a user name or password";
  if (url.search !== "" || value.includes("?")) return "it must not hold a query (?…)";
  if (url.hash !== "" || value.includes("#")) return "it must not hold a fragment (#…)";
  return undefined;
}

/** STS accepts 900 s to 12 h; the role's own maximum is checked by AWS. */
export function checkDurationSeconds(value: string | number): number {
  const seconds = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) {
    throw invalidInput(
      `${shown(value)} is not a valid session duration: it must be a whole number of seconds from 900 to 43200.`,
      `Use --duration-seconds ${ONE_HOUR_SECONDS} for one hour.`,
    );
  }
  return seconds;
}

export function checkObjectKey(key: string): string {
  if (key.length === 0 || Buffer.byteLength(key) > 1024) {
    throw invalidInput(
      `${shown(key)} is not a valid object key: S3 keys are 1 to 1024 bytes long.`,
      "Give the key as it appears in the bucket, e.g. Sunset.jpg.",
    );
  }
  return key;
}

/** A user, a role or an account root that may be trusted instead of the whole account. */
export function checkTrustPrincipal(arn: string): string {
  if (!/^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/.test(arn)) {
    throw invalidInput(
      `${shown(arn)} is not a principal xacct can trust: give the ARN of an IAM user, an IAM role, or an account root.`,
      "For example --trust-principal arn:aws:iam::222222222222:user/StageAdmin.",
    );
  }
  return arn;
}

/**
 * An IAM Identity Center permission set's name (1 to 32 of letters, digits and + = , . @ _ -):
 * it goes into an ArnLike pattern, so a `*` or `?` here would widen the trust.
 */
export function checkPermissionSetName(name: string): string {
  const problem = iamNameProblem(name, 1, 32);
  if (problem) {
    throw invalidInput(
      `${shown(name)} is not a valid permission set name: an IAM Identity Center permission set name ${problem}.`,
      "Give the permission set's name as Identity Center shows it, such as ReadOnlyAccess (no wildcards).",
    );
  }
  return name;
}

export function checkExternalId(value: string): string {
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(value)) {
    throw invalidInput(
      `${shown(value)} is not a valid external ID: it must be 2 to 1224 letters, digits or + = , . @ : / _ -.`,
      "Leave the value out (--external-id alone) and xacct generates a random one.",
    );
  }
  return value;
}

export function checkOrgId(value: string): string {
  if (!/^o-[a-z0-9]{10,32}$/.test(value)) {
    throw invalidInput(
      `${shown(value)} is not an AWS Organizations ID: it looks like o-a1b2c3d4e5.`,
      "Find it with `aws organizations describe-organization`.",
    );
  }
  return value;
}

/** A role's MaxSessionDuration: one to twelve hours. */
export function checkMaxSessionDuration(value: string | number): number {
  const seconds = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(seconds) || seconds < ONE_HOUR_SECONDS || seconds > 43_200) {
    throw invalidInput(
      `${shown(value)} is not a valid maximum session duration: a role allows ${ONE_HOUR_SECONDS} to 43200 seconds (1 to 12 hours).`,
      `Use --max-session-duration ${ONE_HOUR_SECONDS} for one hour.`,
    );
  }
  return seconds;
}

export function checkMfaSerial(arn: string): string {
  if (!/^(arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:mfa\/[\w+=,.@/-]+|[A-Z0-9]{9,256})$/.test(arn)) {
    throw invalidInput(
      `${shown(arn)} is not an MFA device: give its ARN, like arn:aws:iam::222222222222:mfa/StageAdmin.`,
      "List yours with `aws iam list-mfa-devices`.",
    );
  }
  return arn;
}

export function checkTokenCode(code: string): string {
  if (!/^\d{6}$/.test(code)) {
    throw invalidInput("The MFA code must be the 6 digits your device shows.", "Give the current code with --token-code.");
  }
  return code;
}

export function checkSourceIdentity(value: string): string {
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) {
    throw invalidInput(
      `${shown(value)} is not a valid source identity: 2 to 64 letters, digits or + = , . @ _ -.`,
      "Use your user name, e.g. --source-identity alice.",
    );
  }
  return value;
}

export function checkMode(mode: string): "role" | "resource-policy" {
  if (mode === "role" || mode === "resource-policy") return mode;
  throw invalidInput(
    `${shown(mode)} is not a grant mode: use role (Staging assumes a Production role) or resource-policy (the bucket grants Staging directly).`,
    "Leave --mode out for the recipe's role.",
  );
}

/** An OU ID, or the organization's root ID (which the APIs accept in the same field). */
export function checkOuId(value: string): string {
  if (!/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(value)) {
    throw invalidInput(
      `${shown(value)} is not an organizational unit ID: they look like ou-ab12-cd34ef56 (or r-ab12 for the root).`,
      "Find it with `aws organizations list-organizational-units-for-parent` from the management account.",
    );
  }
  return value;
}

const PROFILE_STYLES: readonly ProfileStyle[] = ["static", "role", "process"];

/** How a profile is written: static keys, a role profile, or credential_process. */
export function checkProfileStyle(style: string, platform: NodeJS.Platform = process.platform): ProfileStyle {
  if (style === "process") refuseProcessStyleOn(platform);
  if (PROFILE_STYLES.includes(style as ProfileStyle)) return style as ProfileStyle;
  throw invalidInput(`${shown(style)} is not a profile style: use static, role or process.`, "role is recommended: the AWS tools refresh it themselves.");
}

/**
 * A credential_process line is quoted for sh and shlex; on Windows cmd.exe and botocore read
 * quotes otherwise (a quote stays in the word, `&` or `%VAR%` act), so none is written there.
 */
export function refuseProcessStyleOn(platform: NodeJS.Platform = process.platform): void {
  if (platform !== "win32") return;
  throw invalidInput(
    "--profile-style process writes a credential_process line quoted for POSIX shells, which Windows reads differently, so xacct does not write one on Windows yet.",
    "Use --profile-style role (the AWS tools refresh it themselves) or static.",
  );
}
