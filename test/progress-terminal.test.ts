/**
 * What a person sees in a terminal: a status line while xacct reads the accounts and applies
 * each step, rows that fit the terminal's width without an ARN cut in two, and no status line,
 * no carriage returns and no escape codes in a pipe, under --json or NO_COLOR. Ctrl-C at a
 * prompt still ends the wizard cleanly. The built CLI runs in a pseudo-terminal (`script`).
 */
import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../src/ui/output.js";
import { wrapLine } from "../src/ui/wrap.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";
import { BIN, runXacctProcess } from "./support/xacct-process.js";

const sandbox = useSandbox();
const COLUMNS = 70;

/** A stream that says it is a terminal of `columns` columns, and what was written to it. */
function fakeTerminal(columns = COLUMNS, isTTY = true): { stream: PassThrough; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns });
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { stream, text: () => text };
}

/** The screen after `raw` was written to a terminal: carriage returns, erase-line and colour handled. */
function screen(raw: string): string[] {
  const rows: string[] = [""];
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (char === "\u001b") {
      const match = /^\u001b\[[0-9;?]*([A-Za-z])/.exec(raw.slice(i));
      if (match) {
        if (match[1] === "K") rows[rows.length - 1] = [...rows[rows.length - 1]!].slice(0, col).join("");
        i += match[0].length - 1;
        continue;
      }
    }
    if (char === "\r") col = 0;
    else if (char === "\n") {
      rows.push("");
      col = 0;
    } else {
      const row = [...rows[rows.length - 1]!];
      while (row.length < col) row.push(" ");
      row[col] = char;
      rows[rows.length - 1] = row.join("");
      col += 1;
    }
  }
  return rows.map((r) => r.trimEnd());
}

