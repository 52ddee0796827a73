/**
 * Property tests: generated files with any mix of comments, odd spacing, CRLF, unicode,
 * nested settings, look-alike and duplicate sections, the target absent, once or twice.
 * Raise XACCT_PROPERTY_RUNS for a longer hunt.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listProfileNames, readersAgree, removeProfile, upsertProfile, type ProfileTarget } from "../../src/awsconfig/ini.js";
import { expectSdkToSeeEdit, readWithSdk } from "./sdk-reader.js";

const NUM_RUNS = Number(process.env.XACCT_PROPERTY_RUNS ?? 1000);
const OWNED_KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region"] as const;
const OTHER_KEYS = ["output", "role_arn", "source_profile", "sso_session", "services", "endpoint_url"];

/** A generated section: its lines, and the name the SDK files it under (see isEffectiveTarget). */
interface GeneratedSection {
  sdkName: string;
  lines: string[];
}

interface Scenario {
  target: ProfileTarget;
  /** SDK names of sections that are the target; a [default] is shadowed by [profile default]. */
  targetHeaders: { sdkName: string; header: string }[];
  otherHeaders: { sdkName: string; header: string }[];
}

const SCENARIOS: Scenario[] = [
  {
    target: { file: "credentials", profile: "TempCred" },
    targetHeaders: [
      { sdkName: "TempCred", header: "[TempCred]" },
      { sdkName: "TempCred", header: "  [TempCred]\t# temporary" },
    ],
    otherHeaders: [
      { sdkName: "default", header: "[default]" },
      { sdkName: "TempCred2", header: "[TempCred2]" },
      { sdkName: "profile.TempCred", header: "[profile TempCred]" },
      { sdkName: "dev", header: "[dev] ; main account" },
    ],
  },
  {
    target: { file: "config", profile: "xacct-prod" },
    targetHeaders: [
      { sdkName: "profile.xacct-prod", header: "[profile xacct-prod]" },
      { sdkName: "profile.xacct-prod", header: '[profile "xacct-prod"] # quoted' },
    ],
    otherHeaders: [
      { sdkName: "default", header: "[default]" },
      { sdkName: "xacct-prod", header: "[xacct-prod]" },
      { sdkName: "profile.xacct-prod-2", header: "[profile xacct-prod-2]" },
      { sdkName: "sso-session.corp", header: "[sso-session corp]" },
      { sdkName: "services.local", header: "[services local]" },
    ],
  },
  {
    target: { file: "config", profile: "default" },
    targetHeaders: [
      { sdkName: "default", header: "[default]" },
      { sdkName: "profile.default", header: "[profile default]" },
    ],
    otherHeaders: [
      { sdkName: "profile.dev", header: "[profile dev]" },
      { sdkName: "services.local", header: "[services local]" },
    ],
  },
];

// ---------------------------------------------------------------------------------------
// Lines.

const freeText = fc.string({ unit: "grapheme", maxLength: 12 }).map((text) => text.replace(/[\r\n]/g, " "));
const spacing = fc.constantFrom("", " ", "  ", "\t");
const value = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9/+=:._-]{1,16}$/),
  fc.constantFrom("ü-é", "日本語", "http://localhost:4566", "arn:aws:iam::111111111111:role/X"),
);
const inlineComment = fc.option(
  fc.tuple(fc.constantFrom(" ", "\t", "   "), fc.constantFrom("#", ";"), freeText).map((parts) => parts.join("")),
  { nil: "" },
);
const commentLine = fc.tuple(fc.constantFrom("", "  ", "\t"), fc.constantFrom("#", ";"), freeText).map(([indent, mark, text]) => `${indent}${mark}${text}`);
const blankLine = fc.constantFrom("", "  ", "\t");
const keyName = fc.constantFrom(...OWNED_KEYS, ...OTHER_KEYS);
const keyLine = fc
  .tuple(keyName, spacing, spacing, value, inlineComment)
  .map(([key, before, after, text, comment]) => `${key}${before}=${after}${text}${comment}`);
/** `s3 =` and deeper-indented settings under it, which may reuse top-level key names. */
const nestedBlock = fc
  .tuple(
    fc.constantFrom("s3", "sts", "aws_session_token"),
    fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom("  ", "    ", "\t"), keyName, value).map(([i, k, v]) => `${i}${k} = ${v}`) },
        { weight: 1, arbitrary: fc.oneof(commentLine, blankLine) },
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([key, subLines]) => [`${key} =`, ...subLines, "  nested_last = 1"]);
const bodyLines = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: keyLine.map((line) => [line]) },
      { weight: 1, arbitrary: nestedBlock },
      { weight: 2, arbitrary: commentLine.map((line) => [line]) },
      { weight: 2, arbitrary: blankLine.map((line) => [line]) },
    ),
    { maxLength: 6 },
  )
  .map((groups) => groups.flat());

// ---------------------------------------------------------------------------------------
// Files.

function sectionOf(header: { sdkName: string; header: string }) {
  return bodyLines.map((lines): GeneratedSection => ({ sdkName: header.sdkName, lines: [header.header, ...lines] }));
}

const fileArb = fc.constantFrom(...SCENARIOS).chain((scenario) =>
  fc.record({
    scenario: fc.constant(scenario),
    preamble: fc.array(fc.oneof(commentLine, blankLine, fc.constant("orphan = before any section")), { maxLength: 3 }),
    sections: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...scenario.otherHeaders).chain(sectionOf) },
        { weight: 1, arbitrary: fc.constantFrom(...scenario.targetHeaders).chain(sectionOf) },
      ),
      { maxLength: 6 },
    ),
    lineEndings: fc.constantFrom("lf", "crlf", "mixed"),
    mixedEndings: fc.infiniteStream(fc.constantFrom("\n", "\r\n")),
    finalNewline: fc.boolean(),
    values: fc.dictionary(fc.constantFrom(...OWNED_KEYS), value, { maxKeys: 4 }),
    removeKeys: fc.subarray([...OWNED_KEYS]),
  }),
);

