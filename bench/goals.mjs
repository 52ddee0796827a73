/**
 * Every goal `npm run bench` judges, in one place. Ratios are against a baseline measured in
 * the same loop; times in ms, memory in MB. The AWS call budgets live in budgets.json, which
 * test/budget.test.ts enforces too.
 */
import { readFileSync } from "node:fs";

export const GOALS = {
  // Issue 15, on the official Node.js 22 and 24 builds: start-up near the floor.
  /** `xacct --version` ≤ this × `node -e 0` */
  version: 1.1,
  /** `xacct --help` ≤ this × `node -e 0` */
  help: 1.3,
  /** `assume --write-profile` and `test-get` each ≤ this × (`node -e 0` + their one call's median latency) */
  oneCall: 2,
  /** setup + assume + test-get ≥ this × faster than the same steps with the aws CLI */
  flowSpeedup: 10,
  /** setup + assume + test-get ≤ this × its floor (calls × one call's latency + three process starts) */
  flowFloor: 2.5,

  // Earlier issues' goals, measured on each official build.
  /** test-get of a large object ≤ this × `aws s3api get-object` */
  download: 1.0,
  downloadRssMb: 150,
  /** `assume --write-profile` with a 50 MB config file */
  bigConfigMs: 2000,
  bigConfigRssMb: 300,
  /** … with --profile-style role ≤ this × the static style */
  roleStyle: 1.5,
  /** `credentials` cache hit ≤ this × `node -e 0` */
  credentialsHit: 1.5,
  /** one profile written into a 10,000-profile config */
  configWriteMs: 100,
  /** … 10,000 vs 1,000 profiles */
  configGrowth: 12,
};

/** `{ step: { calls, writes } }` for setup, setup-rerun, assume, test-get, teardown. */
export const BUDGETS = JSON.parse(readFileSync(new URL("./budgets.json", import.meta.url), "utf8"));
