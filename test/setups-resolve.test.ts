/**
 * Which remembered setup a command means (src/setups/choose.ts), as a table: the setups
 * xacct remembers and what the command was given in, the choice out. Then the question a
 * terminal asks when several fit, answered by a scripted prompter.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { chooseSetup, type SetupRequest } from "../src/setups/choose.js";
import { resolveSetup, setupToContinue } from "../src/setups/resolve.js";
import { saveSetup, setupIdOf, type SetupState } from "../src/state.js";

function setup(bucket: string, roleName: string): SetupState {
  return {
    productionProfile: "prod",
    stagingProfile: "staging",
    region: "us-east-1",
    bucket,
    roleName,
    policyName: `${roleName}ReadObjects`,
    roleArn: `arn:aws:iam::111111111111:role/${roleName}`,
    policyArn: `arn:aws:iam::111111111111:policy/${roleName}ReadObjects`,
    stagingUser: "StageAdmin",
    tempProfile: "TempCred",
    productionAccountId: "111111111111",
    stagingAccountId: "222222222222",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

const A = setup("bucket-a", "StageRole");
const B = setup("bucket-b", "StageRole");
const A2 = setup("bucket-a", "OtherRole");

const cases: { name: string; given: SetupState[]; request: Omit<SetupRequest, "command">; expected: string | "none" | string[] }[] = [
  { name: "no setup remembered, nothing given: none", given: [], request: {}, expected: "none" },
  { name: "one setup, nothing given: that one (nothing changes with one setup)", given: [A], request: {}, expected: "bucket-a/StageRole" },
  { name: "two setups, nothing given: ask between both", given: [A, B], request: {}, expected: ["bucket-a/StageRole", "bucket-b/StageRole"] },
  { name: "--setup by id", given: [A, B, A2], request: { setup: "bucket-a/OtherRole" }, expected: "bucket-a/OtherRole" },
  { name: "--setup by a bucket only one setup has", given: [A, B, A2], request: { setup: "bucket-b" }, expected: "bucket-b/StageRole" },
  { name: "--bucket that one setup has: that one", given: [A, B], request: { bucket: "bucket-b" }, expected: "bucket-b/StageRole" },
  {
    name: "--bucket that two setups have: ask between those two",
    given: [A, B, A2],
    request: { bucket: "bucket-a" },
    expected: ["bucket-a/StageRole", "bucket-a/OtherRole"],
  },
  {
    name: "--bucket and --role-name: exactly that one",
    given: [A, B, A2],
    request: { bucket: "bucket-a", roleName: "OtherRole" },
    expected: "bucket-a/OtherRole",
  },
  { name: "flags describing a setup xacct does not remember: none (flags only)", given: [A, B], request: { bucket: "bucket-c" }, expected: "none" },
  {
    name: "flags describing no remembered setup, with one remembered: still none (never borrowed)",
    given: [A],
    request: { bucket: "bucket-c" },
    expected: "none",
  },
  { name: "--role-arn of a remembered setup: that one", given: [A, A2], request: { roleArn: A2.roleArn }, expected: "bucket-a/OtherRole" },
  {
    name: "--role-arn names the role setup, not a resource-policy setup of the same role name",
    given: [A, { ...B, roleArn: A.roleArn, mode: "resource-policy" }],
    request: { roleArn: A.roleArn },
    expected: "bucket-a/StageRole",
  },
  { name: "--role-arn of an unknown role: none", given: [A], request: { roleArn: "arn:aws:iam::111111111111:role/Else" }, expected: "none" },
];

describe("choosing the setup a command acts on", () => {
  it.each(cases)("$name", ({ given, request, expected }) => {
    const choice = chooseSetup(given, { command: "assume", ...request });
    if (expected === "none") expect(choice).toEqual({ kind: "none" });
    else if (Array.isArray(expected)) expect(choice.kind === "ask" && choice.choices.map(setupIdOf)).toEqual(expected);
    else expect(choice.kind === "found" && setupIdOf(choice.setup)).toBe(expected);
  });

  const refused: { name: string; given: SetupState[]; setup: string; message: RegExp; hint: RegExp }[] = [
    {
      name: "--setup naming no setup lists the names",
      given: [A, B],
      setup: "bucket-c",
      message: /remembers no setup named bucket-c/,
      hint: /bucket-a\/StageRole, bucket-b\/StageRole/,
    },
    {
      name: "--setup naming a bucket of two setups asks for the whole name",
      given: [A, A2],
      setup: "bucket-a",
      message: /names 2 setups of that bucket: bucket-a\/StageRole, bucket-a\/OtherRole/,
      hint: /--setup bucket-a\/StageRole/,
    },
    { name: "--setup with nothing remembered says so", given: [], setup: "bucket-a", message: /remembers no setup/, hint: /xacct setup/ },
  ];
  it.each(refused)("$name (exit 2)", ({ given, setup, message, hint }) => {
    let error: unknown;
    try {
      chooseSetup(given, { command: "assume", setup });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(XacctError);
    expect((error as XacctError).exitCode).toBe(2);
    expect((error as XacctError).message).toMatch(message);
    expect((error as XacctError).hint).toMatch(hint);
  });
});

describe("asking which setup, on a terminal", () => {
  /** A prompter that records the question and picks the choice at `pick`. */
  function picking(pick: number) {
    const asked: { message: string; choices: string[] }[] = [];
    const prompter = {
      async select<T extends string>(q: { message: string; choices: { name: string; value: T }[] }): Promise<T> {
        asked.push({ message: q.message, choices: q.choices.map((c) => c.name) });
        return q.choices[pick]!.value;
      },
      input: async () => "",
      confirm: async () => true,
    };
    return { prompter, asked };
  }

  it("resolveSetup asks between the setups that fit and returns the one picked", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-resolve-"));
    try {
      const statePath = join(dir, "state.json");
      for (const s of [A, B, A2]) await saveSetup(s, statePath);
      const { prompter, asked } = picking(1);
      const chosen = await resolveSetup({ statePath, interactive: true, prompter }, { command: "teardown", bucket: "bucket-a" });
      expect(asked).toEqual([{ message: "Which setup?", choices: ["bucket-a/OtherRole", "bucket-a/StageRole"] }]);
      expect(chosen && setupIdOf(chosen)).toBe("bucket-a/StageRole");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("setup's wizard asks which setup to change, or a new one, when several are remembered", async () => {
    const newOne = picking(2);
    expect(await setupToContinue({ interactive: true, prompter: newOne.prompter }, {}, [A, B])).toBeUndefined();
    expect(newOne.asked[0]!.choices).toEqual(["bucket-a/StageRole", "bucket-b/StageRole", "A new setup"]);
    const second = picking(1);
    expect(setupIdOf((await setupToContinue({ interactive: true, prompter: second.prompter }, {}, [A, B]))!)).toBe("bucket-b/StageRole");
    // One remembered setup, or one the flags name: continued without a question; unattended and unnamed: a new one.
    const none = picking(0);
    expect(setupIdOf((await setupToContinue({ interactive: true, prompter: none.prompter }, {}, [A]))!)).toBe("bucket-a/StageRole");
    expect(setupIdOf((await setupToContinue({ interactive: false, prompter: none.prompter }, { bucket: "bucket-b" }, [A, B]))!)).toBe("bucket-b/StageRole");
    expect(await setupToContinue({ interactive: false, prompter: none.prompter }, {}, [A, B])).toBeUndefined();
    expect(none.asked).toEqual([]);
  });
});
