/**
 * `npm run bench`: xacct's performance goals, measured side by side in one run against a local
 * emulator this script starts and stops, in a sandbox (temp dirs, AWS_CONFIG_FILE and friends;
 * never ~/.aws). Prints one table in Markdown, and exits 1 if a goal is missed.
 *   --quick   fewer runs, a 64 MB object: a smoke test of the bench itself
 */
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";
import { benchCalls } from "./calls.mjs";
import { benchBigConfig } from "./big-config.mjs";
import { benchConfigFile } from "./config-file.mjs";
import { benchCredentialsHit, CREDENTIALS_LINE, officialNode22 } from "./credentials.mjs";
import { benchDownload } from "./download.mjs";
import { startEmulator } from "./emulator.mjs";
import { awsCliFlow, xacctFlow } from "./flow.mjs";
import { fmt, median } from "./measure.mjs";
import { loadedModules } from "./loaded-modules.mjs";
import { benchStartup, HEAVY } from "./startup.mjs";

// The harness's own SDK clients (bootstrap, uploads) run in this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const quick = process.argv.includes("--quick");
const RUNS = { startup: quick ? 8 : 25, flow: quick ? 1 : 5, download: quick ? 1 : 5, config: quick ? 5 : 11, bigConfig: quick ? 1 : 3 };
const progress = (text) => process.stderr.write(`bench: ${text}\n`);

const loadAtStart = loadavg()[0];
const rows = [];
const misses = [];
/** `pass` null: shown for comparison, no goal. */
function row(measure, xacct, baseline, ratio, goal, pass) {
  rows.push([measure, xacct, baseline, ratio, goal, pass === null ? "" : pass ? "pass" : "**miss**"]);
  if (pass === false) misses.push(measure);
}

progress(`start-up, ${RUNS.startup} runs each`);
const startup = await benchStartup({ runs: RUNS.startup });
row(
  "`xacct --version`",
  fmt.ms(startup.version),
  `\`node -e 0\` ${fmt.ms(startup.node)}`,
  fmt.ratio(startup.versionRatio),
  "≤ 1.3×",
  startup.versionRatio <= 1.3,
);
row("`xacct --help`", fmt.ms(startup.help), `\`node -e 0\` ${fmt.ms(startup.node)}`, fmt.ratio(startup.helpRatio), "≤ 1.3×", startup.helpRatio <= 1.3);
for (const [flag, loaded] of Object.entries(startup.loaded)) {
  const clean = loaded.heavy.length === 0;
  row(`modules loaded by \`--${flag}\``, `${loaded.files} files, ${Math.round(loaded.bytes / 1024)} KB`, "", "", "no SDK, prompts, evaluator, command", clean);
  if (!clean) progress(`--${flag} loads ${loaded.heavy.join(", ")}`);
}

const node22 = officialNode22(progress);
if (node22.problem) progress(node22.problem);

