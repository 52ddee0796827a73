/**
 * What the command line itself says: a usage mistake reads like every other xacct error (a ✘
 * line, a hint, exit 2, no AWS call), and each command's help says what the command does.
 * No emulator: all of this happens before any AWS call.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runInProcess, type CliResult } from "./support/sandbox.js";

let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "xacct-messages-"));
  // Nothing may reach AWS: an endpoint that refuses every connection.
  env = {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "xdg"),
    NO_COLOR: "1",
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
  };
});
const xacct = (argv: string[]): Promise<CliResult> => runInProcess(argv, env);

/** The ✘ line and its hint, as every other error of xacct is printed. */
function expectXacctStyle(result: CliResult): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^✘ [A-Z`x-]/);
  expect(lines.slice(1).every((l) => l.startsWith("  "))).toBe(true);
  expect(lines.length).toBeGreaterThan(1);
  expect(result.stderr).not.toMatch(/^error:/m);
  expect(result.stderr).not.toContain("(run with --help for usage)");
  expect(result.calls.calls).toEqual([]);
}

describe("usage mistakes are xacct errors: ✘, a hint, exit 2", () => {
  it("a required option left out names it and where to read about it", async () => {
    const result = await xacct(["export", "--format", "terraform"]);
    expectXacctStyle(result);
    expect(result.stderr).toContain("--out-dir");
    expect(result.stderr).toContain("xacct export --help");
  });

  it("an unknown option offers the nearest one", async () => {
    const result = await xacct(["setup", "--bukket", "b"]);
    expectXacctStyle(result);
    expect(result.stderr.split("\n")[0]).toContain("--bukket");
    expect(result.stderr).toContain("Did you mean --bucket?");
  });

  it("an option without its value", async () => {
    const result = await xacct(["setup", "--bucket"]);
    expectXacctStyle(result);
    expect(result.stderr.split("\n")[0]).toContain("--bucket");
    expect(result.stderr).toContain("xacct setup --help");
  });

  it("a missing argument", async () => {
    const result = await xacct(["test-get"]);
    expectXacctStyle(result);
    expect(result.stderr.split("\n")[0]).toContain("<key>");
  });

  it("an unknown command offers the nearest one", async () => {
    const result = await xacct(["sertup"]);
    expectXacctStyle(result);
    expect(result.stderr).toContain("sertup");
    expect(result.stderr).toContain("Did you mean setup?");
  });

  it("a value outside the choices lists them", async () => {
    const result = await xacct(["export", "--format", "yaml", "--out-dir", "x"]);
    expectXacctStyle(result);
    expect(result.stderr).toContain("cloudformation, terraform");
  });

  it("too many arguments", async () => {
    const result = await xacct(["assume", "extra"]);
    expectXacctStyle(result);
    expect(result.stderr).toContain("extra");
  });

  it("with --json, stdout still carries one JSON document", async () => {
    const result = await xacct(["export", "--json", "--format", "terraform"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: "export", ok: false, error: { exitCode: 2, message: expect.stringContaining("--out-dir") } });
    expect(result.stderr.startsWith("✘ ")).toBe(true);
  });
});

const COMMANDS = ["setup", "teardown", "verify", "export", "list", "assume", "credentials", "console", "test-get"];

async function help(command: string): Promise<string> {
  const result = await xacct([command, "--help"]);
  expect(result.code).toBe(0);
  return result.stdout;
}

/** An option's help entry, its wrapped lines joined. */
function option(text: string, flags: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim().startsWith(flags));
  if (start < 0) return "";
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^\s*-/.test(l) || l.trim() === "" || !/^\s/.test(l));
  return [lines[start]!, ...rest.slice(0, end < 0 ? rest.length : end)].join(" ").replace(/\s+/g, " ").trim();
}

describe("help says what each command does", () => {
  it.each(COMMANDS)("%s --help shows the global flags", async (command) => {
    const text = await help(command);
    for (const flag of ["--endpoint-url", "--debug", "--json", "--no-color"]) expect(text).toContain(flag);
  });

  it.each(["teardown", "verify", "export"])("%s --help promises to create no bucket or user", async (command) => {
    const text = await help(command);
    expect(option(text, "--bucket <name>")).toContain("bucket");
    expect(option(text, "--bucket <name>")).not.toContain("creat");
    expect(option(text, "--staging-user <name>")).not.toContain("creat");
  });

  it("setup --help still says what it creates when missing", async () => {
    const text = await help("setup");
    expect(option(text, "--bucket <name>")).toContain("created if missing");
    expect(option(text, "--staging-user <name>")).toContain("created if missing");
  });

  it("setup's --profile-style is about the temporary profile", async () => {
    expect(option(await help("setup"), "--profile-style <style>")).toMatch(/^--profile-style <style> how the temporary profile \(--temp-profile\) is written/);
  });

  it("test-get says which profile reads in resource-policy mode", async () => {
    const [, description] = (await help("test-get")).split("\n\n");
    expect(description?.replace(/\s+/g, " ")).toContain("or the Staging profile in resource-policy mode");
  });

  it("export says it adopts what exists", async () => {
    expect((await help("export")).replace(/\s+/g, " ")).toContain("adopting what exists already");
  });

  it("export marks its required options", async () => {
    const text = await help("export");
    expect(option(text, "--format <format>")).toContain("(required)");
    expect(option(text, "--out-dir <dir>")).toContain("(required)");
    // Nothing optional is marked required.
    expect(option(text, "--stackset")).not.toContain("required");
  });
});

describe("the resource-policy wizard has no role to talk about", () => {
  async function questions(mode: "role" | "resource-policy"): Promise<string[]> {
    const { askNames } = await import("../src/wizard/setup-questions.js");
    const asked: string[] = [];
    const prompter = {
      select: async () => {
        throw new Error("no select expected");
      },
      input: async (q: { message: string; default?: string }) => {
        asked.push(q.message);
        return q.default ?? "";
      },
      confirm: async () => true,
    };
    await askNames(prompter as never, {}, true, mode);
    return asked;
  }

  it("asks for the Staging user as the bucket's reader", async () => {
    const asked = await questions("resource-policy");
    expect(asked).toEqual(["Staging user who will read the bucket:"]);
    expect(asked.join(" ")).not.toContain("role");
  });

  it("role mode still asks for the user who assumes the role", async () => {
    expect(await questions("role")).toContain("Staging user who will assume the role:");
  });
});