type GeneratedFile = typeof fileArb extends fc.Arbitrary<infer T> ? T : never;

/** The file as chunks: the preamble, then one chunk per section, with line endings applied. */
function chunksOf(file: GeneratedFile): { sdkName: string | undefined; text: string }[] {
  const endings = file.mixedEndings[Symbol.iterator]();
  const eol = () => (file.lineEndings === "lf" ? "\n" : file.lineEndings === "crlf" ? "\r\n" : (endings.next().value as string));
  const raw = [{ sdkName: undefined, lines: file.preamble }, ...file.sections];
  const totalLines = raw.reduce((sum, chunk) => sum + chunk.lines.length, 0);
  let written = 0;
  return raw.map((chunk) => ({
    sdkName: chunk.sdkName,
    text: chunk.lines
      .map((line) => {
        written += 1;
        return line + (written === totalLines && !file.finalNewline ? "" : eol());
      })
      .join(""),
  }));
}

/**
 * The sections the SDK takes the target from: in config, [profile default] replaces
 * [default] once the SDK finds any setting in it; until then it is an empty, unused section
 * (which we still fill when there is no [default]).
 */
async function effectiveTargetNames(scenario: Scenario, chunks: { sdkName: string | undefined; text: string }[]) {
  if (scenario.target.profile !== "default") return new Set(scenario.targetHeaders.map((header) => header.sdkName));
  const profileDefault = chunks.filter((chunk) => chunk.sdkName === "profile.default").map((chunk) => chunk.text);
  const shadows = (await readWithSdk(profileDefault.join(""), "config")).default !== undefined;
  const hasPlainDefault = chunks.some((chunk) => chunk.sdkName === "default");
  return new Set([shadows || !hasPlainDefault ? "profile.default" : "default"]);
}

/** Splits text at header lines, by the SDK's rule (comment stripped, trimmed, in brackets). */
function splitAtHeaders(text: string): string[] {
  const chunks = [""];
  for (const line of text.split(/(?<=\n)/)) {
    const setting = (line.split(/(?:^|\s)[;#]/)[0] ?? "").trim();
    if (setting.startsWith("[") && setting.endsWith("]")) chunks.push("");
    chunks[chunks.length - 1] += line;
  }
  return chunks;
}

const firstLine = (text: string) => text.split(/\r?\n/)[0];

describe("upsertProfile on generated files", () => {
  it("changes only the target's sections, as the SDK reads them, idempotently", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (file) => {
        const { target } = file.scenario;
        const chunks = chunksOf(file);
        // Known limit: dropping the last setting of a [profile default] that shadows a
        // [default] brings that [default] back to life for the SDK. Nothing writes that way.
        const sdkNames = chunks.map((chunk) => chunk.sdkName);
        fc.pre(!(Object.keys(file.values).length === 0 && sdkNames.includes("default") && sdkNames.includes("profile.default")));
        const input = chunks.map((chunk) => chunk.text).join("");
        const options = { removeKeys: file.removeKeys };
        // Files the aws CLI splits differently are refused (cli-lines.property.test.ts).
        fc.pre(readersAgree(input));
        const output = upsertProfile(input, target, file.values, options);

        // Every byte outside the target's sections is unchanged.
        const targets = await effectiveTargetNames(file.scenario, chunks);
        const outputChunks = splitAtHeaders(output);
        const targetPresent = chunks.some((chunk) => chunk.sdkName !== undefined && targets.has(chunk.sdkName));
        if (targetPresent) {
          expect(outputChunks).toHaveLength(chunks.length);
          chunks.forEach((chunk, index) => {
            const outputChunk = outputChunks[index] as string;
            if (chunk.sdkName !== undefined && targets.has(chunk.sdkName)) expect(firstLine(outputChunk)).toBe(firstLine(chunk.text));
            else expect(outputChunk).toBe(chunk.text);
          });
        } else {
          expect(output.startsWith(input)).toBe(true);
          expect(splitAtHeaders(output.slice(input.length))).toHaveLength(2);
        }

        await expectSdkToSeeEdit(input, output, target, file.values, file.removeKeys);
        expect(upsertProfile(output, target, file.values, options)).toBe(output);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("removeProfile on generated files", () => {
  it("removes the profile for the SDK and leaves every other profile as it was", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (file) => {
        const { target } = file.scenario;
        const input = chunksOf(file)
          .map((chunk) => chunk.text)
          .join("");
        fc.pre(readersAgree(input));
        const output = removeProfile(input, target);
        const { [target.profile]: _removedBefore, ...othersBefore } = await readWithSdk(input, target.file);
        const { [target.profile]: removed, ...othersAfter } = await readWithSdk(output, target.file);
        expect(removed).toBeUndefined();
        expect(othersAfter).toEqual(othersBefore);
        expect(listProfileNames(output, target.file)).not.toContain(target.profile);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("undoes an append exactly when the file ended with a newline after a non-blank line", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (file) => {
        const { target } = file.scenario;
        const original = chunksOf(file)
          .filter((chunk) => !file.scenario.targetHeaders.some((header) => header.sdkName === chunk.sdkName))
          .map((chunk) => chunk.text)
          .join("");
        fc.pre(original === "" || /[^\s]\r?\n$/.test(original));
        fc.pre(readersAgree(original));
        expect(removeProfile(upsertProfile(original, target, file.values), target)).toBe(original);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
