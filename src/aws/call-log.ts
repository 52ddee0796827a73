/**
 * Counts every AWS API call a command makes (an SDK middleware on each client), so tests can
 * hold commands to a budget, a no-op rerun can be shown to write nothing, a call repeated for
 * the same answer can be found, and --debug can list the calls.
 */

export interface ApiCall {
  service: string;
  operation: string;
  /** Who asked (a profile, or the key ID of fixed credentials): one input, two accounts, two answers. */
  caller?: string;
  /** Hash of the input with its keys sorted; equal inputs hash equal. */
  inputHash?: string;
  /**
   * How it ended: answered, refused by the service (an AWS error answer, so nothing was done),
   * or neither yet (in flight, or the connection failed: AWS may have acted on it).
   */
  outcome?: "answered" | "refused";
}

export interface RepeatedCall {
  call: ApiCall;
  count: number;
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
  /** Indexes in `calls` before which every answer may be stale (see checkpoint). */
  private readonly checkpoints = new Set<number>();

  record(call: ApiCall): void {
    this.calls.push(call);
  }

  /**
   * From here on, answers read before may be stale, and reading them again is deliberate:
   * e.g. teardown asks AWS again, at the moment of each delete, whose a resource is.
   */
  checkpoint(): void {
    this.checkpoints.add(this.calls.length);
  }

  get writes(): ApiCall[] {
    return this.calls.filter((c) => !isReadOperation(c.operation));
  }

  /** How many calls so far: a mark for `mayHaveWrittenSince`. */
  get mark(): number {
    return this.calls.length;
  }

  /** Whether a write since `mark` may have changed an account: anything but a refusal AWS answered. */
  mayHaveWrittenSince(mark: number): boolean {
    return this.calls.slice(mark).some((c) => !isReadOperation(c.operation) && c.outcome !== "refused");
  }

  /**
   * Reads asked more than once with the same caller and input: the second answer was already
   * known. (Writes are left out, and a read after a write or a checkpoint is a new question:
   * the state may have changed.)
   */
  repeatedReads(): RepeatedCall[] {
    const seen = new Map<string, RepeatedCall>();
    const repeated: RepeatedCall[] = [];
    for (const [index, call] of this.calls.entries()) {
      if (this.checkpoints.has(index) || !isReadOperation(call.operation)) {
        for (const entry of seen.values()) if (entry.count > 1) repeated.push(entry);
        seen.clear();
      }
      if (!isReadOperation(call.operation) || call.inputHash === undefined) continue;
      const key = [call.caller, call.service, call.operation, call.inputHash].join("\u0000");
      const entry = seen.get(key);
      if (entry) entry.count += 1;
      else seen.set(key, { call, count: 1 });
    }
    return [...repeated, ...[...seen.values()].filter((entry) => entry.count > 1)];
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

/**
 * JSON with object keys sorted, so equal inputs give equal text whatever their key order.
 * Bytes and streams (an object body) stand in by their kind and size, never their content.
 */
export function canonicalInput(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? "null";
}

function canonical(value: unknown): unknown {
  if (value instanceof Uint8Array) return `<bytes ${value.byteLength}>`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `<${value.constructor.name}>`;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, canonical(record[key])]),
  );
}
