/**
 * Which remembered setup a command means (src/setups/choose.ts), as a table: the setups
 * xacct remembers and what the command was given in, the choice out.
 */
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { chooseSetup, type SetupRequest } from "../src/setups/choose.js";
import { setupIdOf, type SetupState } from "../src/state.js";

function setup(bucket: string, roleName: string): SetupState {
  return {
    productionProfile: "prod", stagingProfile: "staging", region: "us-east-1", bucket, roleName, policyName: `${roleName}ReadObjects`,
    roleArn: `arn:aws:iam::111111111111:role/${roleName}`, policyArn: `arn:aws:iam::111111111111:policy/${roleName}ReadObjects`,
    stagingUser: "StageAdmin", tempProfile: "TempCred", productionAccountId: "111111111111", stagingAccountId: "222222222222", updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

const A = setup("bucket-a", "StageRole");
const B = setup("bucket-b", "StageRole");
const A2 = setup("bucket-a", "OtherRole");

const cases: { name: string; given: SetupState[]; request: Omit<SetupRequest, "command">; expected: string | "none" | string[] }[] = [
  { name: "no setup remembered, nothing given: none", given: [], request: {}, expected: "none" },
  { name: "one setup, nothing given: that one (nothing changes with one setup)", given: [A], request: {}, expected: "bucket-a/StageRole" },
  { name: "two setups, nothing given: ask between both", given: [A, B], request: {}, expected: ["bucket-a/StageRole", "bucket-b/StageRole"] },
  { name: "--setup by id", given: [A, B, A2], request: { setup: "bucket-a/OtherRole" }, expected: "bucket-a/OtherRole" },
  { name: "--setup by a bucket only one setup has", given: [A, B, A2], request: { setup: "bucket-b" }, expected: "bucket-b/StageRole" },
  { name: "--bucket that one setup has: that one", given: [A, B], request: { bucket: "bucket-b" }, expected: "bucket-b/StageRole" },
  { name: "--bucket that two setups have: ask between those two", given: [A, B, A2], request: { bucket: "bucket-a" }, expected: ["bucket-a/StageRole", "bucket-a/OtherRole"] },
  { name: "--bucket and --role-name: exactly that one", given: [A, B, A2], request: { bucket: "bucket-a", roleName: "OtherRole" }, expected: "bucket-a/OtherRole" },
  { name: "flags describing a setup xacct does not remember: none (flags only)", given: [A, B], request: { bucket: "bucket-c" }, expected: "none" },
  { name: "flags describing no remembered setup, with one remembered: still none (never borrowed)", given: [A], request: { bucket: "bucket-c" }, expected: "none" },
  { name: "--role-arn of a remembered setup: that one", given: [A, A2], request: { roleArn: A2.roleArn }, expected: "bucket-a/OtherRole" },
  { name: "--role-arn of an unknown role: none", given: [A], request: { roleArn: "arn:aws:iam::111111111111:role/Else" }, expected: "none" },
];

describe("choosing the setup a command acts on", () => {
  it.each(cases)("$name", ({ given, request, expected }) => {
    const choice = chooseSetup(given, { command: "assume", ...request });
    if (expected === "none") expect(choice).toEqual({ kind: "none" });
    else if (Array.isArray(expected)) expect(choice.kind === "ask" && choice.choices.map(setupIdOf)).toEqual(expected);
    else expect(choice.kind === "found" && setupIdOf(choice.setup)).toBe(expected);
  });

  const refused: { name: string; given: SetupState[]; setup: string; message: RegExp; hint: RegExp }[] = [
    { name: "--setup naming no setup lists the names", given: [A, B], setup: "bucket-c", message: /remembers no setup named bucket-c/, hint: /bucket-a\/StageRole, bucket-b\/StageRole/ },
    { name: "--setup naming a bucket of two setups asks for the whole name", given: [A, A2], setup: "bucket-a", message: /names 2 setups of that bucket: bucket-a\/StageRole, bucket-a\/OtherRole/, hint: /--setup bucket-a\/StageRole/ },
    { name: "--setup with nothing remembered says so", given: [], setup: "bucket-a", message: /remembers no setup/, hint: /xacct setup/ },
  ];
  it.each(refused)("$name (exit 2)", ({ given, setup, message, hint }) => {
    let error: unknown;
    try {
      chooseSetup(given, { command: "assume", setup });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(XacctError);
    expect((error as XacctError).exitCode).toBe(2);
    expect((error as XacctError).message).toMatch(message);
    expect((error as XacctError).hint).toMatch(hint);
  });
});
