/**
 * mfa_process is split as the aws CLI splits credential_process (Python's shlex.split, POSIX
 * mode) and run without a shell. A table of lines, each also checked against Python's own
 * shlex where python3 is installed, so the table cannot drift from what it claims.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ShellSplitError, splitShellWords } from "../src/shell-split.js";

const CASES: { name: string; line: string; words: string[] | "error" }[] = [
  { name: "plain words", line: "ykman oath accounts code --single AWS", words: ["ykman", "oath", "accounts", "code", "--single", "AWS"] },
  { name: "runs of whitespace, tabs and newlines", line: "  a \t b\n c  ", words: ["a", "b", "c"] },
  { name: "empty line", line: "", words: [] },
  { name: "single quotes keep everything", line: `'/opt/my tools/otp' '$HOME' 'a"b' 'c\\d'`, words: ["/opt/my tools/otp", "$HOME", 'a"b', "c\\d"] },
  { name: 'double quotes: only \\" and \\\\ are escapes', line: `"a \\" b" "c\\\\d" "e\\nf" "$(false)"`, words: ['a " b', "c\\d", "e\\nf", "$(false)"] },
  { name: "backslash outside quotes takes the next character", line: "a\\ b c\\'d \\$x", words: ["a b", "c'd", "$x"] },
  { name: "quotes join what they touch", line: `pre'mid'"post" x''y`, words: ["premidpost", "xy"] },
  { name: "an empty quoted word is a word", line: `cmd '' ""`, words: ["cmd", "", ""] },
  {
    name: "shell operators are plain characters",
    line: "otp ; rm -rf x | tee && y > z",
    words: ["otp", ";", "rm", "-rf", "x", "|", "tee", "&&", "y", ">", "z"],
  },
  { name: "a # is not a comment", line: "otp #1", words: ["otp", "#1"] },
  { name: "unclosed single quote", line: "otp 'abc", words: "error" },
  { name: "unclosed double quote", line: 'otp "abc', words: "error" },
  { name: "trailing backslash", line: "otp abc\\", words: "error" },
  { name: "backslash at the end inside double quotes", line: 'otp "abc\\', words: "error" },
];

function pythonSplit(line: string): string[] | "error" | undefined {
  try {
    const out = execFileSync(
      "python3",
      ["-c", "import json,shlex,sys\ntry: print(json.dumps(shlex.split(sys.argv[1])))\nexcept ValueError: print('\"error\"')", line],
      {
        encoding: "utf8",
      },
    );
    return JSON.parse(out) as string[] | "error";
  } catch {
    return undefined; // no python3 here
  }
}

describe("splitting mfa_process like credential_process", () => {
  it.each(CASES)("$name", ({ line, words }) => {
    if (words === "error") expect(() => splitShellWords(line)).toThrow(ShellSplitError);
    else expect(splitShellWords(line)).toEqual(words);
    const python = pythonSplit(line);
    if (python !== undefined) expect(python).toEqual(words);
  });
});
