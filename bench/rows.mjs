/**
 * The rows of one Node version's table, from what the bench measured on it, judged against
 * GOALS. A row: `{ measure, xacct, baseline, ratio, goal, pass }`, `pass` null when nothing is
 * judged (the default node, rows shown for comparison); rows of the issue's goals also carry
 * `summary`, their name in the table that puts the versions side by side.
 */
import { OPERATIONS } from "./call-latency.mjs";
import { GOALS } from "./goals.mjs";
import { fmt } from "./measure.mjs";

const bare = (ms) => `\`node -e 0\` ${fmt.ms(ms)}`;

/** `--version`, `--help` and what they load; `judged` false gives the rows without pass/miss. */
export function startupRows(startup, judged) {
  const verdict = (ok) => (judged ? ok : null);
  const rows = [
    {
      measure: "`xacct --version`",
      xacct: fmt.ms(startup.version),
      baseline: bare(startup.node),
      ratio: fmt.ratio(startup.versionRatio),
      goal: `≤ ${GOALS.version}×`,
      pass: verdict(startup.versionRatio <= GOALS.version),
      summary: `\`--version\` ≤ ${GOALS.version}× \`node -e 0\``,
    },
    {
      measure: "`xacct --help`",
      xacct: fmt.ms(startup.help),
      baseline: bare(startup.node),
      ratio: fmt.ratio(startup.helpRatio),
      goal: `≤ ${GOALS.help}×`,
      pass: verdict(startup.helpRatio <= GOALS.help),
      summary: `\`--help\` ≤ ${GOALS.help}× \`node -e 0\``,
    },
  ];
  for (const [flag, loaded] of Object.entries(startup.loaded)) {
    rows.push({
      measure: `modules loaded by \`--${flag}\``,
      xacct: `${loaded.files} files, ${Math.round(loaded.bytes / 1024)} KB`,
      goal: "no SDK, prompts, evaluator, command",
      pass: verdict(loaded.heavy.length === 0),
    });
  }
  return rows;
}

/** assume and test-get against `node -e 0` plus their one call, and the latency of one call. */
export function oneCallRows(one) {
  const row = (measure, ms, operation, summary) => {
    const floor = one.node + one.latency[operation];
    return {
      measure,
      xacct: fmt.ms(ms),
      baseline: `${bare(one.node)} + ${operation} ${fmt.ms(one.latency[operation])} = ${fmt.ms(floor)}`,
      ratio: fmt.ratio(ms / floor),
      goal: `≤ ${GOALS.oneCall}×`,
      pass: ms / floor <= GOALS.oneCall,
      summary,
    };
  };
  return [
    row("`assume --write-profile`", one.assume, "STS.AssumeRole", `\`assume\` ≤ ${GOALS.oneCall}× (\`node -e 0\` + one call)`),
    row("`test-get KEY OUT --force`", one.testGet, "S3.GetObject", `\`test-get\` ≤ ${GOALS.oneCall}× (\`node -e 0\` + one call)`),
    {
      measure: "one AWS call, warm process (median)",
      xacct: fmt.ms(one.call),
      baseline: `${one.callsPerOperation} calls each: ${OPERATIONS.map((operation) => `${operation} ${fmt.ms(one.latency[operation])}`).join(", ")}`,
      pass: null,
    },
  ];
}

/** The whole flow against the aws CLI route and against its floor. */
export function flowRows(flow, aws, floor) {
  const steps = ["setup", "assume", "testGet"].map((step) => fmt.ms(flow.steps[step])).join(" + ");
  const speedup = aws.ms / flow.ms;
  const overFloor = flow.ms / floor.ms;
  return [
    {
      measure: "setup + assume + test-get",
      xacct: `${fmt.ms(flow.ms)} (${steps})`,
      baseline: `aws CLI, ${aws.invocations} invocations: ${fmt.ms(aws.ms)}`,
      ratio: `${fmt.ratio(speedup)} faster`,
      goal: `≥ ${GOALS.flowSpeedup}× faster`,
      pass: speedup >= GOALS.flowSpeedup,
      summary: `flow ≥ ${GOALS.flowSpeedup}× faster than the aws CLI`,
    },
    {
      measure: "… against its floor",
      xacct: fmt.ms(flow.ms),
      baseline: `floor ${fmt.ms(floor.ms)}: ${floor.calls} calls × ${fmt.ms(floor.call)} + 3 × \`node -e 0\` ${fmt.ms(flow.node)}`,
      ratio: fmt.ratio(overFloor),
      goal: `≤ ${GOALS.flowFloor}×`,
      pass: overFloor <= GOALS.flowFloor,
      summary: `flow ≤ ${GOALS.flowFloor}× its floor`,
    },
  ];
}

