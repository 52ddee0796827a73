/**
 * `npm run bench`: xacct's performance goals (goals.mjs), measured side by side against a
 * local emulator this script starts and stops, in a sandbox (temp dirs, AWS_CONFIG_FILE and
 * friends; never ~/.aws), on the official Node.js 22 and 24 builds; on the default node the
 * start-up rows are shown for comparison, not judged. Prints Markdown: the issue's goals side
 * by side, one table per version, the AWS calls per command; exits 1 if a goal is missed.
 *   --quick      fewer runs, a 64 MB object: a smoke test of the bench itself (~2 min)
 *   --node 22    one version only (22, 24 or default)
 */
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";
import { benchBigConfig } from "./big-config.mjs";
import { benchCalls } from "./calls.mjs";
import { benchConfigFileOn } from "./config-file.mjs";
import { benchCredentialsHit, CREDENTIALS_LINE } from "./credentials.mjs";
import { benchDownload } from "./download.mjs";
import { startEmulator } from "./emulator.mjs";
import { benchFlows } from "./flow.mjs";
import { loadedModules } from "./loaded-modules.mjs";
import { nodeOption, OFFICIAL, resolveNode } from "./nodes.mjs";
import { benchOneCall } from "./one-call.mjs";
import { callsTable, missedNames, summaryTable, versionTable, withinBudget } from "./report.mjs";
import * as rowsOf from "./rows.mjs";
import { benchStartup, HEAVY } from "./startup.mjs";

// The harness's own SDK clients (bootstrap, uploads) run in this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const quick = process.argv.includes("--quick");
const RUNS = quick
  ? { startup: 15, credentials: 5, oneCall: 5, flow: 1, download: 1, downloadMb: 64, config: 5, bigConfig: 1 }
  : { startup: 41, credentials: 25, oneCall: 15, flow: 5, download: 5, downloadMb: 256, config: 11, bigConfig: 3 };
const count = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const progress = (text) => process.stderr.write(`bench: ${new Date().toISOString().slice(11, 19)} ${text}\n`);

const loadAtStart = loadavg()[0];
const only = optionOrExit(() => nodeOption(process.argv));
const versions = (only ? [only] : [...OFFICIAL, "default"]).map((name) => resolveNode(name, progress));
for (const version of versions.filter((v) => v.problem)) progress(version.problem);
const official = versions.filter((v) => v.official);
const measured = Object.fromEntries(versions.map((v) => [v.name, { noise: "" }]));

for (const version of versions.filter((v) => !v.problem)) {
  progress(`start-up on Node ${version.version}, ${count(RUNS.startup, "run")} each`);
  measured[version.name].startup = await benchStartup({ node: version.node, runs: RUNS.startup });
}

progress("starting the emulator");
const sandbox = await startEmulator();
try {
  for (const version of official) await measureCommands(version);
  if (official.length > 0) await measureFlows();
  progress(`credentials cache hits, ${count(RUNS.credentials, "run")} each`);
  await sandbox.reset();
  const nodes = Object.fromEntries(versions.filter((v) => !v.problem).map((v) => [v.name, v.node]));
  const hits = await benchCredentialsHit(sandbox, { runs: RUNS.credentials, nodes });
  for (const [name, hit] of Object.entries(hits.results)) Object.assign(measured[name], { hit, noise: measured[name].noise + hits.noise });
  for (const version of official) {
    measured[version.name].hitModules = await loadedModules(CREDENTIALS_LINE, { env: hits.env, node: version.node, heavyPatterns: HEAVY });
  }
} finally {
  await sandbox.stop();
}
for (const version of official) {
  progress(`writing a profile into big config files on Node ${version.version}`);
  measured[version.name].config = await benchConfigFileOn(version.node, { runs: RUNS.config });
}
print();

/** On one official version: assume and test-get against their floor, the big rows, the calls. */
async function measureCommands(version) {
  const m = measured[version.name];
  const on = `on Node ${version.version}`;
  progress(`assume and test-get against node -e 0 and one call, ${count(RUNS.oneCall, "run")}, ${on}`);
  await sandbox.reset();
  m.oneCall = await benchOneCall(sandbox, { node: version.node, runs: RUNS.oneCall });
  progress(`AWS calls per command, ${on}`);
  await sandbox.reset();
  m.calls = await benchCalls(sandbox, { node: version.node });
  progress(`test-get of a ${RUNS.downloadMb} MB object, ${count(RUNS.download, "run")}, ${on}`);
  await sandbox.reset();
  m.download = await benchDownload(sandbox, { node: version.node, sizeMb: RUNS.downloadMb, runs: RUNS.download });
  progress(`assume --write-profile with a 50 MB config file, both profile styles, ${count(RUNS.bigConfig, "run")}, ${on}`);
  await sandbox.reset();
  m.bigConfig = await benchBigConfig(sandbox, { node: version.node, sizeMb: 50, runs: RUNS.bigConfig });
  await sandbox.reset();
  m.roleStyle = await benchBigConfig(sandbox, { node: version.node, sizeMb: 50, runs: RUNS.bigConfig, style: "role" });
  m.noise += m.oneCall.noise + m.download.noise + m.bigConfig.noise + m.roleStyle.noise;
  for (const step of Object.values(m.calls)) m.noise += step.noise;
}

