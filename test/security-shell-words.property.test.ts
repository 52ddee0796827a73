/**
 * Property: any arguments xacct puts on a credential_process line come back byte for byte,
 * through the config file (written by xacct's INI editor), read by the JS SDK and run by
 * /bin/sh, and read by botocore and split by POSIX shlex as the aws CLI does. Cases are
 * batched so one sh and one python process check many lines. Raise XACCT_PROPERTY_RUNS for
 * a longer hunt.
 */
import fc from "fast-check";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProfile } from "../src/awsconfig/ini.js";
import { displayShellWord, quoteShellWord, shellLine } from "../src/shell-words.js";
import { XacctError } from "../src/errors.js";
import { readWithSdk } from "./awsconfig/sdk-reader.js";

const exec = promisify(execFile);
const BATCHES = Math.max(1, Math.round(Number(process.env.XACCT_PROPERTY_RUNS ?? 1000) / 250));
const MARK = "\u0001";

/** Characters that mean something to sh, shlex or the INI readers, and some that look like them. */
const TRICKY = [
  "'",
  '"',
  "$",
  "`",
  "\\",
  " ",
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
  "\u00a0",
  "\u3000",
  "\ufeff",
  "é",
  "😀",
  "'\\''",
];
const word = fc.oneof(
  fc.string({ unit: "grapheme-ascii", maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 10 }),
  fc.constantFrom("", " #", " ;", "a #b", "x\u00a0;y", "$(touch${IFS}pwned)", "`id`", "'", "''", "\\'"),
);
/** Words xacct writes; control characters are refused instead (see below). */
const writable = word.filter((w) => !/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(w));
const batch = fc.array(fc.array(writable, { minLength: 1, maxLength: 6 }), { minLength: 40, maxLength: 60 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xacct-shell-words-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** The config file xacct would write: one profile per case, p0, p1, … */
function configText(cases: readonly string[][]): string {
  return cases.reduce(
    (text, args, i) => upsertProfile(text, { file: "config", profile: `p${i}` }, { credential_process: shellLine(["printf", "%s\\n", ...args]) }),
    "",
  );
}

/** What /bin/sh prints for each line the JS SDK reads from the file: one argument per line. */
async function throughSdkAndSh(text: string, count: number): Promise<string[][]> {
  const profiles = await readWithSdk(text, "config");
  const lines = Array.from({ length: count }, (_, i) => `${profiles[`p${i}`]?.["credential_process"]}; printf '\\001\\n'`);
  const { stdout } = await exec("/bin/sh", ["-c", lines.join("\n")], { encoding: "buffer", maxBuffer: 64 << 20 });
  const out: string[][] = [[]];
  for (const line of stdout.toString("utf8").split("\n").slice(0, -1)) {
    if (line === MARK) out.push([]);
    else out.at(-1)!.push(line);
  }
  return out.slice(0, -1);
}

/** What botocore reads from the file and shlex.split makes of it, as the aws CLI runs credential_process. */
async function throughBotocoreAndShlex(text: string, count: number): Promise<string[][]> {
  const file = join(dir, `config-${Date.now()}-${Math.random()}`);
  await writeFile(file, text);
  const script = [
    "import json, shlex, sys",
    "from botocore.configloader import raw_config_parse",
    "cfg = raw_config_parse(sys.argv[1])",
    "print(json.dumps([shlex.split(cfg['profile p%d' % i]['credential_process']) for i in range(int(sys.argv[2]))]))",
  ].join("\n");
  const { stdout } = await exec("python3", ["-c", script, file, String(count)], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as string[][];
}

describe("credential_process lines read back as the arguments written", () => {
  it("through the JS SDK and sh, and through botocore and shlex, byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (cases) => {
        const text = configText(cases);
        const [sh, shlex] = await Promise.all([throughSdkAndSh(text, cases.length), throughBotocoreAndShlex(text, cases.length)]);
        expect(sh).toEqual(cases);
        expect(shlex).toEqual(cases.map((args) => ["printf", "%s\\n", ...args]));
      }),
      { numRuns: BATCHES },
    );
  }, 60_000);

  it("commands printed for people to copy (undo hints, deploy commands) quote every word the same way", async () => {
    const anyWord = fc.oneof(word, fc.string({ unit: fc.constantFrom("\n", "\t", "'", "$", "`", "a"), maxLength: 6 })).filter((w) => !w.includes("\u0000"));
    await fc.assert(
      fc.asyncProperty(fc.array(anyWord, { minLength: 50, maxLength: 100 }), async (words) => {
        const script = words.map((w) => `printf '%s\\0' ${displayShellWord(w)}`).join("\n");
        const { stdout } = await exec("/bin/sh", ["-c", script], { encoding: "buffer", maxBuffer: 64 << 20 });
        expect(stdout.toString("utf8").split("\0").slice(0, -1)).toEqual(words);
      }),
      { numRuns: BATCHES },
    );
  });

  it("a word holding a line break or control character is refused (exit 2), never written", () => {
    fc.assert(
      fc.property(word, fc.constantFrom("\n", "\r", "\t", "\u0000", "\u001b", "\u007f", "\u0085", "\u2028"), word, (before, control, after) => {
        let error: unknown;
        try {
          quoteShellWord(before + control + after);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(XacctError);
        expect((error as XacctError).exitCode).toBe(2);
      }),
      { numRuns: 200 },
    );
  });
});
