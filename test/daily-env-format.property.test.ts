/**
 * Property: any value `xacct env` prints comes back byte for byte as the environment the
 * shell hands its programs: the printed text is evaluated the way README says (sh: eval
 * "$(…)", fish: … | source) by the real shell, which then runs `env -0`. Shells not installed
 * are skipped (fish, zsh); PowerShell is not in Debian, so its text is read back by the
 * documented quoting rules instead. Cases are batched: one shell process checks many values.
 * Raise XACCT_PROPERTY_RUNS for a longer hunt.
 */
import fc from "fast-check";
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderEnv, type EnvChanges, type EnvFormat } from "../src/env-format/index.js";
import { powershellQuote } from "../src/env-format/powershell.js";
import { XacctError } from "../src/errors.js";

const exec = promisify(execFile);
const BATCHES = Math.max(1, Math.round(Number(process.env.XACCT_PROPERTY_RUNS ?? 1000) / 250));

/** Characters that mean something to one of the shells, and some that look like them. */
const TRICKY = [
  "'",
  '"',
  "$",
  "`",
  "\\",
  " ",
  "\n",
  "\r",
  "\t",
  "#",
  ";",
  "=",
  "!",
  "*",
  "?",
  "~",
  "{",
  "}",
  "(",
  ")",
  "|",
  "&",
  "<",
  ">",
  "%",
  "[",
  "]",
  "\u0001",
  "\u007f",
  "\u0085",
  "\uf600",
  "\uf6ff",
  "\uf8ff",
  "\ufdd0",
  "\ufdd7",
  "\ufffd",
  "\ue000",
  "\u00a0",
  "\u2028",
  "\u2018",
  "\u2019",
  "\u201a",
  "\u201b",
  "\u201c",
  "\ufeff",
  "é",
  "😀",
  "\\'",
  "'\\''",
  "''",
];
const value = fc
  .oneof(
    fc.string({ unit: "grapheme-ascii", maxLength: 16 }),
    fc.string({ unit: "grapheme", maxLength: 8 }),
    fc.string({ unit: "binary", maxLength: 8 }),
    fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 12 }),
    fc.constantFrom("", "$(touch pwned)", "`id`", "'", "\\", "a\nb\n", "\n"),
  )
  .filter((v) => !v.includes("\0") && !/[\ud800-\udfff]/u.test(v));
const batch = fc.array(value, { minLength: 40, maxLength: 80 });

function changesFor(values: readonly string[]): EnvChanges {
  return { set: values.map((v, i) => [`XV${i}`, v] as const), unset: ["XGONE1", "XGONE2"] };
}

function installed(shell: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${shell}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-env-format-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Runs `shell args…` with the printed text in a file ($F) and returns the environment its `env -0` shows. */
async function environmentAfter(shell: string, args: (file: string) => string[], text: string): Promise<Record<string, string>> {
  const file = join(dir, `env-${Date.now()}-${Math.random()}`);
  await writeFile(file, text);
  const base = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, XDG_CONFIG_HOME: join(dir, "xdg"), XGONE1: "stale", XGONE2: "stale" };
  const { stdout } = await exec(shell, args(file), { env: base, cwd: dir, encoding: "buffer", maxBuffer: 64 << 20 });
  const entries = stdout
    .toString("utf8")
    .split("\0")
    .slice(0, -1)
    .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]);
  return Object.fromEntries(entries);
}

const SHELLS: { name: string; shell: string; format: EnvFormat; args: (file: string) => string[] }[] = [
  { name: "dash", shell: "dash", format: "sh", args: (f) => ["-c", 'eval "$(cat "$0")"; env -0', f] },
  { name: "bash", shell: "bash", format: "sh", args: (f) => ["-c", 'eval "$(cat "$0")"; env -0', f] },
  { name: "zsh", shell: "zsh", format: "sh", args: (f) => ["-f", "-c", 'eval "$(cat "$0")"; env -0', f] },
  { name: "zsh with RC_QUOTES", shell: "zsh", format: "sh", args: (f) => ["-f", "-c", 'setopt rcquotes; eval "$(cat "$0")"; env -0', f] },
  { name: "fish", shell: "fish", format: "fish", args: (f) => ["--no-config", "-c", "cat $argv[1] | source; env -0", f] },
];

describe("xacct env's text, evaluated by the real shell, gives programs exactly the values", () => {
  for (const { name, shell, format, args } of SHELLS) {
    it.skipIf(!installed(shell))(
      `${name} (${format})`,
      async () => {
        await fc.assert(
          fc.asyncProperty(batch, async (values) => {
            const env = await environmentAfter(shell, args, renderEnv(format, changesFor(values)));
            values.forEach((v, i) => expect(env[`XV${i}`], `XV${i} = ${JSON.stringify(v)}`).toBe(v));
            expect(env["XGONE1"]).toBeUndefined();
            expect(env["XGONE2"]).toBeUndefined();
          }),
          { numRuns: BATCHES },
        );
      },
      120_000,
    );
  }
});

