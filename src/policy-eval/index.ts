/**
 * IAM policy evaluation for `xacct verify` and for explaining AccessDenied: which statement
 * of which layer (identity, resource, boundary, session, SCP, RCP) allows or denies a request.
 * See `evaluate` for the rules covered and those left out.
 */
export { evaluate } from "./evaluate.js";
export { describeStatement } from "./explain.js";
export { variableKeys } from "./variables.js";
export { PolicyEvalError, type UnjudgedStatement } from "./errors.js";
export type { ContextValue, DecidingStatement, Decision, EvaluationRequest, EvaluationResult, LabeledPolicy, OpenContext, PolicySet } from "./types.js";
