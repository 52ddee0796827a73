/**
 * Every value of every command is checked before the first AWS call: a bad value costs
 * nothing in either account. Each row runs one command with one invalid value against the
 * emulator and must end with exit 2, one sentence (and a hint), and no AWS call at all.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();

const ROLE = "arn:aws:iam::111111111111:role/StageRole";
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", "early-bucket", "--region", "us-east-1"];
const SETUP = ["setup", ...TARGET, "--yes"];
const ASSUME = ["assume", "--role-arn", ROLE, "--profile", "staging"];
const CREDENTIALS = ["credentials", "--role-arn", ROLE, "--profile", "staging"];

/** [what is wrong, argv] */
const ROWS: [string, string[]][] = [
  // setup: every flag, including those read late in the wizard and stage 3.
  ["setup --temp-profile with a non-ASCII letter", [...SETUP, "--temp-profile", "Tëmp"]],
  ["setup --temp-profile with a $", [...SETUP, "--temp-profile", "a$b"]],
  ["setup --temp-profile with a backtick", [...SETUP, "--temp-profile", "a`b"]],
  ["setup --profile-style unknown", [...SETUP, "--profile-style", "fancy"]],
  ["setup --mode unknown", [...SETUP, "--mode", "sideways"]],
  ["setup --bucket not a bucket name", ["setup", "--production-profile", "prod", "--staging-profile", "staging", "--bucket", "Bad_Bucket", "--yes"]],
  ["setup --role-name with a space", [...SETUP, "--role-name", "Stage Role"]],
  ["setup --policy-name with a !", [...SETUP, "--policy-name", "Read!"]],
  ["setup --staging-user with a /", [...SETUP, "--staging-user", "a/b"]],
  [
    "setup --region unknown",
    ["setup", "--production-profile", "prod", "--staging-profile", "staging", "--bucket", "early-bucket", "--region", "mars", "--yes"],
  ],
  ["setup --trust-principal not an ARN", [...SETUP, "--trust-principal", "alice"]],
  ["setup --external-id too short", [...SETUP, "--external-id", "x"]],
  ["setup --org-id malformed", [...SETUP, "--org-id", "o-x"]],
  ["setup --max-session-duration too short", [...SETUP, "--max-session-duration", "60"]],
  ["setup --staging-account not 12 digits", [...SETUP, "--staging-account", "123"]],
  ["setup --ou malformed", [...SETUP, "--staging-accounts-from-org", "--ou", "nope"]],
  ["setup --ou without --staging-accounts-from-org", [...SETUP, "--ou", "ou-ab12-cd34ef56"]],
  ["setup --test-key empty", [...SETUP, "--test-key", ""]],
  [
    "setup --production-profile with a space",
    ["setup", "--production-profile", "my prod", "--staging-profile", "staging", "--bucket", "early-bucket", "--yes"],
  ],
  ["setup a second --staging-profile with a bracket", [...SETUP, "--staging-profile", "a]b"]],
  ["setup resource-policy mode with a role-only flag", [...SETUP, "--mode", "resource-policy", "--require-mfa"]],
  ["setup --temp-profile naming the Production profile", [...SETUP, "--temp-profile", "prod"]],
  ["setup --temp-profile naming the Staging profile", [...SETUP, "--temp-profile", "staging"]],
  ["setup --endpoint-url not a URL", ["--endpoint-url", "::::", ...SETUP]],
  // teardown, verify, export: the same target flags.
  ["teardown --temp-profile with a $", ["teardown", ...TARGET, "--yes", "--temp-profile", "a$b"]],
  ["teardown --temp-profile with a non-ASCII letter", ["teardown", ...TARGET, "--yes", "--temp-profile", "Tëmp"]],
  ["teardown --role-name with a space", ["teardown", ...TARGET, "--yes", "--role-name", "a b"]],
  ["teardown --mode unknown", ["teardown", ...TARGET, "--yes", "--mode", "x"]],
  ["verify --external-id too short", ["verify", ...TARGET, "--external-id", "x"]],
  ["verify --key empty", ["verify", ...TARGET, "--live", "--key", ""]],
  ["export resource-policy mode", ["export", ...TARGET, "--mode", "resource-policy", "--format", "terraform", "--out-dir", "out-rp"]],
  ["export --temp-profile with a $", ["export", ...TARGET, "--temp-profile", "a$b", "--format", "terraform", "--out-dir", "out-tp"]],
  ["export --ou without --stackset", ["export", ...TARGET, "--ou", "ou-ab12-cd34ef56", "--format", "cloudformation", "--out-dir", "out-ou"]],
  // assume: the profile it writes, and everything it sends.
  ["assume --write-profile with a $", [...ASSUME, "--write-profile", "a$b"]],
  ["assume --write-profile with a non-ASCII letter", [...ASSUME, "--write-profile", "Tëmp"]],
  ["assume --write-profile __proto__", [...ASSUME, "--write-profile", "__proto__"]],
  ["assume --write-profile role-style with a $", [...ASSUME, "--write-profile", "a$b", "--profile-style", "role"]],
  ["assume --write-profile process-style with a $", [...ASSUME, "--write-profile", "a$b", "--profile-style", "process"]],
  ["assume --role-arn with a space", ["assume", "--role-arn", "arn:aws:iam::111111111111:role/a b/R", "--profile", "staging"]],
  ["assume --profile with a space", ["assume", "--role-arn", ROLE, "--profile", "my staging"]],
  ["assume --region unknown", [...ASSUME, "--region", "mars"]],
  ["assume --session-name with a space", [...ASSUME, "--session-name", "a b"]],
  ["assume --duration-seconds too short", [...ASSUME, "--duration-seconds", "60"]],
  ["assume --external-id too short", [...ASSUME, "--external-id", "x"]],
  ["assume --mfa-serial not a device", [...ASSUME, "--mfa-serial", "x", "--token-code", "123456"]],
  ["assume --token-code not 6 digits", [...ASSUME, "--token-code", "12"]],
  ["assume --source-identity with a space", [...ASSUME, "--source-identity", "a b"]],
  ["assume --profile-style unknown", [...ASSUME, "--write-profile", "Ok", "--profile-style", "x"]],
  ["assume --endpoint-url with a query", ["--endpoint-url", "http://127.0.0.1:1/?x=1", ...ASSUME]],
  // Flags that would be silently ignored, or promise a profile that cannot work.
  ["assume --credentials-file with a role-style profile", [...ASSUME, "--write-profile", "Ok", "--profile-style", "role", "--credentials-file"]],
  ["assume --credentials-file without --write-profile", [...ASSUME, "--credentials-file"]],
  ["assume --mfa-duration longer than STS allows", [...ASSUME, "--mfa-duration", "129601"]],
  ["credentials --mfa-duration shorter than STS allows", [...CREDENTIALS, "--mfa-duration", "899"]],
  [
    "credentials --duration-seconds over an hour from an MFA session",
    [...CREDENTIALS, "--mfa-serial", "arn:aws:iam::222222222222:mfa/StageAdmin", "--duration-seconds", "7200"],
  ],
  ["verify --key without --live", ["verify", ...TARGET, "--key", "k"]],
  // credentials, test-get, console.
  ["credentials --role-arn with a newline", ["credentials", "--role-arn", `${ROLE}\n`, "--profile", "staging"]],
  ["credentials --profile with a space", ["credentials", "--role-arn", ROLE, "--profile", "a b"]],
  ["credentials --session-name with a space", [...CREDENTIALS, "--session-name", "a b"]],
  ["credentials --duration-seconds too long", [...CREDENTIALS, "--duration-seconds", "99999"]],
  ["credentials --external-id with a space", [...CREDENTIALS, "--external-id", "a b"]],
  ["test-get empty key", ["test-get", "", "--bucket", "early-bucket", "--profile", "staging"]],
  ["test-get --bucket not a bucket name", ["test-get", "k", "--bucket", "B", "--profile", "staging"]],
  ["test-get --profile with a space", ["test-get", "k", "--bucket", "early-bucket", "--profile", "a b"]],
  ["test-get --region unknown", ["test-get", "k", "--bucket", "early-bucket", "--profile", "staging", "--region", "mars"]],
  ["console --role-arn with a control character", ["console", "--role-arn", `${ROLE}\u0007`]],
];

