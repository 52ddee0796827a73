import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import {
  bucketNameProblem,
  checkAccountId,
  checkDurationSeconds,
  checkPolicyName,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkRoleName,
  checkSessionName,
  checkUserName,
} from "../src/validate/index.js";

function rejection(fn: () => unknown): XacctError {
  try {
    fn();
  } catch (error) {
    if (error instanceof XacctError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("bucket names follow S3's rules", () => {
  it.each(["production-test-bucket-101", "abc", "a.b-c", "1bucket", "a".repeat(63)])("accepts %s", (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });
  it.each([
    ["ab", "3 to 63"],
    ["a".repeat(64), "3 to 63"],
    ["Production", "lowercase"],
    ["under_score", "lowercase"],
    ["-leading", "begin and end"],
    ["trailing.", "begin and end"],
    ["two..dots", "two dots"],
    ["192.168.1.1", "IP address"],
    ["xn--bucket", "xn--"],
    ["sthree-bucket", "sthree-"],
    ["bucket-s3alias", "-s3alias"],
    ["bucket--ol-s3", "--ol-s3"],
  ])("rejects %s (%s)", (name, rule) => {
    expect(bucketNameProblem(name)).toContain(rule);
  });
});

describe("every bad value gets one sentence naming value and rule, and exit code 2", () => {
  it.each([
    ["account ID of 11 digits", () => checkAccountId("12345678901"), "12345678901", "12 digits"],
    ["account ID with letters", () => checkAccountId("12345678901a"), "12345678901a", "12 digits"],
    ["role name with a space", () => checkRoleName("Stage Role"), "Stage Role", "role name"],
    ["role name too long", () => checkRoleName("r".repeat(65)), "r".repeat(65), "1 to 64"],
    ["policy name with a slash", () => checkPolicyName("a/b"), "a/b", "policy name"],
    ["user name empty", () => checkUserName(""), '""', "1 to 64"],
    ["session name too short", () => checkSessionName("a"), '"a"', "2 to 64"],
    ["profile with brackets", () => checkProfileName("x]y"), "x]y", "brackets"],
    ["profile with a space", () => checkProfileName("my profile"), "my profile", "spaces"],
    ["region typo", () => checkRegion("us-east"), "us-east", "region"],
    ["role ARN of a user", () => checkRoleArn("arn:aws:iam::111111111111:user/Bob"), "user/Bob", "role ARN"],
    ["duration too long", () => checkDurationSeconds("50000"), "50000", "900 to 43200"],
    ["duration not a number", () => checkDurationSeconds("1h"), "1h", "900 to 43200"],
  ])("%s", (_name, fn, value, rule) => {
    const error = rejection(fn);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(value);
    expect(error.message).toContain(rule);
    expect(error.message.split(/(?<=\.) /).length).toBeLessThanOrEqual(2);
    expect(error.hint).toBeTruthy();
  });

  it("accepts good values unchanged", () => {
    expect(checkAccountId("111111111111")).toBe("111111111111");
    expect(checkRoleArn("arn:aws-cn:iam::111111111111:role/team/StageRole")).toBe("arn:aws-cn:iam::111111111111:role/team/StageRole");
    expect(checkDurationSeconds("3600")).toBe(3600);
    expect(checkProfileName("sso/admin")).toBe("sso/admin");
  });
});
