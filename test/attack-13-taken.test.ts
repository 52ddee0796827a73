/**
 * What one setup run may not take from another remembered setup (src/setups/taken.ts), as
 * tables: the default temporary profile a terminal run picks, and the rerun that would move a
 * setup to another account or Staging user.
 */
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { defaultTempProfile, refuseMovedSetup, refuseTakenProfile } from "../src/setups/taken.js";
import type { SetupState } from "../src/state.js";

function setup(bucket: string, roleName: string, tempProfile: string, mode?: "resource-policy"): SetupState {
  return {
    ...(mode ? { mode } : {}),
    productionProfile: "prod",
    stagingProfile: "staging",
    region: "us-east-1",
    bucket,
    roleName,
    policyName: `${roleName}ReadObjects`,
    roleArn: `arn:aws:iam::111111111111:role/${roleName}`,
    policyArn: `arn:aws:iam::111111111111:policy/${roleName}ReadObjects`,
    stagingUser: "StageAdmin",
    tempProfile,
    productionAccountId: "111111111111",
    stagingAccountId: "222222222222",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

const A = setup("bucket-a", "StageRole", "TempCred");
const B = setup("bucket-b", "RoleB", "TempCred2");
const R = setup("bucket-r", "StageRole", "TempCred3", "resource-policy");

describe("the temporary profile a run takes when --temp-profile is not given", () => {
  it("in a terminal, a new setup gets the first name no remembered role setup has", () => {
    expect(defaultTempProfile([], undefined, true)).toBe("TempCred");
    expect(defaultTempProfile([A], undefined, true)).toBe("TempCred2");
    expect(defaultTempProfile([A, B], undefined, true)).toBe("TempCred3");
    // A resource-policy setup writes no profile: its remembered name is free
    expect(defaultTempProfile([A, B, R], undefined, true)).toBe("TempCred3");
  });

  it("a run that continues a setup keeps that setup's profile; unattended, the recipe's (refused if taken)", () => {
    expect(defaultTempProfile([A, B], B, true)).toBe("TempCred2");
    expect(defaultTempProfile([A, B], B, false)).toBe("TempCred2");
    expect(defaultTempProfile([A], undefined, false)).toBe("TempCred");
    expect(() => refuseTakenProfile([A], "bucket-c/RoleC", "TempCred", "--temp-profile")).toThrow(
      /Profile TempCred is the temporary profile of setup bucket-a\/StageRole/,
    );
    expect(() => refuseTakenProfile([A], "bucket-a/StageRole", "TempCred", "--temp-profile")).not.toThrow();
  });
});

describe("a rerun that moves a setup (finding 5)", () => {
  const now = { id: "bucket-a/StageRole", productionAccountId: "111111111111", stagingAccountId: "222222222222", stagingUser: "StageAdmin" };
  const cases: [string, Partial<typeof now>, RegExp | undefined][] = [
    ["the same side: allowed", {}, undefined],
    ["another Staging account", { stagingAccountId: "333333333333" }, /Staging account 222222222222 → 333333333333/],
    ["another Production account", { productionAccountId: "444444444444" }, /Production account 111111111111 → 444444444444/],
    ["another Staging user", { stagingUser: "Reader" }, /Staging user StageAdmin → Reader/],
  ];
  for (const [name, change, refused] of cases) {
    it(name, () => {
      const run = () => refuseMovedSetup(A, { ...now, ...change });
      if (!refused) return expect(run).not.toThrow();
      const error = (() => {
        try {
          run();
        } catch (e) {
          return e as XacctError;
        }
        throw new Error("not refused");
      })();
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(refused);
      expect(error.hint).toContain("xacct teardown --setup bucket-a/StageRole --yes");
    });
  }

  it("a new setup (another id) is not a move", () => {
    expect(() => refuseMovedSetup(A, { ...now, id: "bucket-z/StageRole", stagingAccountId: "333333333333" })).not.toThrow();
  });
});