describe("a bad value is refused before the first AWS call", () => {
  it.each(ROWS)("%s", async (_what, argv) => {
    const before = await readFile(sandbox.configFile, "utf8");
    const result = await sandbox.run(argv);
    expect(result.calls.calls).toEqual([]);
    expect(result.code).toBe(2);
    // One sentence and at most a hint: no stack trace, no "Unexpected failure".
    expect(result.stderr).toMatch(/^✘ [^\n]+\n( {2}[^\n]+\n)?$/);
    expect(result.stderr).not.toContain("Unexpected failure");
    expect(await readFile(sandbox.configFile, "utf8")).toBe(before);
  });
});

/** What setup remembers for the table's setup; each row below spoils one value. */
const REMEMBERED = {
  mode: "role",
  productionProfile: "prod",
  stagingProfile: "staging",
  region: "us-east-1",
  bucket: "early-bucket",
  roleName: "StageRole",
  policyName: "StageRoleReadObjects",
  roleArn: ROLE,
  policyArn: "arn:aws:iam::111111111111:policy/StageRoleReadObjects",
  stagingUser: "StageAdmin",
  tempProfile: "TempCred",
  createdBucket: true,
  requireMfa: false,
  allowSourceIdentity: false,
  maxSessionDuration: 3600,
  productionAccountId: "111111111111",
  stagingAccountId: "222222222222",
  updatedAt: "2026-12-01T00:00:00.000Z",
};

