/**
 * One rule for the profile names xacct writes: every name it accepts is read back by the JS
 * SDK under that very name, in both files, and the input check and the INI editor accept and
 * refuse exactly the same names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { upsertProfile, type AwsFile } from "../src/awsconfig/ini.js";
import { isWritableProfileName } from "../src/awsconfig/profile-name.js";
import { checkWritableProfileName } from "../src/validate/index.js";
import { readWithSdk } from "./awsconfig/sdk-reader.js";

const NUM_RUNS = Math.min(300, Number(process.env.XACCT_PROPERTY_RUNS ?? 300));
const name = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."aZ09-_.@+%:/$`'\" #;=[]ëé\t"), minLength: 0, maxLength: 10 }),
  fc.constantFrom("TempCred", "Tëmp", "a$b", "__proto__", "x".repeat(128), "x".repeat(129), "sso/admin", "a b"),
);

function accepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

describe("the profile names xacct writes", () => {
  it("the input check and the INI editor accept the same names", () => {
    fc.assert(
      fc.property(name, fc.constantFrom<AwsFile>("config", "credentials"), (profile, file) => {
        const byCheck = accepts(() => checkWritableProfileName(profile));
        const byEditor = accepts(() => upsertProfile("", { file, profile }, { region: "us-east-1" }));
        expect(byEditor).toBe(byCheck);
        expect(byCheck).toBe(isWritableProfileName(profile));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("every accepted name is read back by the JS SDK under that name", async () => {
    await fc.assert(
      fc.asyncProperty(name.filter(isWritableProfileName), fc.constantFrom<AwsFile>("config", "credentials"), async (profile, file) => {
        const profiles = await readWithSdk(upsertProfile("", { file, profile }, { region: "us-east-1" }), file);
        expect(Object.keys(profiles)).toEqual([profile]);
        expect(profiles[profile]?.["region"]).toBe("us-east-1");
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
