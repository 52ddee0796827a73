import { describe, expect, it } from "vitest";
import { bucketPolicyLockDirectory } from "../src/resources/bucket-policy-write.js";

describe("the bucket-policy lock folder", () => {
  it("ignores a relative XDG_CACHE_HOME, so setups run from different folders take the same lock", () => {
    expect(bucketPolicyLockDirectory({ XDG_CACHE_HOME: "relc" }, "/home/u")).toBe("/home/u/.cache/xacct/locks");
    expect(bucketPolicyLockDirectory({ XDG_CACHE_HOME: "/c" }, "/home/u")).toBe("/c/xacct/locks");
    expect(bucketPolicyLockDirectory({}, "/home/u")).toBe("/home/u/.cache/xacct/locks");
  });
});
