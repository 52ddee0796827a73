/**
 * AWS call budgets: each command of the recipe, run against the emulator, makes at most its
 * budgeted number of calls (bench/budgets.json, which `npm run bench` reports against too), a
 * rerun of setup only reads, and no command asks the same question twice (same caller,
 * operation and input). A budget that is beaten should be lowered; one that is exceeded
 * needs a reason.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallLog } from "../src/aws/call-log.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

type Step = "setup" | "setup-rerun" | "assume" | "test-get" | "teardown";
const BUDGETS = JSON.parse(readFileSync(resolve(__dirname, "../bench/budgets.json"), "utf8")) as Record<Step, { calls: number; writes: number }>;

const sandbox = useSandbox();

/** What a failure message needs: every call, in order, so the extra one is easy to spot. */
function listing(calls: CallLog): string[] {
  return calls.calls.map((c) => `${c.caller} ${c.service}.${c.operation} ${c.inputHash}`);
}

function expectWithinBudget(step: Step, result: CliResult): void {
  expect(result.code, result.stderr).toBe(0);
  const budget = BUDGETS[step];
  const over = `${step} is over its budget in bench/budgets.json (raise it only with a reason in the commit):\n${listing(result.calls).join("\n")}`;
  expect(result.calls.calls.length, over).toBeLessThanOrEqual(budget.calls);
  expect(result.calls.writes.length, over).toBeLessThanOrEqual(budget.writes);
  const repeated = result.calls.repeatedReads().map(({ call, count }) => `${call.caller} ${call.service}.${call.operation} ×${count}`);
  expect(repeated, `${step} asked the same question twice`).toEqual([]);
}

describe("AWS calls per command", () => {
  it("the recipe from setup to teardown stays within its budgets", async () => {
    // Given two empty accounts
    // When setup runs, then runs again with nothing left to do
    const first = await sandbox.run(setupArgs());
    expectWithinBudget("setup", first);
    const rerun = await sandbox.run(setupArgs());
    expectWithinBudget("setup-rerun", rerun);
    // Then the rerun only read
    expect(rerun.calls.writes).toEqual([]);

    // When Staging assumes the role and downloads an object
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "Sunset.jpg", Body: "jpeg-bytes" }));
    expectWithinBudget("assume", await sandbox.run(["assume", "--write-profile"]));
    const get = await sandbox.run(["test-get", "Sunset.jpg"]);
    expectWithinBudget("test-get", get);
    // Then each is the one call it takes
    expect(get.calls.calls.map((c) => c.operation)).toEqual(["GetObject"]);

    // When teardown removes it all again
    expectWithinBudget("teardown", await sandbox.run(["teardown", "--yes"]));
  });
});

describe("CallLog.repeatedReads", () => {
  it("finds a read repeated with the same caller and input, whatever the key order", async () => {
    const { CallLog, canonicalInput } = await import("../src/aws/call-log.js");
    const log = new CallLog();
    const hash = (input: unknown) => canonicalInput(input);
    log.record({ service: "IAM", operation: "GetRole", caller: "profile prod", inputHash: hash({ RoleName: "R", MaxItems: 1 }) });
    log.record({ service: "IAM", operation: "GetRole", caller: "profile prod", inputHash: hash({ MaxItems: 1, RoleName: "R" }) });
    log.record({ service: "IAM", operation: "GetRole", caller: "profile staging", inputHash: hash({ RoleName: "R", MaxItems: 1 }) });
    log.record({ service: "IAM", operation: "GetRole", caller: "profile prod", inputHash: hash({ RoleName: "Other" }) });
    log.record({ service: "IAM", operation: "DeleteRole", caller: "profile prod", inputHash: hash({ RoleName: "R" }) });
    log.record({ service: "IAM", operation: "DeleteRole", caller: "profile prod", inputHash: hash({ RoleName: "R" }) });
    expect(log.repeatedReads()).toEqual([{ call: expect.objectContaining({ operation: "GetRole", caller: "profile prod" }), count: 2 }]);
  });

  it("stands bytes in by their size, not their content", async () => {
    const { canonicalInput } = await import("../src/aws/call-log.js");
    expect(canonicalInput({ Body: Buffer.from("secret"), Key: "k" })).toBe('{"Body":"<bytes 6>","Key":"k"}');
  });
});
