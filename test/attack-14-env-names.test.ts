/**
 * Variable NAMES `xacct env` prints are written unquoted (`unset NAME`, `set -e -g NAME`,
 * `Remove-Item -Path Env:NAME`), so only names a shell reads as one plain word may appear:
 * ^[A-Za-z_][A-Za-z0-9_]*$. The per-service AWS_ENDPOINT_URL_* names removed with
 * --endpoint-url come from the environment, where a name may hold any byte but = and NUL:
 * other names are left out, and a renderer refuses any such name it is given. Property: random
 * names built from shell syntax, evaluated by the real dash, bash and fish, never run anything.
 */
import fc from "fast-check";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderEnv, type EnvChanges } from "../src/env-format/index.js";
import { XacctError } from "../src/errors.js";
import { sessionEnvChanges } from "../src/session-env.js";

const dir = mkdtempSync(join(tmpdir(), "xacct-env-names-"));
const marks = join(dir, "marks");
execFileSync("mkdir", ["-p", marks]);
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const session = {
  creds: {
    accessKeyId: "ASIAEXAMPLE",
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration: new Date("2030-01-01T00:00:00Z"),
    assumedRoleArn: "arn:aws:sts::111111111111:assumed-role/R/s",
  },
  region: "us-east-1",
};

const PIECES = [
  "$(touch M/d)",
  "`touch M/t`",
  ";touch M/s",
  "(touch M/f)",
  "&touch M/a",
  "\ntouch M/n",
  " ",
  "*",
  "?",
  "'",
  '"',
  "\\",
  "X",
  "_1",
  "-",
  "é",
  "{",
  "}",
];
const hostileName = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 4 })
  .map((parts) => `AWS_ENDPOINT_URL_${parts.join("").replaceAll("M/", `${marks}/`)}`);

function changesFor(names: string[]): EnvChanges {
  const env = Object.fromEntries([...names, "AWS_ENDPOINT_URL_S3"].map((n) => [n, "http://x"]));
  return sessionEnvChanges(session, { endpoint: "http://127.0.0.1:1", env });
}

describe("the names xacct env removes with --endpoint-url", () => {
  it("only per-service names a shell reads as a plain word; the real one is still removed", () => {
    const changes = changesFor(["AWS_ENDPOINT_URL_X$(touch /tmp/p)", "AWS_ENDPOINT_URL_A B", "AWS_ENDPOINT_URL_*", "AWS_ENDPOINT_URL_DYNAMODB"]);
    expect(changes.unset.every((n) => NAME.test(n))).toBe(true);
    expect(changes.unset).toEqual(expect.arrayContaining(["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]));
  });

  for (const format of ["sh", "fish", "powershell", "dotenv", "json"] as const) {
    it(`${format}: a renderer refuses a name that is not a plain word, to set or to remove`, () => {
      const bad = "X$(touch /tmp/p)";
      expect(() => renderEnv(format, { set: [[bad, "v"]], unset: [] })).toThrow(XacctError);
      if (format === "sh" || format === "fish" || format === "powershell") {
        expect(() => renderEnv(format, { set: [["A", "v"]], unset: [bad] })).toThrow(XacctError);
      }
      expect(() => renderEnv(format, { set: [["A", "v"]], unset: ["B_2"] })).not.toThrow();
    });
  }
});

/** Evaluates each case's text as README says, one shell process per batch, in an empty folder. */
function evaluate(shell: string, texts: string[]): void {
  const files = texts.map((text, i) => {
    const file = join(dir, `case-${i}`);
    writeFileSync(file, text);
    return file;
  });
  const script = shell === "fish" ? "for f in $argv; cat $f | source; end; true" : 'for f in "$@"; do ( eval "$(cat "$f")" ); done; true';
  execFileSync(shell, shell === "fish" ? ["--no-config", "-c", script, ...files] : ["-c", script, "_", ...files], { cwd: dir, stdio: "ignore" });
}

describe("property: names from the environment never run in the shell", () => {
  for (const [shell, format] of [
    ["dash", "sh"],
    ["bash", "sh"],
    ["fish", "fish"],
  ] as const) {
    it.runIf(has(shell))(`${shell}`, () => {
      const texts: string[] = [];
      const unset: string[] = [];
      fc.assert(
        fc.property(fc.array(hostileName, { minLength: 1, maxLength: 3 }), (names) => {
          const changes = changesFor(names);
          unset.push(...changes.unset);
          texts.push(renderEnv(format, changes));
        }),
        { numRuns: 150 },
      );
      evaluate(shell, texts);
      expect(readdirSync(marks)).toEqual([]);
      expect(unset.filter((n) => !NAME.test(n))).toEqual([]);
    });
  }
});