const SPOILED: [string, Record<string, unknown>, string[]][] = [
  ["a trusted principal of *", { trustPrincipals: ["*"] }, SETUP],
  ["an organization ID that is not one", { orgId: "o-x" }, SETUP],
  ["an external ID with a space", { externalId: "a b" }, ["assume"]],
  ["an external ID with a space (credentials)", { externalId: "a b" }, ["credentials"]],
  ["an external ID with a space (verify --live)", { externalId: "a b" }, ["verify", "--live"]],
  ["a further Staging account that is not an account ID", { moreStaging: [{ accountId: "1", profile: "staging" }] }, ["verify"]],
  ["a session limit of 5 seconds", { maxSessionDuration: 5 }, SETUP],
  ["a role ARN with a newline", { roleArn: `${ROLE}\n` }, ["assume"]],
  ["a temporary profile with a $", { tempProfile: "a$b" }, ["teardown", "--yes"]],
  ["an endpoint that is not a URL", { endpoint: "::::" }, ["verify"]],
  ["a bucket that is a number", { bucket: 12345 }, ["test-get", "k", "--profile", "staging"]],
];

describe("a value remembered in the state file is checked like a flag, before the first AWS call", () => {
  it.each(SPOILED)("%s", async (_what, spoiled, argv) => {
    await mkdir(dirname(sandbox.statePath), { recursive: true });
    await writeFile(sandbox.statePath, JSON.stringify({ version: 1, setup: { ...REMEMBERED, ...spoiled } }));
    try {
      const result = await sandbox.run(argv);
      expect(result.calls.calls).toEqual([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^✘ xacct's state file [^\n]+ (holds|is damaged:) [^\n]+\n( {2}[^\n]+\n)?$/);
    } finally {
      await rm(sandbox.statePath, { force: true });
    }
  });
});
