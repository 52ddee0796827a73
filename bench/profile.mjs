/**
 * Where one command's time goes, for finding what to remove (not a test: nothing is judged).
 *
 *   node bench/profile.mjs [--node 22|24|default] [--runs N] [--top N] [--keep DIR] -- ARGS…
 *   npm run profile -- --node 24 -- --help        (builds dist/ first)
 *
 * Runs `bin/xacct.js ARGS` on that Node (default: the official 22 build) under --cpu-prof, N
 * times (default 5) after one warm-up run that fills the compile cache, each next to a plain
 * run, a bare `node -e 0` and a profiled one. A command that talks to AWS runs against the
 * emulator in a sandbox with a finished setup, the sample object uploaded and TempCred written
 * (`setup` itself starts from empty accounts each run, `teardown` from a fresh setup).
 * Prints the medians; self time per run summed by the file that ran and by the source it was
 * built from, next to `node -e 0`'s, most over it first; the dist/ files the command loads;
 * and the Node built-ins it loads that `node -e 0` does not. `--keep DIR` keeps the
 * .cpuprofile files for Chrome DevTools. Needs `npm run build` first.
 */
import { mkdtemp, readFile, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { addSummaries, summarizeProfile } from "./cpu-profile.mjs";
import { startEmulator, uploadSample } from "./emulator.mjs";
import { BIN, BUCKET, SAMPLE, SETUP_ARGS, xacct } from "./flow.mjs";
import { loadedBuiltins, loadedModules } from "./loaded-modules.mjs";
import { fmt, median, runOk } from "./measure.mjs";
import { nodeOption, resolveNode } from "./nodes.mjs";

const SAMPLE_INTERVAL_US = 100; // Node's default (1 ms) gives a 50 ms start-up 50 samples

// The harness's own SDK clients (bootstrap, uploads) run in this process; xacct's runs set their own.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const { nodeName, runs, top, keep, args } = parseArgs(process.argv.slice(2));
const node = resolveNode(nodeName, (line) => process.stderr.write(`profile: ${line}\n`));
if (node.problem) {
  process.stderr.write(`profile: ${node.problem}\n`);
  process.exit(1);
}
const sandbox = needsAws(args) ? await startEmulator() : undefined;
const dir = keep ?? (await mkdtemp(join(tmpdir(), "xacct-profile-")));
try {
  const prepare = preparation(args, sandbox);
  await prepare.once();
  const options = sandbox ? { env: sandbox.env, cwd: join(sandbox.dir, "work") } : { env: withoutBenchEnv(process.env) };
  await prepare.each();
  // The same flags in every profiled run: xacct keeps a front cache per set of node flags, and
  // one folder per run would make every profiled run remake its own. Each run's profile is
  // moved into a folder of its own after the run.
  const profiling = ["--cpu-prof", "--cpu-prof-dir", join(dir, "last"), "--cpu-prof-interval", String(SAMPLE_INTERVAL_US)];
  const keepProfile = async (folder) => rename(join(dir, "last"), join(dir, folder));
  // Warm-ups: the compile caches (plain and profiled), the page cache.
  await runOk(node.node, [BIN, ...args], options);
  await prepare.each();
  await runOk(node.node, [...profiling, BIN, ...args], options);
  await rm(join(dir, "last"), { recursive: true });
  const times = { node: [], xacct: [], profiled: [] };
  for (let i = 0; i < runs; i++) {
    times.node.push((await runOk(node.node, ["-e", "0"], options)).ms);
    await runOk(node.node, [...profiling, "-e", "0"], options);
    await keepProfile(`node-${i}`);
    await prepare.each();
    times.xacct.push((await runOk(node.node, [BIN, ...args], options)).ms);
    await prepare.each();
    times.profiled.push((await runOk(node.node, [...profiling, BIN, ...args], options)).ms);
    await keepProfile(`xacct-${i}`);
  }
  const summaryOf = async (name) => addSummaries(await Promise.all([...Array(runs).keys()].map((i) => readProfile(join(dir, `${name}-${i}`)))));
  const summary = { xacct: await summaryOf("xacct"), node: await summaryOf("node") };
  await prepare.each();
  const loaded = await loadedModules(args, { ...options, node: node.node });
  await prepare.each();
  const builtins = await loadedBuiltins(args, { ...options, node: node.node });
  print({ times, summary, loaded, builtins });
} finally {
  if (!keep) await rm(dir, { recursive: true, force: true });
  await sandbox?.stop();
}

function parseArgs(argv) {
  const dashes = argv.indexOf("--");
  const own = dashes === -1 ? argv : argv.slice(0, dashes);
  const number = (flag, fallback) => {
    const at = own.indexOf(flag);
    const value = at === -1 ? fallback : Number(own[at + 1]);
    if (!Number.isInteger(value) || value < 1) usage(`${flag} takes a whole number`);
    return value;
  };
  if (dashes === -1) usage("no command to profile");
  const keep = own.includes("--keep") ? resolve(own[own.indexOf("--keep") + 1] ?? usage("--keep takes a folder")) : undefined;
  let nodeName;
  try {
    nodeName = nodeOption(own) ?? "22";
  } catch (error) {
    usage(error.message);
  }
  return { nodeName, runs: number("--runs", 5), top: number("--top", 12), keep, args: argv.slice(dashes + 1) };
}

function usage(problem) {
  process.stderr.write(`profile: ${problem}\nusage: node bench/profile.mjs [--node 22|24|default] [--runs N] [--top N] [--keep DIR] -- ARGS…\n`);
  process.exit(2);
}

/** Help, version and completion never reach AWS; every other command gets the emulator. */
function needsAws(args) {
  if (args.length === 0 || args.some((arg) => ["--help", "-h", "--version", "-V"].includes(arg))) return false;
  return !["help", "completion", "__complete"].includes(args.find((arg) => !arg.startsWith("-")));
}

/** What the sandbox needs before the first run (`once`, which makes its env) and before each run (`each`). */
function preparation(args, sandbox) {
  const nothing = async () => {};
  if (!sandbox) return { once: nothing, each: nothing };
  const command = args.find((arg) => !arg.startsWith("-"));
  const reset = () => sandbox.reset();
  if (command === "setup") return { once: reset, each: reset };
  if (command === "teardown") return { once: reset, each: async () => (await reset(), await xacct(sandbox, SETUP_ARGS)) };
  const finishedSetup = async () => {
    await sandbox.reset();
    await xacct(sandbox, SETUP_ARGS);
    await uploadSample(sandbox.endpoint, sandbox.accounts.prod.accessKey, BUCKET, SAMPLE);
    await xacct(sandbox, ["assume", "--write-profile"]);
  };
  return { once: finishedSetup, each: nothing };
}

/** As a user runs it: without the bench's own setting that mutes the SDK's warning. */
function withoutBenchEnv(env) {
  const copy = { ...env };
  delete copy.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return copy;
}

async function readProfile(folder) {
  const [file] = await readdir(folder);
  return summarizeProfile(JSON.parse(await readFile(join(folder, file), "utf8")));
}

function print({ times, summary, loaded, builtins }) {
  const [xacctMs, nodeMs, profiledMs] = [median(times.xacct), median(times.node), median(times.profiled)];
  const where = sandbox ? "against the emulator" : "no AWS";
  console.log(`xacct ${args.join(" ")}: Node ${node.version}${node.official ? " (official build)" : ""}, ${where}, medians of ${runs} runs after a warm-up`);
  console.log(`wall ${fmt.ms(xacctMs)}, \`node -e 0\` ${fmt.ms(nodeMs)} (${fmt.ratio(xacctMs / nodeMs)}); under --cpu-prof ${fmt.ms(profiledMs)}`);
  console.log(
    `sampled every ${SAMPLE_INTERVAL_US} µs: ${fmt.ms(summary.xacct.ms / runs)} per run, \`node -e 0\` ${fmt.ms(summary.node.ms / runs)} (the profile starts after Node's own start-up)`,
  );
  for (const [title, key] of [
    ["by the file that ran", "byFile"],
    ["by source (package or src/ folder)", "bySource"],
  ]) {
    console.log(`\nself time per run ${title}, most over \`node -e 0\` first:`);
    console.log(`  ${"xacct".padStart(8)} ${"node -e 0".padStart(9)} ${"over".padStart(8)}`);
    for (const line of topLines(summary.xacct[key], summary.node[key])) console.log(line);
  }
  console.log(`\ndist/ files loaded, in load order: ${loaded.files}, ${kb(loaded.bytes)}`);
  for (const file of loaded.sizes) console.log(`  ${kb(file.bytes).padStart(8)}  ${file.name}`);
  const publicOnes = builtins.filter((name) => !name.startsWith("internal/"));
  console.log(`\nNode built-ins loaded that \`node -e 0\` does not: ${builtins.length}, of them public: ${publicOnes.join(", ") || "none"}`);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
}

/**
 * The `top` entries that take the most time over `node -e 0`'s, per run, each with both
 * times; the rest summed in one line.
 */
function topLines(ours, bare) {
  const names = [...new Set([...ours.keys(), ...bare.keys()])];
  const rows = names.map((name) => [name, ours.get(name) ?? 0, bare.get(name) ?? 0]).sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
  const ms = (value) => fmt.ms(value / runs);
  const line = ([name, mine, theirs]) => `  ${ms(mine).padStart(8)} ${ms(theirs).padStart(9)} ${ms(mine - theirs).padStart(8)}  ${name}`;
  const rest = rows.slice(top).reduce((sum, row) => [sum[0], sum[1] + row[1], sum[2] + row[2]], [`${Math.max(0, rows.length - top)} more`, 0, 0]);
  return [...rows.slice(0, top).map(line), ...(rows.length > top ? [line(rest)] : [])];
}
