/**
 * Reads sent together report as if sent one by one: results in order, and of several
 * failures the first in order, whichever AWS answered first.
 */
import { describe, expect, it } from "vitest";
import { allInOrder } from "../src/aws/in-order.js";

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failAfter = (ms: number, message: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe("allInOrder", () => {
  it("gives every result in the order asked, not the order answered", async () => {
    await expect(allInOrder([after(20, "first"), after(1, "second"), Promise.resolve(3)] as const)).resolves.toEqual(["first", "second", 3]);
  });

  it("reports the first failure in order, though a later one came back sooner", async () => {
    await expect(
      allInOrder([after(1, "ok"), failAfter(30, "ListAttachedUserPolicies refused"), failAfter(1, "ListGroupsForUser refused")] as const),
    ).rejects.toThrow("ListAttachedUserPolicies refused");
  });

  it("waits for every read before failing, so none is left running", async () => {
    let finished = false;
    const slow = after(30, "late").then((v) => ((finished = true), v));
    await expect(allInOrder([failAfter(1, "refused"), slow] as const)).rejects.toThrow("refused");
    expect(finished).toBe(true);
  });
});
