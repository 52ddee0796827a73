/**
 * Setup runs as a list of small, idempotent steps. When one fails, the user is told exactly
 * which steps were done, which failed and which were not run, and how to finish or undo.
 */
import { XacctError } from "../errors.js";
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

/** Runs the steps in order, recording each finished one in `done` (the caller's, so it survives a failure). */
export async function runSteps(steps: Step[], out: Output, done: StepRecord[] = []): Promise<StepRecord[]> {
  for (const [index, step] of steps.entries()) {
    let status: StepStatus;
    let note: string | undefined;
    try {
      const outcome = await step.run();
      ({ status, note } = typeof outcome === "string" ? { status: outcome, note: undefined } : outcome);
    } catch (error) {
      reportFailure(out, done, step, steps.slice(index + 1));
      if (error instanceof XacctError) {
        throw new XacctError(error.message, {
          // A hint that already says to run the command again is not told twice.
          hint: /run the same command again/i.test(error.hint ?? "") ? error.hint : `${error.hint ? `${error.hint} ` : ""}Then run the same command again: it picks up where this run stopped.`,
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
  return done;
}

function reportFailure(out: Output, done: StepRecord[], failed: Step, pending: Step[]): void {
  out.line();
  out.line(out.color.bold("Stopped part-way. Nothing was rolled back."));
  for (const record of done) out.line(`  ${out.color.green("done")}     ${record.title} — ${record.status}`);
  out.line(`  ${out.color.red("failed")}   ${failed.title}`);
  for (const step of pending) out.line(`  ${out.color.dim("not run")}  ${step.title}`);
  const undoable = done.filter((r) => r.undo && (r.status === "created" || r.status === "updated"));
  if (undoable.length > 0) {
    out.line("To undo what this run changed instead, run in reverse order:");
    for (const record of [...undoable].reverse()) out.line(`  ${record.undo}`);
  }
  out.line();
}
