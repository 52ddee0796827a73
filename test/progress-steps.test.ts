/**
 * runSteps and Ctrl-C, with the interrupt handed in: the first stops after the step in flight,
 * the second at once; the report names each step done, stopped or not run; exit code 130.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { runSteps, type Step } from "../src/stages/steps.js";
import type { Interrupts } from "../src/ui/interrupt.js";
import { Output } from "../src/ui/output.js";

function captured(): { out: Output; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { out: new Output({ stdout: stream, stderr: stream }), text: () => text };
}

/** An interrupt source a test presses by hand; `listening` says whether anyone still listens. */
function fakeCtrlC(): Interrupts & { press(): void; listening(): boolean } {
  const listeners = new Set<() => void>();
  return {
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    press: () => [...listeners].forEach((fn) => fn()),
    listening: () => listeners.size > 0,
  };
}

/** Four steps; `during` runs while step `at` (1-based) is in flight, which then waits for `finish`. */
function steps(at: number, during: () => void, finish: Promise<void>): Step[] {
  return [1, 2, 3, 4].map((n) => ({
    id: `s${n}`,
    title: `Step ${n}`,
    undo: `undo ${n}`,
    run: async () => {
      if (n === at) {
        during();
        await finish;
      }
      return "created" as const;
    },
  }));
}

async function stoppedError(run: Promise<unknown>): Promise<XacctError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XacctError);
  return error as XacctError;
}

describe("Ctrl-C during runSteps", () => {
  it.each([
    { name: "once during step 2: step 2 finishes, 3 and 4 do not run", at: 2, presses: 1, done: [1, 2], stopped: [], notRun: [3, 4] },
    { name: "twice during step 2: stops at once, step 2 may have been made", at: 2, presses: 2, done: [1], stopped: [2], notRun: [3, 4] },
    { name: "once during the last step: every step done, what follows is not run", at: 4, presses: 1, done: [1, 2, 3, 4], stopped: [], notRun: [] },
  ])("$name", async ({ at, presses, done, stopped, notRun }) => {
    const { out, text } = captured();
    const ctrlC = fakeCtrlC();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const run = runSteps(
      steps(
        at,
        () => {
          for (let i = 0; i < presses; i++) ctrlC.press();
          // A step held past the second Ctrl-C is not waited for.
          if (presses === 1) finish();
        },
        finished,
      ),
      out,
      [],
      ctrlC,
    );
    const error = await stoppedError(run);
    finish();
    expect(error.exitCode).toBe(130);
    expect(error.hint).toContain("Run the same command again to finish");
    const report = text();
    for (const n of done) expect(report).toMatch(new RegExp(`done {5}Step ${n} — created`));
    for (const n of stopped) expect(report).toMatch(new RegExp(`stopped {2}Step ${n} — sent to AWS and not awaited`));
    for (const n of notRun) expect(report).toMatch(new RegExp(`not run {2}Step ${n}`));
    expect(report).toContain(`undo ${done[done.length - 1]}`);
    expect(ctrlC.listening()).toBe(false);
  });

  it("stops listening once the steps are done, so a later Ctrl-C ends the process as usual", async () => {
    const { out } = captured();
    const ctrlC = fakeCtrlC();
    await runSteps(
      steps(0, () => {}, Promise.resolve()),
      out,
      [],
      ctrlC,
    );
    expect(ctrlC.listening()).toBe(false);
  });
});
