/**
 * The aws CLI (Python's configparser, via botocore) and the JS SDK must find the same section
 * boundaries in a file xacct edits, or xacct refuses the edit. Generated files with odd
 * headers (indented, text after the ], comments inside, lone CRs, unicode spaces, [DEFAULT])
 * are read by real configparser in one batched Python process.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readersAgree, removeProfile, upsertProfile } from "../src/awsconfig/ini.js";

const NUM_RUNS = Number(process.env.XACCT_PROPERTY_RUNS ?? 400);

/** For each text, the stripped lines configparser takes as section headers, in order. */
function cliHeaderLines(texts: readonly string[]): string[][] {
  const script = `
import sys, json, io, configparser
out = []
for text in json.load(sys.stdin):
    seen = []
    class Recorder:
        def match(self, value):
            mo = configparser.RawConfigParser.SECTCRE.match(value)
            if mo: seen.append(value)
            return mo
    cp = configparser.RawConfigParser(strict=False)
    cp.SECTCRE = Recorder()
    try:
        cp.read_file(io.StringIO(text, newline=None))
    except configparser.Error:
        pass
    out.append(seen)
print(json.dumps(out))`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 1 << 26 }));
}

/** The JS SDK's parseIni: every line whose comment-stripped, trimmed text is in brackets. */
function sdkHeaderLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => {
      const trimmed = (line.split(/(?:^|\s)[;#]/)[0] ?? "").trim();
      return trimmed.startsWith("[") && trimmed.endsWith("]");
    })
    .map((line) =>
      line.replace(
        /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu,
        "",
      ),
    );
}

const HEADERS = [
  "[a]",
  "[profile TempCred]",
  "[TempCred]",
  "[profile victim]x",
  "[c] #x",
  "[c #x]",
  "[c];x",
  "\t[d]",
  "  [d]",
  "[]",
  "[DEFAULT]",
  "\ufeff[e]",
  "\x1c[f]",
  "[g]\x1c",
  "\u00a0[h]",
  "[i]]",
];
const OTHERS = ["k = v", "region = eu-west-1", "  k2 = v", "\tk3 = v", "s3 =", "x: y", "= v", "", "  ", "# c", "  ; c", "\t# c"];
const line = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...HEADERS) }, { weight: 5, arbitrary: fc.constantFrom(...OTHERS) });
const eol = fc.oneof({ weight: 8, arbitrary: fc.constant("\n") }, { weight: 2, arbitrary: fc.constant("\r\n") }, { weight: 1, arbitrary: fc.constant("\r") });
const fileArb = fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 12 }).map((lines) => "[start]\n" + lines.map(([text, end]) => text + end).join(""));

describe("section boundaries: both readers agree, or xacct refuses", () => {
  it("agrees with configparser and the SDK on generated files", () => {
    const texts = fc.sample(fileArb, { numRuns: NUM_RUNS, seed: 11 });
    const cli = cliHeaderLines(texts);
    texts.forEach((text, i) => {
      const same = JSON.stringify(cli[i]) === JSON.stringify(sdkHeaderLines(text));
      const hasDefaults = (cli[i] ?? []).some((header) => /^\[DEFAULT\]/.test(header) && header.lastIndexOf("]") === "[DEFAULT]".length - 1);
      const loneCr = /\r(?!\n)/.test(text);
      // Agreement is claimed only when true; refusal only when the readers differ (or [DEFAULT], or a lone CR).
      if (readersAgree(text)) expect({ text, same }).toEqual({ text, same: true });
      else expect({ text, why: !same || hasDefaults || loneCr }).toEqual({ text, why: true });
      if (!readersAgree(text)) {
        expect(() => upsertProfile(text, { file: "config", profile: "TempCred" }, { region: "us-east-1" })).toThrow(/Line \d+ of the AWS config file/);
        expect(() => removeProfile(text, { file: "credentials", profile: "TempCred" })).toThrow(/Line \d+ of the AWS credentials file/);
      }
    });
  });
});

describe("the attack's files are refused, naming the line", () => {
  const base = "[profile prod]\nregion = us-east-1\n[profile staging]\nregion = us-east-1\n";
  it.each([
    ["a header with text after the ]", `${base}[profile TempCred]\nxacct_profile = static\n[profile victim]x\noutput = text\n`, 7],
    ["a tab-indented header after a setting", `${base}[profile victim]\noutput = text\n\t[profile TempCred]\nxacct_profile = static\n`, 7],
    ["a lone CR", `${base}[profile TempCred]\nxacct_profile = static\noutput = json\r[profile victim]\routput = text\n`, 7],
    ["a space-indented header", `${base}[profile TempCred]\nxacct_profile = static\noutput = json\n  [profile victim]\nregion = eu-west-1\n`, 8],
  ])("%s", (_name, text, line) => {
    expect(() => upsertProfile(text, { file: "config", profile: "TempCred" }, { region: "us-east-1" })).toThrow(
      new RegExp(`^Line ${line} of the AWS config file`),
    );
    expect(() => removeProfile(text, { file: "config", profile: "TempCred" })).toThrow(new RegExp(`^Line ${line} of the AWS config file`));
  });

  it("[DEFAULT] anywhere in the file, and DEFAULT as a profile of the credentials file", () => {
    expect(() => upsertProfile("[DEFAULT]\nregion = x\n", { file: "config", profile: "TempCred" }, { region: "us-east-1" })).toThrow(/\[DEFAULT\]/);
    expect(() => upsertProfile("[prod]\naws_access_key_id = A\n", { file: "credentials", profile: "DEFAULT" }, { region: "us-east-1" })).toThrow(/DEFAULT/);
    // In the config file it is [profile DEFAULT], an ordinary section.
    expect(upsertProfile("", { file: "config", profile: "DEFAULT" }, { region: "us-east-1" })).toBe("[profile DEFAULT]\nregion = us-east-1\n");
  });

  it("a write that would leave a setting twice for configparser", () => {
    const text = "[profile TempCred]\nRegion = eu-west-1\nxacct_profile = static\n";
    expect(() => upsertProfile(text, { file: "config", profile: "TempCred" }, { region: "us-east-1" })).toThrow(/setting region twice/);
    const colon = "[profile TempCred]\nregion: eu-west-1\nxacct_profile = static\n";
    expect(() => upsertProfile(colon, { file: "config", profile: "TempCred" }, { region: "us-east-1" })).toThrow(/setting region twice/);
  });
});
