/**
 * What setup and teardown print reads as English: counts agree with their nouns, no "(s)", no
 * parentheses inside parentheses, each heading once, and a removal's status fits its title.
 */
import { describe, expect, it } from "vitest";
import { counted } from "../src/ui/words.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();

/** Lines holding a parenthesis opened inside another. */
function nestedParentheses(text: string): string[] {
  return text.split("\n").filter((line) => {
    let depth = 0;
    for (const char of line) {
      if (char === "(") depth += 1;
      if (char === ")") depth = Math.max(0, depth - 1);
      if (depth > 1) return true;
    }
    return false;
  });
}

describe("counted words", () => {
  it.each([
    [0, "0 accounts"],
    [1, "1 account"],
    [2, "2 accounts"],
  ])("%i account(s) reads %s", (count, expected) => {
    expect(counted(count, "account")).toBe(expected);
  });
});

describe("setup and teardown, read as a person reads them", () => {
  it("prints each stage heading once, counts right, nests no parentheses, and says what teardown did to each resource", async () => {
    // Given a setup that also trusts a further Staging account it has no profile for
    const setup = await sandbox.run(setupArgs("words-bucket", ["--staging-account", "333333333333"]));
    expect(setup.code, setup.stderr).toBe(0);
    const printed = setup.stdout + setup.stderr;

    // Then the plan's "Stage 3 · Test" is not printed again when the test runs
    expect(printed.match(/Stage 3 · Test/g)).toHaveLength(1);
    // And one further account is "1 more Staging account" and "1 account is …", never "account(s)"
    expect(printed).toContain("Stage 2 · 1 more Staging account");
    expect(printed).toContain("1 account is trusted but has no profile here");
    expect(printed).not.toMatch(/\(s\)/);
    expect(nestedParentheses(printed)).toEqual([]);

    // When a policy that is not xacct's is attached where teardown looks, and teardown runs
    const teardown = await sandbox.run(["teardown", "--yes"]);
    expect(teardown.code, teardown.stderr).toBe(0);
    const removed = teardown.stdout + teardown.stderr;
    // Then each line names the resource and what happened to it, e.g. no "Detach … — deleted"
    expect(removed).not.toMatch(/Detach .* — deleted/);
    expect(removed).not.toMatch(/Delete .* — deleted/);
    expect(removed).toMatch(/Attachment of StageRoleReadObjects to role StageRole — deleted/);
    expect(removed).toMatch(/Role StageRole — deleted/);
    expect(removed).not.toMatch(/\(s\)/);
    expect(nestedParentheses(removed)).toEqual([]);
  });
});
