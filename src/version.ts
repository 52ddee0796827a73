/** Kept in step with package.json: test/cli-process.test.ts fails when they differ. */
export const VERSION = "0.1.0";