/** The built CLI in a pseudo-terminal of COLUMNS columns; `keys` are typed once `when` is printed. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv, keys?: { when: string; type: string }): Promise<{ code: number | null; raw: string }> {
  const command = `stty cols ${COLUMNS} rows 50; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ")}`;
  const child = spawn("script", ["-qefc", command, "/dev/null"], { env, cwd: sandbox.dir, stdio: ["pipe", "pipe", "pipe"] });
  let raw = "";
  let typed = false;
  child.stdout.on("data", (d: Buffer) => {
    raw += d.toString("utf8");
    if (keys && !typed && raw.includes(keys.when)) {
      typed = true;
      child.stdin.write(keys.type);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, raw });
    }),
  );
}

describe("the status line", () => {
  it("shows while work runs on a terminal, and is gone from the screen afterwards", async () => {
    const stdout = fakeTerminal();
    const stderr = fakeTerminal();
    const out = new Output({ stdout: stdout.stream, stderr: stderr.stream }, { color: true });
    let during = "";
    await out.progress("Reading what exists in both accounts", async () => {
      during = stderr.text();
      out.done("Read");
    });
    expect(during).toContain("Reading what exists in both accounts");
    expect(screen(stderr.text()).join("")).toBe("");
    expect(stdout.text()).toContain("Read");
  });

  it.each([
    ["a pipe", { isTTY: false }, {}],
    ["--json", { isTTY: true }, { json: true }],
  ])("prints nothing under %s", async (_name, terminal, options) => {
    const stderr = fakeTerminal(COLUMNS, terminal.isTTY);
    const out = new Output({ stdout: fakeTerminal(COLUMNS, false).stream, stderr: stderr.stream }, options);
    await out.progress("Reading what exists in both accounts", async () => {});
    expect(stderr.text()).toBe("");
  });

  it("uses no escape code without colour (NO_COLOR)", async () => {
    const stderr = fakeTerminal();
    const out = new Output({ stdout: fakeTerminal().stream, stderr: stderr.stream }, { color: false });
    await out.progress("Reading what exists in both accounts", async () => {
      out.warn("a warning while it shows");
    });
    expect(stderr.text()).toContain("Reading what exists in both accounts");
    expect(stderr.text()).not.toContain("\u001b");
    expect(screen(stderr.text()).filter(Boolean)).toEqual(["! a warning while it shows"]);
  });
});

describe("rows on a terminal", () => {
  const arn = "arn:aws:iam::111111111111:role/a-role-with-a-rather-long-name-StageRole";

  it("wrap between words, never inside an ARN, and continue indented", () => {
    const rows = wrapLine(`  ✔ Inline policy xacct-assume-StageRole: StageAdmin may assume ${arn} — created`, 50);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.some((row) => row.trim() === arn)).toBe(true);
    for (const row of rows.slice(1)) expect(row.startsWith("    ")).toBe(true);
    for (const row of rows) if (!row.includes(arn)) expect(row.length).toBeLessThanOrEqual(50);
  });

  it("are not wrapped in a pipe, where scripts read whole lines", () => {
    const stdout = fakeTerminal(40, false);
    new Output({ stdout: stdout.stream, stderr: fakeTerminal(40, false).stream }).done(`Assumed ${arn} as profile staging`);
    expect(stdout.text()).toBe(`✔ Assumed ${arn} as profile staging\n`);
  });
});

describe("setup in a terminal", () => {
  it("shows what it reads and applies while it works, and every row fits the terminal with each ARN whole", async () => {
    // Every answer a flag: in a terminal the wizard asks what the flags leave open.
    const answers = [
      "--mode",
      "role",
      "--role-name",
      "StageRole",
      "--policy-name",
      "StageRoleReadObjects",
      "--staging-user",
      "StageAdmin",
      "--max-session-duration",
      "3600",
    ];
    const run = await inTerminal(setupArgs("terminal-bucket", answers), { ...sandbox.env, NO_COLOR: "1" });
    expect(run.code, run.raw).toBe(0);
    // The status line was drawn (plain: no escape codes under NO_COLOR) and erased
    expect(run.raw).toContain("Finding the accounts of profiles prod and staging");
    expect(run.raw).toContain("Reading what exists in both accounts");
    expect(run.raw).toMatch(/\r[-\\|/] Role StageRole, trusted by Staging account/);
    expect(run.raw).not.toContain("\u001b[");
    const rows = screen(run.raw.replace(/\r\n/g, "\n"));
    expect(rows.join("\n")).not.toMatch(/Reading what exists in both accounts/);
    // Every row fits (but the command to copy, which is one line the terminal folds for display), and the role's ARN is never split between rows
    const roleArn = `arn:aws:iam::${sandbox.prod.accountId}:role/StageRole`;
    const command = rows.filter((row) => row.startsWith("The same setup without questions: xacct setup "));
    expect(command).toHaveLength(1);
    expect(command[0]).toMatch(/ --yes$/);
    for (const row of rows) if (!command.includes(row)) expect([...row].length, row).toBeLessThanOrEqual(COLUMNS);
    expect(rows.some((row) => row.includes(roleArn))).toBe(true);
    for (const row of rows) expect(row, "an ARN cut at the end of a row").not.toMatch(/arn:aws:[a-z0-9:]*$/);
    expect(rows.join("\n")).toContain("Setup complete.");
  });

  it("and verify shows what it reads while it works", async () => {
    const run = await inTerminal(["verify"], { ...sandbox.env, NO_COLOR: "1" });
    expect(run.code, run.raw).toBe(0);
    expect(run.raw).toMatch(/\r[-\\|/] Reading what exists in both accounts/);
    expect(screen(run.raw.replace(/\r\n/g, "\n")).join("\n")).not.toContain("Reading what exists in both accounts");
  });

  it("and teardown too shows what it reads and removes while it works", async () => {
    const run = await inTerminal(["teardown", "--yes"], { ...sandbox.env, NO_COLOR: "1" });
    expect(run.code, run.raw).toBe(0);
    expect(run.raw).toContain("Reading what exists in both accounts");
    expect(run.raw).toMatch(/\r[-\\|/] Role StageRole/);
    expect(screen(run.raw.replace(/\r\n/g, "\n")).join("\n")).toMatch(/✔ Role StageRole — deleted/);
  });

  it("prints no status line and no carriage return when its output is piped", async () => {
    const run = await runXacctProcess(setupArgs("piped-bucket", ["--role-name", "PipedRole"]), { env: sandbox.env, cwd: sandbox.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain("Reading what exists in both accounts");
    expect(run.stdout + run.stderr).not.toContain("\r");
    expect(run.stdout + run.stderr).not.toContain("\u001b[");
  });

  it("ends cleanly at Ctrl-C at the wizard's first question, exit 130", async () => {
    const run = await inTerminal(["setup"], sandbox.env, { when: "Production", type: "\u0003" });
    expect(run.code, run.raw).toBe(130);
    expect(run.raw).toContain("Cancelled at a prompt; nothing more was changed.");
    expect(run.raw).not.toMatch(/at .*\.js:\d+/);
  });
});
