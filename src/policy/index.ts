export * from "./arn.js";
export * from "./documents.js";
export * from "./bucket-policy.js";
export * from "./ownership.js";
export * from "./compare.js";
export * from "./kms.js";
