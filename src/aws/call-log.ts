/**
 * Counts every AWS API call a command makes (an SDK middleware on each client), so tests can
 * hold commands to a budget, a no-op rerun can be shown to write nothing, and --debug can
 * list the calls.
 */

export interface ApiCall {
  service: string;
  operation: string;
}

const READ_PREFIXES = ["Get", "List", "Head", "Describe"];
/** Calls that change no resource in any account, though their names do not say so. */
const NON_MUTATING = new Set(["AssumeRole"]);

/** Whether a call leaves every account as it was; everything else counts as a write. */
export function isReadOperation(operation: string): boolean {
  return NON_MUTATING.has(operation) || READ_PREFIXES.some((prefix) => operation.startsWith(prefix));
}

export class CallLog {
  readonly calls: ApiCall[] = [];

  record(call: ApiCall): void {
    this.calls.push(call);
  }

  get writes(): ApiCall[] {
    return this.calls.filter((c) => !isReadOperation(c.operation));
  }

  /** "IAM.GetRole×2, S3.ListBuckets" style summary for --debug. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const c of this.calls) {
      const key = `${c.service}.${c.operation}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([key, n]) => (n > 1 ? `${key}×${n}` : key)).join(", ");
  }
}
