/**
 * Setup runs as a list of small, idempotent steps. When one fails, or Ctrl-C stops the run,
 * the user is told exactly which steps were done, which failed and which were not run, and
 * how to finish or undo. On a terminal a status line names the step in flight.
 */
import { XacctError } from "../errors.js";
import { processInterrupts, type Interrupts } from "../ui/interrupt.js";
import type { Output } from "../ui/output.js";

export type StepStatus = "created" | "updated" | "unchanged" | "reused" | "deleted" | "kept" | "absent";

/** A status with the reason behind it, e.g. why a resource was kept after all. */
export interface StepOutcome {
  status: StepStatus;
  note: string;
}

export interface Step {
  /** Stable name of the step, e.g. "role", for code that asks what happened. */
  id: string;
  title: string;
  run: () => Promise<StepStatus | StepOutcome>;
  /** An aws CLI command that undoes this step, shown when a later step fails. */
  undo?: string;
}

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  undo?: string | undefined;
}

const STATUS_LABEL: Partial<Record<StepStatus, string>> = {
  unchanged: "already in place",
  kept: "left in place",
  absent: "already gone",
};

/** Exit code of a run stopped by Ctrl-C, as shells report a process SIGINT ended (128 + 2). */
export const INTERRUPTED_EXIT = 130;

/**
 * Runs the steps in order, recording each finished one in `done` (the caller's, so it survives
 * a failure). The first Ctrl-C stops the run after the step in flight; a second stops it at once.
 */
export async function runSteps(
  steps: Step[],
  out: Output,
  done: StepRecord[] = [],
  interrupts: Interrupts = processInterrupts,
  /** The teardown command that removes this setup (with its --setup), for the Ctrl-C report. */
  teardown = "xacct teardown --yes",
): Promise<StepRecord[]> {
  const ctrlC = watchCtrlC(interrupts, out);
  const stopped = (out: Output, done: StepRecord[], inFlight: Step | undefined, pending: Step[]) => stoppedRun(out, done, inFlight, pending, teardown);
  try {
    for (const [index, step] of steps.entries()) {
      if (ctrlC.count > 0) throw stopped(out, done, undefined, steps.slice(index));
      await runStep(step, out, done, ctrlC, steps.slice(index + 1), stopped);
    }
    if (ctrlC.count > 0) throw stopped(out, done, undefined, []);
    return done;
  } finally {
    ctrlC.stop();
  }
}

async function runStep(
  step: Step,
  out: Output,
  done: StepRecord[],
  ctrlC: CtrlC,
  pending: Step[],
  stopped: (out: Output, done: StepRecord[], inFlight: Step | undefined, pending: Step[]) => XacctError,
): Promise<void> {
  let status: StepStatus;
  let note: string | undefined;
  try {
    const outcome = await out.progress(step.title, () => Promise.race([step.run(), ctrlC.forced]));
    ({ status, note } = typeof outcome === "string" ? { status: outcome, note: undefined } : outcome);
  } catch (error) {
    if (error === STOP_AT_ONCE) throw stopped(out, done, step, pending);
    reportFailure(out, done, step, pending);
    if (error instanceof XacctError) {
      throw new XacctError(error.message, {
        // A hint that already says to run the command again is not told twice.
        hint: /run the same command again/i.test(error.hint ?? "")
          ? error.hint
          : `${error.hint ? `${error.hint} ` : ""}Then run the same command again: it picks up where this run stopped.`,
        ...(error.awsCode ? { awsCode: error.awsCode } : {}),
        exitCode: error.exitCode,
        cause: error,
      });
    }
    throw error;
  }
  const label = `${step.title} ${out.color.dim(`— ${STATUS_LABEL[status] ?? status}${note ? ` (${note})` : ""}`)}`;
  if (status === "unchanged" || status === "reused" || status === "kept" || status === "absent") out.skipped(label);
  else out.done(label);
  done.push({ id: step.id, title: step.title, status, undo: step.undo });
}