/**
 * The flow's floor: the calls its three commands make (xacct's own count) × one call's median
 * latency + three process starts, both timed in the flow's own loop.
 */
export function flowFloor(calls, flow) {
  const count = calls.setup.calls + calls.assume.calls + calls["test-get"].calls;
  return { calls: count, call: flow.call, ms: count * flow.call + 3 * flow.node };
}

export function downloadRows(download) {
  return [
    {
      measure: `test-get, ${download.sizeMb} MB object`,
      xacct: fmt.ms(download.xacct),
      baseline: `\`aws s3api get-object\` ${fmt.ms(download.aws)}`,
      ratio: fmt.ratio(download.ratio),
      goal: `≤ ${GOALS.download.toFixed(1)}×`,
      pass: download.ratio <= GOALS.download,
    },
    {
      measure: `test-get peak RSS, ${download.sizeMb} MB object`,
      xacct: fmt.mb(download.rssLarge),
      baseline: `1 MB object: ${fmt.mb(download.rssSmall)}`,
      ratio: fmt.ratio(download.rssLarge / download.rssSmall),
      goal: `≤ ${GOALS.downloadRssMb} MB`,
      pass: download.rssLarge <= GOALS.downloadRssMb,
    },
  ];
}

export function bigConfigRows(staticStyle, roleStyle) {
  const roleRatio = roleStyle.ms / staticStyle.ms;
  return [
    {
      measure: `\`assume --write-profile\`, ${staticStyle.sizeMb} MB config file`,
      xacct: fmt.ms(staticStyle.ms),
      goal: `≤ ${GOALS.bigConfigMs / 1000} s`,
      pass: staticStyle.ms <= GOALS.bigConfigMs,
    },
    { measure: "… its peak RSS", xacct: fmt.mb(staticStyle.rssMb), goal: `≤ ${GOALS.bigConfigRssMb} MB`, pass: staticStyle.rssMb <= GOALS.bigConfigRssMb },
    {
      measure: "… `--profile-style role`",
      xacct: fmt.ms(roleStyle.ms),
      baseline: `static ${fmt.ms(staticStyle.ms)}`,
      ratio: fmt.ratio(roleRatio),
      goal: `≤ ${GOALS.roleStyle}× static`,
      pass: roleRatio <= GOALS.roleStyle,
    },
  ];
}

/** A `credentials` cache hit; `judged` false gives the rows without pass/miss. */
export function credentialsRows(hit, judged) {
  return [
    {
      measure: "`credentials` cache hit",
      xacct: fmt.ms(hit.hit),
      baseline: bare(hit.node),
      ratio: fmt.ratio(hit.ratio),
      goal: `≤ ${GOALS.credentialsHit}×`,
      pass: judged ? hit.ratio <= GOALS.credentialsHit : null,
    },
    { measure: "… its CPU time (user + system)", xacct: fmt.ms(hit.cpu.hit), baseline: bare(hit.cpu.node), ratio: fmt.ratio(hit.cpuRatio), pass: null },
    { measure: "… the same hit through the full CLI", xacct: fmt.ms(hit.full), baseline: bare(hit.node), ratio: fmt.ratio(hit.fullRatio), pass: null },
  ];
}

export function credentialsModulesRow(loaded) {
  return {
    measure: "modules loaded by a `credentials` cache hit",
    xacct: `${loaded.files} file, ${Math.round(loaded.bytes / 1024)} KB`,
    goal: "dist/credential-process.cjs only",
    pass: loaded.heavy.length === 0 && loaded.names.every((name) => name === "dist/credential-process.cjs"),
  };
}

export function configFileRows(config) {
  const big = config[10_000];
  const growth = big.median / config[1_000].median;
  return [
    {
      measure: "write TempCred into a 10,000-profile config",
      xacct: fmt.ms(big.median),
      baseline: `first write in the process: ${fmt.ms(big.first)}`,
      goal: `≤ ${GOALS.configWriteMs} ms`,
      pass: big.median <= GOALS.configWriteMs,
    },
    {
      measure: "… 10,000 vs 1,000 profiles",
      xacct: fmt.ms(big.median),
      baseline: `1,000 profiles: ${fmt.ms(config[1_000].median)}`,
      ratio: fmt.ratio(growth),
      goal: `≤ ${GOALS.configGrowth}×`,
      pass: growth <= GOALS.configGrowth,
    },
  ];
}

export function noiseRow(noise) {
  return { measure: "stderr of every xacct run above", xacct: noise === "" ? "empty" : "noise", goal: "no warnings", pass: noise === "" };
}
