import { describe, expect, it } from "vitest";
import { XacctError } from "../../src/errors.js";
import { listProfileNames, listSections, removeProfile, upsertProfile, type ProfileTarget } from "../../src/awsconfig/ini.js";
import { expectSdkToSeeEdit, readWithSdk } from "./sdk-reader.js";

const TEMP: ProfileTarget = { file: "credentials", profile: "TempCred" };
const FRESH = { aws_access_key_id: "AKIANEW", aws_secret_access_key: "secret/NEW+", aws_session_token: "tokenNEW==" };
const FRESH_SECTION = "[TempCred]\naws_access_key_id = AKIANEW\naws_secret_access_key = secret/NEW+\naws_session_token = tokenNEW==\n";
const PROD: ProfileTarget = { file: "config", profile: "xacct-prod" };
const ROLE = { role_arn: "arn:aws:iam::111111111111:role/XacctAccess", source_profile: "dev" };

interface UpsertCase {
  name: string;
  input: string;
  target?: ProfileTarget;
  values?: Record<string, string>;
  removeKeys?: string[];
  expected: string;
}

const HAND_WRITTEN = `# my AWS credentials
; managed by hand

[default]
aws_access_key_id = AKIADEFAULT ; personal
aws_secret_access_key = s3cr3t # do not share
`;

const SSO_AND_SERVICES = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[services local]
s3 =
  endpoint_url = http://localhost:4566
sts =
  endpoint_url = http://localhost:4566