const STOP_AT_ONCE = Symbol("second Ctrl-C");

interface CtrlC {
  /** How many times Ctrl-C was pressed. */
  readonly count: number;
  /** Rejects with STOP_AT_ONCE at the second Ctrl-C; never resolves. */
  readonly forced: Promise<never>;
  stop(): void;
}

function watchCtrlC(interrupts: Interrupts, out: Output): CtrlC {
  let reject: (reason: unknown) => void = () => {};
  const forced = new Promise<never>((_resolve, fail) => (reject = fail));
  forced.catch(() => {}); // nobody may be waiting when it comes
  const state = { count: 0, forced, stop: () => {} };
  state.stop = interrupts.listen(() => {
    state.count += 1;
    if (state.count === 1) out.warn("Ctrl-C: stopping after the step in progress. Press Ctrl-C again to stop at once.");
    else reject(STOP_AT_ONCE);
  });
  return state;
}

/** The report of a run Ctrl-C stopped, and the error that ends the command with exit code 130. */
function stoppedRun(out: Output, done: StepRecord[], inFlight: Step | undefined, pending: Step[], teardown: string): XacctError {
  out.line();
  out.line(out.color.bold("Stopped by Ctrl-C. Nothing was rolled back."));
  for (const record of done) out.line(`  ${out.color.green("done")}     ${record.title} — ${record.status}`);
  if (inFlight) out.line(`  ${out.color.yellow("stopped")}  ${inFlight.title} — sent to AWS and not awaited: it may have been made`);
  for (const step of pending) out.line(`  ${out.color.dim("not run")}  ${step.title}`);
  showUndo(out, done);
  // A resource made by a call nobody waited for may lack the tags that mark it as xacct's, so
  // teardown may keep it: the command that removes it is given here.
  if (inFlight?.undo) showCommands(out, "If the stopped step was made after all, undo it with:", inFlight.undo);
  out.line();
  return new XacctError(
    pending.length === 0 && !inFlight ? "Stopped by Ctrl-C after the last step; what follows it was not run." : "Stopped by Ctrl-C before every step was run.",
    {
      hint: `Run the same command again to finish: it picks up where this run stopped.${undoable(done).length > 0 ? ` To undo it instead, \`${teardown}\` removes what setup made.` : ""}`,
      exitCode: INTERRUPTED_EXIT,
    },
  );
}

function reportFailure(out: Output, done: StepRecord[], failed: Step, pending: Step[]): void {
  out.line();
  out.line(out.color.bold("Stopped part-way. Nothing was rolled back."));
  for (const record of done) out.line(`  ${out.color.green("done")}     ${record.title} — ${record.status}`);
  out.line(`  ${out.color.red("failed")}   ${failed.title}`);
  for (const step of pending) out.line(`  ${out.color.dim("not run")}  ${step.title}`);
  showUndo(out, done);
  out.line();
}

function showUndo(out: Output, done: StepRecord[]): void {
  const changed = undoable(done);
  if (changed.length > 0) {
    out.line("To undo what this run changed instead, run in reverse order:");
    for (const record of [...changed].reverse()) for (const command of commandsOf(record.undo)) out.commandLine(`  ${command}`);
  }
}

/** `undo`'s commands after `label`: on its line when there is one, else one a line. Never wrapped, so each pastes as it is. */
function showCommands(out: Output, label: string, undo: string): void {
  const commands = commandsOf(undo);
  if (commands.length === 1) out.commandLine(`${label} ${commands[0]}`);
  else {
    out.line(label);
    for (const command of commands) out.commandLine(`  ${command}`);
  }
}

/** A step's undo holds one command a line. */
function commandsOf(undo: string | undefined): string[] {
  return (undo ?? "").split("\n").filter((line) => line.trim() !== "");
}

function undoable(done: StepRecord[]): StepRecord[] {
  return done.filter((r) => r.undo && (r.status === "created" || r.status === "updated"));
}