progress("starting the emulator");
const sandbox = await startEmulator();
let noise = "";
let calls;
try {
  const ours = [];
  const theirs = [];
  let invocations = 0;
  for (let i = 0; i < RUNS.flow; i++) {
    progress(`three-stage flow, run ${i + 1} of ${RUNS.flow}`);
    await sandbox.reset();
    const flow = await xacctFlow(sandbox);
    noise += flow.noise;
    ours.push(flow.steps);
    await sandbox.reset();
    const byHand = await awsCliFlow(sandbox);
    theirs.push(byHand.steps);
    invocations = byHand.invocations;
  }
  const total = (steps) => steps.setup + steps.assume + steps.testGet;
  const xacctMs = median(ours.map(total));
  const awsMs = median(theirs.map(total));
  row(
    "setup + assume + test-get",
    `${fmt.ms(xacctMs)} (${["setup", "assume", "testGet"].map((s) => fmt.ms(median(ours.map((o) => o[s])))).join(" + ")})`,
    `aws CLI, ${invocations} invocations: ${fmt.ms(awsMs)}`,
    `${fmt.ratio(awsMs / xacctMs)} faster`,
    "≥ 10× faster",
    awsMs / xacctMs >= 10,
  );

  progress(`test-get of a ${quick ? 64 : 256} MB object, ${RUNS.download} runs`);
  await sandbox.reset();
  const download = await benchDownload(sandbox, { sizeMb: quick ? 64 : 256, runs: RUNS.download });
  noise += download.noise;
  row(
    `test-get, ${download.sizeMb} MB object`,
    fmt.ms(download.xacct),
    `\`aws s3api get-object\` ${fmt.ms(download.aws)}`,
    fmt.ratio(download.ratio),
    "≤ 1.0×",
    download.ratio <= 1.0,
  );
  row(
    `test-get peak RSS, ${download.sizeMb} MB object`,
    fmt.mb(download.rssLarge),
    `1 MB object: ${fmt.mb(download.rssSmall)}`,
    fmt.ratio(download.rssLarge / download.rssSmall),
    "≤ 150 MB",
    download.rssLarge <= 150,
  );

  progress(`assume --write-profile with a 50 MB config file, ${RUNS.bigConfig} runs`);
  await sandbox.reset();
  const bigConfig = await benchBigConfig(sandbox, { sizeMb: 50, runs: RUNS.bigConfig });
  noise += bigConfig.noise;
  row(`\`assume --write-profile\`, ${bigConfig.sizeMb} MB config file`, fmt.ms(bigConfig.ms), "", "", "≤ 2 s", bigConfig.ms <= 2000);
  row(`… its peak RSS`, fmt.mb(bigConfig.rssMb), "", "", "≤ 300 MB", bigConfig.rssMb <= 300);
  progress(`assume --write-profile --profile-style role with a 50 MB config file, ${RUNS.bigConfig} runs`);
  await sandbox.reset();
  const roleStyle = await benchBigConfig(sandbox, { sizeMb: 50, runs: RUNS.bigConfig, style: "role" });
  noise += roleStyle.noise;
  const roleRatio = roleStyle.ms / bigConfig.ms;
  row(`… \`--profile-style role\``, fmt.ms(roleStyle.ms), `static ${fmt.ms(bigConfig.ms)}`, fmt.ratio(roleRatio), "≤ 1.5× static", roleRatio <= 1.5);

  progress(`credentials cache hits, ${RUNS.startup} runs each`);
  await sandbox.reset();
  const nodes = { default: process.execPath, ...(node22.node ? { node22: node22.node } : {}) };
  const hits = await benchCredentialsHit(sandbox, { runs: RUNS.startup, nodes });
  noise += hits.noise;
  const hitRows = (label, r, pass) => {
    row(`\`credentials\` cache hit, ${label}`, fmt.ms(r.hit), `\`node -e 0\` ${fmt.ms(r.node)}`, fmt.ratio(r.ratio), "≤ 1.5×", pass(r.ratio));
    row(`… its CPU time (user + system)`, fmt.ms(r.cpu.hit), `\`node -e 0\` ${fmt.ms(r.cpu.node)}`, fmt.ratio(r.cpuRatio), "", null);
    row(`… the same hit through the full CLI`, fmt.ms(r.full), `\`node -e 0\` ${fmt.ms(r.node)}`, fmt.ratio(r.fullRatio), "", null);
  };
  if (hits.results.node22) hitRows(`official Node ${node22.version}`, hits.results.node22, (ratio) => ratio <= 1.5);
  else row("`credentials` cache hit, official Node 22", "not measured", node22.problem, "", "≤ 1.5×", false);
  hitRows(`default node ${process.version}`, hits.results.default, () => null);
  const loaded = await loadedModules(CREDENTIALS_LINE, { env: hits.env, heavyPatterns: HEAVY });
  const clean = loaded.heavy.length === 0 && loaded.names.every((name) => name === "dist/credential-process.cjs");
  row(
    "modules loaded by a `credentials` cache hit",
    `${loaded.files} file, ${Math.round(loaded.bytes / 1024)} KB`,
    "",
    "",
    "dist/credential-process.cjs only",
    clean,
  );
  if (!clean) progress(`a credentials cache hit loads ${loaded.names.join(", ")}`);

  progress("AWS calls per command");
  await sandbox.reset();
  calls = await benchCalls(sandbox);
  for (const step of Object.values(calls)) noise += step.noise;
} finally {
  await sandbox.stop();
}

progress("writing a profile into big config files");
const config = await benchConfigFile({ runs: RUNS.config });
const big = config[10_000];
row("write TempCred into a 10,000-profile config", fmt.ms(big.median), `first write in the process: ${fmt.ms(big.first)}`, "", "≤ 100 ms", big.median <= 100);
const growth = big.median / config[1_000].median;
row("… 10,000 vs 1,000 profiles", fmt.ms(big.median), `1,000 profiles: ${fmt.ms(config[1_000].median)}`, fmt.ratio(growth), "≤ 12×", growth <= 12);
row("stderr of every xacct run above", noise === "" ? "empty" : "noise", "", "", "no warnings", noise === "");
if (noise) progress(`noise on stderr:\n${noise}`);

const callRows = Object.entries(calls).map(([step, c]) => {
  const pass = c.calls <= c.budget.calls && c.writes <= c.budget.writes;
  if (!pass) misses.push(`calls of ${step}`);
  return [`\`${step}\``, String(c.calls), String(c.writes), `${c.budget.calls} / ${c.budget.writes}`, pass ? "pass" : "**miss**", c.summary];
});

const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim()}, load average ${loadAtStart.toFixed(1)} at start), Node ${process.version}, ${tool("aws", ["--version"])}, moto ${tool("python3", ["-c", "import moto; print(moto.__version__)"])}`;
console.log(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${quick ? " (--quick)" : ""}; medians of ${RUNS.startup} start-ups, ${RUNS.flow} flows, ${RUNS.download} downloads, ${RUNS.config} profile writes.\n`,
);
console.log(table(["measure", "xacct", "baseline", "ratio", "goal", ""], rows));
console.log();
console.log(table(["command", "AWS calls", "writes", "budget (calls / writes)", "", "calls"], callRows));
console.log(misses.length === 0 ? "\nAll goals met." : `\nGoals missed: ${misses.join("; ")}.`);
process.exitCode = misses.length === 0 ? 0 : 1;

function table(header, body) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

/** First word of a tool's version output (aws CLI v1 prints it on stderr). */
function tool(command, args) {
  const { stdout = "", stderr = "" } = spawnSync(command, args, { encoding: "utf8" });
  return (stdout + stderr).trim().split(/\s/)[0] || `${command} (version unknown)`;
}