[profile dev]
sso_session = corp
services = local
`;

const upsertCases: UpsertCase[] = [
  { name: "creates the section in an empty file", input: "", expected: FRESH_SECTION },
  {
    name: "appends after comments (# and ;, whole-line and after values) with one blank line",
    input: HAND_WRITTEN,
    expected: `${HAND_WRITTEN}\n${FRESH_SECTION}`,
  },
  {
    name: "adds the missing final newline before appending",
    input: "[default]\naws_access_key_id = AKIADEFAULT",
    expected: `[default]\naws_access_key_id = AKIADEFAULT\n\n${FRESH_SECTION}`,
  },
  {
    name: "adds no second blank line when the file already ends with one",
    input: "[default]\naws_access_key_id = AKIADEFAULT\n\n",
    expected: `[default]\naws_access_key_id = AKIADEFAULT\n\n${FRESH_SECTION}`,
  },
  {
    name: "appends with CRLF in a CRLF file",
    input: "[default]\r\naws_access_key_id = AKIADEFAULT\r\n",
    expected: `[default]\r\naws_access_key_id = AKIADEFAULT\r\n\r\n${FRESH_SECTION.replaceAll("\n", "\r\n")}`,
  },
  {
    name: "appends with LF when most line breaks are LF",
    input: "# one\r\n# two\n# three\n",
    expected: `# one\r\n# two\n# three\n\n${FRESH_SECTION}`,
  },
  {
    name: "replaces keys in place with their spacing, moves a comment after a value above it, keeps extra keys",
    input: `[default]
aws_access_key_id = AKIADEFAULT

[TempCred]
# written by xacct
aws_access_key_id=AKIAOLD
aws_secret_access_key   =   oldsecret    # rotated hourly
region = eu-west-1
output = json
; trailing comment

[other]
aws_access_key_id = AKIAOTHER
`,
    expected: `[default]
aws_access_key_id = AKIADEFAULT

[TempCred]
# written by xacct
aws_access_key_id=AKIANEW
# rotated hourly
aws_secret_access_key   =   secret/NEW+
region = eu-west-1
output = json
aws_session_token = tokenNEW==
; trailing comment

[other]
aws_access_key_id = AKIAOTHER
`,
  },
  {
    name: "drops removeKeys and earlier duplicates of owned keys",
    input: "[TempCred]\naws_access_key_id = A1\naws_session_token = stale\naws_access_key_id = A2\nregion = eu-west-1\n",
    values: { aws_access_key_id: "AKIANEW" },
    removeKeys: ["aws_session_token"],
    expected: "[TempCred]\naws_access_key_id = AKIANEW\nregion = eu-west-1\n",
  },
  {
    name: "updates the last of duplicate sections; drops removeKeys from all, since the SDK merges them",
    input: "[TempCred]\naws_access_key_id = AKIAFIRST\naws_session_token = stale\n\n[TempCred]\naws_access_key_id = AKIASECOND\n",
    values: { aws_access_key_id: "AKIANEW", aws_secret_access_key: "secret" },
    removeKeys: ["aws_session_token"],
    expected: "[TempCred]\naws_access_key_id = AKIAFIRST\n\n[TempCred]\naws_access_key_id = AKIANEW\naws_secret_access_key = secret\n",
  },
  {
    name: "keeps no final newline when every key is replaced in place",
    input: "[TempCred]\naws_access_key_id = AKIAOLD",
    values: { aws_access_key_id: "AKIANEW" },
    expected: "[TempCred]\naws_access_key_id = AKIANEW",
  },
  {
    name: "inserts after a last line without newline",
    input: "[TempCred]\naws_access_key_id = AKIAOLD",
    expected: FRESH_SECTION,
  },
  {
    name: "keeps CRLF when editing in place",
    input: "[TempCred]\r\naws_access_key_id = AKIAOLD\r\n",
    expected: FRESH_SECTION.replaceAll("\n", "\r\n"),
  },
  {
    name: "keeps unicode and tabs",
    input: "# Zugangsdaten für café ☕ — 日本語\n[default]\naws_access_key_id\t=\tAKIADEFAULT\n[TempCred]\n\taws_access_key_id\t= old\t# ключ\n",
    values: { aws_access_key_id: "AKIANEW" },
    expected: "# Zugangsdaten für café ☕ — 日本語\n[default]\naws_access_key_id\t=\tAKIADEFAULT\n[TempCred]\n\t# ключ\n\taws_access_key_id\t= AKIANEW\n",
  },
  {
    name: "keeps the indent of a section written with indented keys",
    input: "[TempCred]\n    aws_access_key_id = OLD\n    aws_secret_access_key = OLD\n",
    expected: "[TempCred]\n    aws_access_key_id = AKIANEW\n    aws_secret_access_key = secret/NEW+\naws_session_token = tokenNEW==\n",
  },
  {
    name: "matches a header with a trailing comment",
    input: "[TempCred] # temporary\naws_access_key_id = OLD\n",
    values: { aws_access_key_id: "AKIANEW" },
    expected: "[TempCred] # temporary\naws_access_key_id = AKIANEW\n",
  },
  {
    name: "does not take look-alike sections for the target",
    input: "[TempCred2]\naws_access_key_id = A\n\n[profile TempCred]\naws_access_key_id = B\n",
    expected: `[TempCred2]\naws_access_key_id = A\n\n[profile TempCred]\naws_access_key_id = B\n\n${FRESH_SECTION}`,
  },
  {
    name: "replaces a key together with its indented continuation lines",
    input: "[TempCred]\naws_session_token =\n  stray = value\nregion = us-east-1\n",
    expected: "[TempCred]\naws_session_token = tokenNEW==\nregion = us-east-1\naws_access_key_id = AKIANEW\naws_secret_access_key = secret/NEW+\n",
  },
  {
    name: "config: writes [default] for the default profile",
    input: "[default]\nregion = us-east-1\n",
    target: { file: "config", profile: "default" },
    values: { region: "eu-west-1" },
    expected: "[default]\nregion = eu-west-1\n",
  },
  {
    name: "config: edits [profile default], which replaces [default] for the SDK",
    input: "[default]\nregion = us-east-1\n\n[profile default]\noutput = json\n",
    target: { file: "config", profile: "default" },
    values: { region: "eu-west-1" },
    expected: "[default]\nregion = us-east-1\n\n[profile default]\noutput = json\nregion = eu-west-1\n",
  },
  {
    name: "config: appends [profile NAME] after sso-session and services sections",
    input: SSO_AND_SERVICES,
    target: PROD,
    values: ROLE,
    expected: `${SSO_AND_SERVICES}\n[profile xacct-prod]\nrole_arn = ${ROLE.role_arn}\nsource_profile = dev\n`,
  },
  {
    name: "config: a [TempCred] header is not [profile TempCred]",
    input: "[xacct-prod]\nrole_arn = old\n",
    target: PROD,
    values: ROLE,
    expected: `[xacct-prod]\nrole_arn = old\n\n[profile xacct-prod]\nrole_arn = ${ROLE.role_arn}\nsource_profile = dev\n`,
  },
  {
    name: "config: matches a quoted profile name",
    input: '[profile "xacct-prod"]\nregion = eu-west-1\n',
    target: PROD,
    values: ROLE,
    expected: `[profile "xacct-prod"]\nregion = eu-west-1\nrole_arn = ${ROLE.role_arn}\nsource_profile = dev\n`,
  },
  {
    name: "config: indented sub-keys are never keys of the profile",
    input: `[profile xacct-prod]
region = eu-west-1
s3 =
  addressing_style = path
  role_arn = not-a-key-of-the-profile
# end

[services local]
sts =
  endpoint_url = http://localhost:4566
`,
    target: PROD,
    values: ROLE,
    expected: `[profile xacct-prod]
region = eu-west-1
s3 =
  addressing_style = path
  role_arn = not-a-key-of-the-profile
role_arn = ${ROLE.role_arn}
source_profile = dev
# end

[services local]
sts =
  endpoint_url = http://localhost:4566
`,
  },
];

