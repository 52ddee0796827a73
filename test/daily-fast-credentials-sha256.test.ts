/**
 * The SHA-256 that names the session cache's files (src/sha256.ts, used so the cache-hit path
 * need not load node:crypto) gives node:crypto's digest for any text: a different one would
 * send the fast path and the full CLI to different files.
 */
import fc from "fast-check";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/sha256.js";

const nodeSha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("sha256Hex", () => {
  it("matches node:crypto at every padding boundary and for multi-byte characters", () => {
    for (const length of [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) expect(sha256Hex("a".repeat(length))).toBe(nodeSha256("a".repeat(length)));
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("é✓😀\u0000")).toBe(nodeSha256("é✓😀\u0000"));
  });

  it("matches node:crypto for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 600 }), (text) => sha256Hex(text) === nodeSha256(text)),
      { numRuns: 200 },
    );
  });
});
