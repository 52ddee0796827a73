/**
 * IAM policy evaluation for `xacct verify` and for explaining AccessDenied: which statement
 * allows or denies a request. See `evaluate` for the rules covered and those left out.
 */
export { evaluate } from "./evaluate.js";
export { describeStatement } from "./explain.js";
export { PolicyEvalError, type UnjudgedStatement } from "./errors.js";
export type {
  ContextValue,
  DecidingStatement,
  Decision,
  EvaluationRequest,
  EvaluationResult,
  LabeledPolicy,
  OpenContext,
  PolicySet,
} from "./types.js";