describe("upsertProfile", () => {
  it.each(upsertCases)("$name", async ({ input, target = TEMP, values = FRESH, removeKeys = [], expected }) => {
    // Given a file, when we write the profile, then exactly the expected bytes come out…
    const output = upsertProfile(input, target, values, { removeKeys });
    expect(output).toBe(expected);
    // …writing again changes nothing…
    expect(upsertProfile(output, target, values, { removeKeys })).toBe(output);
    // …and the SDK reads the new values and every other profile as before.
    await expectSdkToSeeEdit(input, output, target, values, removeKeys);
  });

  it("reads a bare key-less section as the profile once values are written", async () => {
    const output = upsertProfile("[TempCred]\n", TEMP, FRESH);
    expect((await readWithSdk(output, "credentials")).TempCred).toEqual(FRESH);
  });

  const badInputs: { name: string; profile?: string; values?: Record<string, string>; removeKeys?: string[] }[] = [
    { name: "a newline in the profile name", profile: "a\nb" },
    { name: "brackets in the profile name", profile: "a]b" },
    { name: "a space in the profile name", profile: "a b" },
    { name: "an empty profile name", profile: "" },
    { name: "__proto__", profile: "__proto__" },
    { name: "a newline in a value", values: { aws_session_token: "abc\ndef" } },
    { name: "a carriage return in a value", values: { aws_session_token: "abc\r" } },
    { name: "an empty value", values: { region: "" } },
    { name: "a value with surrounding spaces", values: { region: " eu-west-1" } },
    { name: "a value the SDK would cut as a comment", values: { region: "eu-west-1 # x" } },
    { name: "= in a key", values: { "a=b": "x" } },
    { name: "a bad removeKeys entry", removeKeys: ["a b"] },
  ];
  it.each(badInputs)("refuses $name with exit code 2, naming no value", ({ profile = "TempCred", values = FRESH, removeKeys }) => {
    const attempt = () => upsertProfile("", { file: "credentials", profile }, values, removeKeys ? { removeKeys } : {});
    expect(attempt).toThrow(XacctError);
    try {
      attempt();
    } catch (error) {
      expect((error as XacctError).exitCode).toBe(2);
      expect((error as XacctError).message).not.toContain("abc");
    }
  });
});

