/**
 * The evaluator's own error: pure code does not know about the CLI's errors. Thrown when a
 * policy uses something the evaluator cannot judge (an unknown condition operator) rather
 * than guessing; callers turn it into "cannot tell" or into the CLI's error with a hint.
 */

/** The statement the evaluator could not judge, by the label its policy was given. */
export interface UnjudgedStatement {
  policy: string;
  statementIndex: number;
  sid?: string;
}

export class PolicyEvalError extends Error {
  /** What the user can do about it, one sentence. */
  readonly hint: string | undefined;
  /** Set by `evaluate` once it knows which statement it was reading. */
  readonly statement: UnjudgedStatement | undefined;

  constructor(message: string, options: { hint?: string | undefined; statement?: UnjudgedStatement | undefined } = {}) {
    super(message);
    this.name = "PolicyEvalError";
    this.hint = options.hint;
    this.statement = options.statement;
  }
}