/** The three-stage flow on every official version, in one loop with the aws CLI route. */
async function measureFlows() {
  progress(`three-stage flow, ${count(RUNS.flow, "run")}, aws CLI and ${official.map((v) => `Node ${v.version}`).join(" and ")} taking turns`);
  const flows = await benchFlows(sandbox, { nodes: official, runs: RUNS.flow });
  for (const version of official) {
    Object.assign(measured[version.name], { flow: flows.byNode[version.name], aws: flows.aws });
    measured[version.name].noise += flows.noise; // one string for all versions: noise anywhere fails each
  }
}

/** One version's rows, in the order of its table. */
function rowsFor(version) {
  const m = measured[version.name];
  if (version.problem) return [{ measure: `Node ${version.name}`, xacct: "not measured", baseline: version.problem, pass: false }];
  if (!version.official) return [...rowsOf.startupRows(m.startup, false), ...rowsOf.credentialsRows(m.hit, false)];
  return [
    ...rowsOf.startupRows(m.startup, true),
    ...rowsOf.oneCallRows(m.oneCall),
    ...rowsOf.flowRows(m.flow, m.aws, rowsOf.flowFloor(m.calls, m.flow)),
    ...rowsOf.downloadRows(m.download),
    ...rowsOf.bigConfigRows(m.bigConfig, m.roleStyle),
    ...rowsOf.credentialsRows(m.hit, true),
    rowsOf.credentialsModulesRow(m.hitModules),
    ...rowsOf.configFileRows(m.config),
    rowsOf.noiseRow(m.noise),
  ];
}

function print() {
  const tables = versions.map((version) => ({
    label: version.problem ? `Node ${version.name}` : `Node ${version.version}`,
    version,
    rows: rowsFor(version),
  }));
  const misses = tables.flatMap(({ label, rows }) => missedNames(rows).map((name) => `${label}: ${name}`));
  const withCalls = tables.filter(({ version }) => measured[version.name].calls).map(({ label, version }) => ({ label, calls: measured[version.name].calls }));
  for (const { label, calls } of withCalls) {
    for (const [step, count] of Object.entries(calls)) if (!withinBudget(count)) misses.push(`${label}: calls of ${step}`);
  }
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim()}, load average ${loadAtStart.toFixed(1)} at start), ${tool("aws", ["--version"])}, moto ${tool("python3", ["-c", "import moto; print(moto.__version__)"])}`;
  console.log(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${quick ? " (--quick)" : ""}; medians of ${count(RUNS.startup, "start-up")}, ${count(RUNS.credentials, "credentials hit")}, ${count(RUNS.oneCall, "run")} of assume and test-get, ${count(RUNS.flow, "flow")}, ${count(RUNS.download, "download")}, ${count(RUNS.config, "profile write")}.\n`,
  );
  const judged = tables.filter(({ version }) => version.official);
  if (judged.length > 0) console.log(`## The issue's goals\n\n${summaryTable(judged)}\n`);
  for (const { label, version, rows } of tables) {
    const kind = version.problem ? "" : version.official ? " (official build)" : ", the default node (for comparison, not judged)";
    console.log(`## ${label}${kind}\n\n${versionTable(rows)}\n`);
  }
  if (withCalls.length > 0) console.log(`## AWS calls per command\n\n${callsTable(withCalls)}\n`);
  if (judged.length === 0) console.log("No goal judged: the default node is shown for comparison only.");
  else console.log(misses.length === 0 ? "All goals met." : `Goals missed: ${misses.join("; ")}.`);
  process.exitCode = misses.length === 0 ? 0 : 1;
}

function optionOrExit(read) {
  try {
    return read();
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  }
}

/** First word of a tool's version output (aws CLI v1 prints it on stderr). */
function tool(command, args) {
  const { stdout = "", stderr = "" } = spawnSync(command, args, { encoding: "utf8" });
  return (stdout + stderr).trim().split(/\s/)[0] || `${command} (version unknown)`;
}
