/**
 * xacct reads profiles with the SDK's rules (sdk-ini.ts) instead of its loader, for speed on
 * big files. Differential test: on generated files the port and the SDK's own loader agree on
 * every profile's name and settings.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AwsFile } from "../../src/awsconfig/ini.js";
import { readSdkProfiles } from "../../src/awsconfig/sdk-ini.js";
import { readWithSdk } from "./sdk-reader.js";

const NUM_RUNS = Number(process.env.XACCT_PROPERTY_RUNS ?? 500);

const name = fc.constantFrom("dev", "Work", "a.b", "default", "x@y", "__proto__", "");
const header = fc
  .tuple(
    fc.constantFrom("", " ", "\t"),
    fc.constantFrom("profile ", "profile  ", "profile\t", "profile.", "sso-session ", "services ", "weird ", "", "profile '", 'profile "'),
    name,
    fc.constantFrom("", "'", '"', " "),
    fc.constantFrom("", " # c", "; c", "#c", " ]"),
  )
  .map(([indent, prefix, n, close, comment]) => `${indent}[${prefix}${n}${close}]${comment}`);
const key = fc.constantFrom("region", "role_arn", "s3", "aws_session_token", "output", "x.y");
const value = fc.constantFrom("", "v", "eu-west-1", "a=b", "x # not a comment?", "x #c", "y;z");
const setting = fc
  .tuple(fc.constantFrom("", "  ", "\t"), key, fc.constantFrom("=", " = ", " =", "= "), value)
  .map(([indent, k, eq, v]) => `${indent}${k}${eq}${v}`);
const other = fc.constantFrom("", "# comment", "; comment", "  ", "no equals", "=v", "[", "]");
const line = fc.oneof({ weight: 2, arbitrary: header }, { weight: 5, arbitrary: setting }, { weight: 2, arbitrary: other });
const fileText = fc
  .tuple(fc.array(line, { maxLength: 14 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([lines, eol, final]) => lines.join(eol) + (final && lines.length > 0 ? eol : ""));

function profilesOfSdk(loaded: Record<string, Record<string, string | undefined>>, file: AwsFile) {
  const entries = Object.entries(loaded).filter(([key]) => file === "credentials" || !/^(sso-session|services)\./.test(key));
  return Object.fromEntries(entries);
}

describe("readSdkProfiles", () => {
  it.each(["config", "credentials"] as const)("reads a generated %s file as the SDK's loader does", async (file) => {
    await fc.assert(
      fc.asyncProperty(fileText, async (text) => {
        const expected = profilesOfSdk(await readWithSdk(text, file), file);
        const ours = readSdkProfiles(text, file);
        const actual = Object.fromEntries(ours.names().map((n) => [n, ours.settings(n)]));
        expect(actual).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