describe.skipIf(!installed("fish"))("fish and a universal variable", () => {
  it("a universal AWS_PROFILE (the user's lasting setting) is left alone and named on stderr; the exports still apply, and the status fails", async () => {
    const file = join(dir, "universal.fish");
    await writeFile(file, renderEnv("fish", { set: [["XV", "v"]], unset: ["AWS_PROFILE"] }));
    const home = await mkdtemp(join(dir, "home-"));
    const script = `set -Ux AWS_PROFILE lasting; cat ${file} | source; or echo "XV=$XV"; set -q -U AWS_PROFILE; and echo kept`;
    const { stdout, stderr } = await exec("fish", ["-c", script], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: join(home, "config") },
      cwd: dir,
    });
    expect(stdout).toBe("XV=v\nkept\n");
    expect(stderr).toContain("the universal variable AWS_PROFILE stays set");
    expect(stderr).toContain("so this fails; erase it with: set -e -U AWS_PROFILE");
  });
});

/**
 * PowerShell's single-quoted strings by about_Quoting_Rules: literal text, a quote written
 * twice; U+2018 to U+201B are quotes too. [char]0xHHHH is one UTF-16 unit; + joins strings.
 * A reader of exactly that much, strict: anything else fails the test.
 */
function readPowershellExpression(text: string): string {
  let out = "";
  let at = 0;
  const isQuote = (c: string | undefined) => c !== undefined && "'\u2018\u2019\u201a\u201b".includes(c);
  for (;;) {
    if (isQuote(text[at])) {
      at += 1;
      for (;;) {
        if (at >= text.length) throw new Error("unterminated string");
        if (isQuote(text[at]) && isQuote(text[at + 1])) {
          out += text[at + 1];
          at += 2;
        } else if (isQuote(text[at])) {
          at += 1;
          break;
        } else out += text[at++];
      }
    } else {
      const char = /^\[char\]0x([0-9A-F]{4})/.exec(text.slice(at));
      if (!char) throw new Error(`unexpected text at ${at}: ${text.slice(at, at + 10)}`);
      out += String.fromCharCode(parseInt(char[1]!, 16));
      at += char[0].length;
    }
    if (at === text.length) return out;
    if (text.slice(at, at + 3) !== " + ") throw new Error(`expected + at ${at}`);
    at += 3;
  }
}

describe("PowerShell text, read by the documented rules", () => {
  it("is one line of plain ASCII per variable, and reads back as the value", () => {
    fc.assert(
      fc.property(
        value.filter((v) => v !== ""),
        (v) => {
          const text = renderEnv("powershell", { set: [["XV", v]], unset: [] });
          expect(text).toMatch(/^[\x20-\x7e]*\n$/);
          const expression = /^\$Env:XV = (.*)\n$/.exec(text)?.[1];
          expect(readPowershellExpression(expression!)).toBe(v);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("starts with a string, so + joins text instead of adding numbers", () => {
    expect(powershellQuote("\n1")).toBe("'' + [char]0x000A + '1'");
    expect(powershellQuote("it's")).toBe("'it''s'");
  });

  it("removes the competing variables without failing when they are absent", () => {
    expect(renderEnv("powershell", { set: [], unset: ["AWS_PROFILE"] })).toBe("Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue\n");
  });
});

describe("dotenv: only what docker --env-file, Compose and the dotenv libraries read alike", () => {
  const plain = fc.string({ unit: fc.constantFrom(..."Az09_./:+=@,%-".split("")), maxLength: 40 });
  it("plain values are written NAME=value, which sh (set -a; .) also reads back", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plain, { minLength: 40, maxLength: 80 }), async (values) => {
        const text = renderEnv("dotenv", { set: values.map((v, i) => [`XV${i}`, v] as const), unset: [] });
        // docker --env-file: the text after the first = is the value, as it is.
        const lines = text.split("\n").slice(0, -1);
        expect(lines.map((line) => line.slice(line.indexOf("=") + 1))).toEqual(values);
        const env = await environmentAfter("dash", (f) => ["-c", 'set -a; . "$0"; env -0', f], text);
        values.forEach((v, i) => expect(env[`XV${i}`]).toBe(v));
      }),
      { numRuns: BATCHES },
    );
  }, 60_000);

  it("any other value is refused (exit 2), never written", () => {
    fc.assert(
      fc.property(plain, fc.constantFrom(" ", "#", "$", "'", '"', "\\", "\n", "`", "~", "é"), plain, (before, bad, after) => {
        let error: unknown;
        try {
          renderEnv("dotenv", { set: [["XV", before + bad + after]], unset: [] });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(XacctError);
        expect((error as XacctError).exitCode).toBe(2);
      }),
    );
  });
});

describe("what no environment variable can carry", () => {
  for (const format of ["sh", "fish", "powershell", "dotenv", "json"] as const) {
    it(`${format}: a NUL or a lone surrogate is refused (exit 2)`, () => {
      for (const bad of ["a\0b", "x\ud800"]) {
        expect(() => renderEnv(format, { set: [["XV", bad]], unset: [] })).toThrow(XacctError);
      }
    });
  }
});
