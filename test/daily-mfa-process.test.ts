/**
 * mfa_process: what the command prints is the code only when it is exactly 6 digits (trimmed);
 * a command that fails, cannot start, or cannot be read is one sentence, and the output is never
 * in it.
 */
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { codeFromProcess } from "../src/mfa/code-process.js";
import { shellLine } from "../src/shell-words.js";

const node = (script: string): string => shellLine([process.execPath, "-e", script]);

const CASES: { name: string; line: string; code?: string; error?: string; exitCode?: number }[] = [
  { name: "6 digits and a newline", line: node("console.log('012345')"), code: "012345" },
  { name: "surrounded by whitespace", line: node("process.stdout.write('  987654 \\n\\n')"), code: "987654" },
  { name: "5 digits", line: node("console.log('12345')"), error: "printed something other than 6 digits", exitCode: 1 },
  { name: "two codes", line: node("console.log('123456 654321')"), error: "printed something other than 6 digits", exitCode: 1 },
  { name: "nothing", line: node(""), error: "printed something other than 6 digits", exitCode: 1 },
  { name: "a failing command", line: node("process.exit(3)"), error: "failed (exit code 3)", exitCode: 1 },
  { name: "a command that is not there", line: "/nonexistent/otp-tool --code", error: "could not be started (ENOENT)", exitCode: 1 },
  { name: "an unclosed quote", line: "otp 'AWS", error: "cannot be read as a command: a ' is never closed", exitCode: 2 },
  { name: "an empty line", line: "   ", error: "is empty", exitCode: 2 },
];

describe("the code from mfa_process", () => {
  it.each(CASES)("$name", async ({ line, code, error, exitCode }) => {
    const result = codeFromProcess(line, "staging", process.env);
    if (code !== undefined) return expect(await result).toBe(code);
    const thrown = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(XacctError);
    expect((thrown as XacctError).message).toContain(`The mfa_process of profile staging ${error}`);
    expect((thrown as XacctError).message).not.toMatch(/\d{5}/);
    expect((thrown as XacctError).exitCode).toBe(exitCode);
  });
});
