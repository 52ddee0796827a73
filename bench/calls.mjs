/**
 * AWS calls per command, counted by xacct's own call log (`--debug` prints it), against the
 * budgets test/budget.test.ts holds each command to.
 */
import { isReadOperation } from "../dist/aws/call-log.js";
import { BUCKET, SAMPLE, SETUP_ARGS, xacct } from "./flow.mjs";
import { uploadSample } from "./emulator.mjs";
import { BUDGETS } from "./goals.mjs";

/** `{ step: { calls, writes, summary, budget, noise } }`, xacct run on `node`. */
export async function benchCalls(sandbox, { node } = {}) {
  const counted = {};
  const count = async (step, args) => {
    const { stderr } = await xacct(sandbox, ["--debug", ...args], { node });
    const match = /debug: (\d+) AWS calls: (.*)/.exec(stderr);
    if (!match) throw new Error(`no call count from xacct ${args.join(" ")}:\n${stderr}`);
    const operations = match[2] === "none" ? [] : match[2].split(", ").map(parse);
    const writes = operations.filter((op) => !isReadOperation(op.operation)).reduce((n, op) => n + op.count, 0);
    // Whatever --debug did not print itself is noise.
    const noise = stderr
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("debug: "))
      .join("\n");
    counted[step] = { calls: Number(match[1]), writes, summary: match[2], budget: BUDGETS[step], noise };
  };
  await count("setup", SETUP_ARGS);
  await count("setup-rerun", SETUP_ARGS);
  await uploadSample(sandbox.endpoint, sandbox.accounts.prod.accessKey, BUCKET, SAMPLE);
  await count("assume", ["assume", "--write-profile"]);
  await count("test-get", ["test-get", SAMPLE, "SunsetStage.jpg", "--force"]);
  await count("teardown", ["teardown", "--yes"]);
  return counted;
}

/** "IAM.GetRole×2" → { operation: "GetRole", count: 2 } */
function parse(entry) {
  const match = /^\w+\.(\w+)(?:×(\d+))?$/.exec(entry);
  return { operation: match[1], count: Number(match[2] ?? 1) };
}