interface RemoveCase {
  name: string;
  input: string;
  target?: ProfileTarget;
  expected: string;
}

const removeCases: RemoveCase[] = [
  { name: "a middle section and one blank line", input: "[a]\nk = 1\n\n[TempCred]\nk = 2\n\n[b]\nk = 3\n", expected: "[a]\nk = 1\n\n[b]\nk = 3\n" },
  { name: "the last section and its separator", input: "[a]\nk = 1\n\n[TempCred]\nk = 2\n", expected: "[a]\nk = 1\n" },
  { name: "the first section", input: "[TempCred]\nk = 2\n\n[b]\nk = 3\n", expected: "[b]\nk = 3\n" },
  {
    name: "not the comment above the next section",
    input: "[a]\nk = 1\n\n[TempCred]\nk = 2\n# about b\n[b]\nk = 3\n",
    expected: "[a]\nk = 1\n\n# about b\n[b]\nk = 3\n",
  },
  { name: "every duplicate", input: "[TempCred]\nk = 1\n\n[a]\nk = 2\n\n[TempCred]\nk = 3\n", expected: "[a]\nk = 2\n" },
  { name: "nothing when absent", input: "[a]\nk = 1 ; c\n", expected: "[a]\nk = 1 ; c\n" },
  { name: "with CRLF", input: "[a]\r\nk = 1\r\n\r\n[TempCred]\r\nk = 2\r\n", expected: "[a]\r\nk = 1\r\n" },
  {
    name: "nested settings with the section",
    input: "[profile xacct-prod]\ns3 =\n  addressing_style = path\n\n[profile dev]\nregion = x\n",
    target: PROD,
    expected: "[profile dev]\nregion = x\n",
  },
];

describe("removeProfile", () => {
  it.each(removeCases)("removes $name", ({ input, target = TEMP, expected }) => {
    expect(removeProfile(input, target)).toBe(expected);
  });

  it.each(["", "[default]\nregion = x\n", HAND_WRITTEN, SSO_AND_SERVICES, "# only a comment\r\n"])("undoes an append exactly: %j", (original) => {
    const file = original === SSO_AND_SERVICES ? PROD : TEMP;
    const values = file === PROD ? ROLE : FRESH;
    expect(removeProfile(upsertProfile(original, file, values), file)).toBe(original);
  });
});

describe("listing", () => {
  it("lists sections the way the SDK files them", () => {
    const sections = listSections(`${SSO_AND_SERVICES}[default]\n[profile 'q']\n[weird x]\n`);
    expect(sections.map(({ header, kind, name, start, end }) => ({ header, kind, name, start, end }))).toEqual([
      { header: "sso-session corp", kind: "sso-session", name: "corp", start: 0, end: 4 },
      { header: "services local", kind: "services", name: "local", start: 4, end: 10 },
      { header: "profile dev", kind: "profile", name: "dev", start: 10, end: 13 },
      { header: "default", kind: "plain", name: "default", start: 13, end: 14 },
      { header: "profile 'q'", kind: "profile", name: "q", start: 14, end: 15 },
      { header: "weird x", kind: "ignored", name: "x", start: 15, end: 16 },
    ]);
  });

  it("lists profile names of the config file: [default] and [profile NAME], once each", () => {
    const text = `[default]\n${SSO_AND_SERVICES}[profile dev]\n[profile default]\n[plain]\n`;
    expect(listProfileNames(text, "config")).toEqual(["default", "dev"]);
  });

  it("lists profile names of the credentials file: plain sections only", () => {
    expect(listProfileNames("[default]\n[TempCred]\n[profile x]\n[a b]\n", "credentials")).toEqual(["default", "TempCred"]);
  });
});
