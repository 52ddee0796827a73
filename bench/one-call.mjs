/**
 * The commands that make one AWS call, `assume --write-profile` and `test-get`, against their
 * floor: a bare `node -e 0` plus that call's latency in a warm process (call-latency.mjs), all
 * four in one loop on a finished setup.
 */
import { BUCKET, ROLE_ARN, SAMPLE, SETUP_ARGS, xacct } from "./flow.mjs";
import { MIN_CALLS, OPERATIONS, startCallProbe } from "./call-latency.mjs";
import { uploadSample } from "./emulator.mjs";
import { median, runOk } from "./measure.mjs";

/** Medians in ms: `node`, `assume`, `testGet`, `latency` per operation, `call` of every call timed. */
export async function benchOneCall(sandbox, { node, runs }) {
  await xacct(sandbox, SETUP_ARGS);
  await uploadSample(sandbox.endpoint, sandbox.accounts.prod.accessKey, BUCKET, SAMPLE);
  const probe = startCallProbe(node, sandbox, { bucket: BUCKET, key: SAMPLE, roleArn: ROLE_ARN });
  const perRun = Math.ceil(MIN_CALLS / runs);
  const times = { node: [], assume: [], testGet: [] };
  const latency = Object.fromEntries(OPERATIONS.map((operation) => [operation, []]));
  let noise = "";
  try {
    await probe.measure(1); // warms its connections, as the commands below warm the page cache
    for (let i = 0; i < runs + 2; i++) {
      const warm = i < 2; // the first two runs fill the compile cache and the page cache
      const node0 = await runOk(node, ["-e", "0"]);
      const assume = await xacct(sandbox, ["assume", "--write-profile"], { node });
      const testGet = await xacct(sandbox, ["test-get", SAMPLE, "SunsetStage.jpg", "--force"], { node });
      noise += assume.stderr + testGet.stderr;
      if (warm) continue;
      times.node.push(node0.ms);
      times.assume.push(assume.ms);
      times.testGet.push(testGet.ms);
      for (const [operation, list] of Object.entries(await probe.measure(perRun))) latency[operation].push(...list);
    }
  } finally {
    probe.stop();
  }
  return {
    node: median(times.node),
    assume: median(times.assume),
    testGet: median(times.testGet),
    latency: Object.fromEntries(Object.entries(latency).map(([operation, list]) => [operation, median(list)])),
    call: median(Object.values(latency).flat()),
    callsPerOperation: perRun * runs,
    noise,
  };
}
