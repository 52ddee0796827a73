/**
 * The wizard's questions on a narrow terminal: the real prompts (@inquirer/prompts) render to a
 * stream that says it is 60 columns wide, and no row of what they draw is wider, so the terminal
 * never cuts a word of a question or of a choice's description in two.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { terminalPrompter } from "../src/wizard/prompter.js";

const COLUMNS = 60;

/**
 * Rows as the terminal shows them. The prompts redraw with cursor moves rather than newlines,
 * so every escape code starts a new piece: a piece wider than the terminal would wrap.
 */
function rows(raw: string): string[] {
  // eslint-disable-next-line no-control-regex
  return raw.split(/\u001b\[[0-9;?]*[A-Za-z]|\r?\n/);
}

function narrowTerminal(): { input: PassThrough; output: PassThrough & { columns: number; isTTY: boolean }; printed: () => string } {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: COLUMNS, isTTY: true });
  let raw = "";
  output.on("data", (d: Buffer) => (raw += d.toString("utf8")));
  return { input, output, printed: () => raw };
}

const LONG_QUESTION = "Harden the role's trust beyond the recipe (named principals, external ID, MFA, organization, session length)?";
const LONG_DESCRIPTION = "Staging assumes a Production role and gets temporary credentials with only its permissions. Works for every AWS service.";

describe("questions on a 60-column terminal", () => {
  it("a long yes/no question breaks between words, and the answer still counts", async () => {
    const terminal = narrowTerminal();
    const answer = terminalPrompter(terminal).confirm({ message: LONG_QUESTION, flag: "--plain-trust", default: false });
    setTimeout(() => terminal.input.write("y\r"), 50);
    expect(await answer).toBe(true);
    const shown = rows(terminal.printed());
    expect(
      shown.every((row) => row.length <= COLUMNS),
      shown.join("\n"),
    ).toBe(true);
    expect(shown.join(" ").replace(/\s+/g, " ")).toContain(LONG_QUESTION);
  });

  it("a choice's long description breaks between words", async () => {
    const terminal = narrowTerminal();
    const answer = terminalPrompter(terminal).select({
      message: "How should Staging reach the bucket?",
      flag: "--mode",
      choices: [
        { name: "Through a role", value: "role", description: LONG_DESCRIPTION },
        { name: "Through the bucket policy", value: "resource-policy" },
      ],
    });
    setTimeout(() => terminal.input.write("\r"), 50);
    expect(await answer).toBe("role");
    const shown = rows(terminal.printed());
    expect(
      shown.every((row) => row.length <= COLUMNS),
      shown.join("\n"),
    ).toBe(true);
    // Every word of it is shown, whole, in order
    expect(shown.join(" ").replace(/\s+/g, " ")).toContain(LONG_DESCRIPTION);
  });
});
