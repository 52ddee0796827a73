/**
 * `xacct credentials` on a cache hit, as a credential_process line runs it before every AWS
 * command, against bare `node -e 0`, interleaved, on each Node given (the official builds and
 * the default node). Also the same hit through the full CLI (a flag written `--role-arn VALUE`,
 * which the cache-hit path leaves to it), to show what the fast path saves.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { median, runOk } from "./measure.mjs";
import { BIN, SETUP_ARGS, xacct } from "./flow.mjs";

/** As credentialProcessCommand writes it (the endpoint comes from the sandbox's AWS_ENDPOINT_URL). */
export const CREDENTIALS_LINE = [
  "credentials",
  "--role-arn=arn:aws:iam::111111111111:role/StageRole",
  "--profile=staging",
  "--session-name=xacct-staging",
  "--region=us-east-1",
];
/** The same request in a form the cache-hit path does not take: the full CLI serves the same cached session. */
const FULL = [
  "credentials",
  "--role-arn",
  "arn:aws:iam::111111111111:role/StageRole",
  "--profile=staging",
  "--session-name=xacct-staging",
  "--region=us-east-1",
];

/** Medians in ms per node: `node -e 0`, the fast hit, the full CLI's hit. The cache is filled first. */
export async function benchCredentialsHit(sandbox, { runs = 25, nodes }) {
  await xacct(sandbox, SETUP_ARGS);
  const env = { ...sandbox.env, XDG_CACHE_HOME: join(sandbox.dir, "cache") };
  const cwd = join(sandbox.dir, "work");
  const filled = await runOk(process.execPath, [BIN, ...CREDENTIALS_LINE], { env, cwd });
  const results = {};
  let noise = filled.stderr;
  for (const [name, node] of Object.entries(nodes)) {
    const commands = { node: ["-e", "0"], hit: [BIN, ...CREDENTIALS_LINE], full: [BIN, ...FULL] };
    const times = { node: [], hit: [], full: [] };
    for (let i = 0; i < runs + 2; i++) {
      for (const [what, args] of Object.entries(commands)) {
        const result = await runOk(node, args, { env, cwd });
        if (what !== "node" && result.stdout !== filled.stdout) throw new Error(`xacct ${args.join(" ")} printed another session than the cached one`);
        noise += result.stderr;
        if (i >= 2) times[what].push(result.ms); // the first two warm the page cache
      }
    }
    const ms = Object.fromEntries(Object.entries(times).map(([what, list]) => [what, median(list)]));
    const cpu = cpuMedians(node, commands, { env, cwd, runs });
    results[name] = { ...ms, ratio: ms.hit / ms.node, fullRatio: ms.full / ms.node, cpu, cpuRatio: cpu.hit / cpu.node };
  }
  return { results, noise, env };
}

/**
 * Median CPU time (user + system) of each command: unlike wall time, hardly stretched when
 * other processes load the machine. Measured by Python's getrusage of its children, which
 * counts microseconds (GNU time prints hundredths of a second).
 */
function cpuMedians(node, commands, { env, cwd, runs }) {
  const script = [
    "import json, resource, subprocess, sys",
    "node, runs, commands = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])",
    "times = {name: [] for name in commands}",
    "def cpu():",
    "    r = resource.getrusage(resource.RUSAGE_CHILDREN)",
    "    return (r.ru_utime + r.ru_stime) * 1000",
    "for i in range(runs):",
    "    for name, args in commands.items():",
    "        before = cpu()",
    "        subprocess.run([node, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)",
    "        times[name].append(cpu() - before)",
    "print(json.dumps(times))",
  ].join("\n");
  const result = spawnSync("python3", ["-c", script, node, String(runs), JSON.stringify(commands)], { env, cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`measuring CPU time failed: ${result.stderr}`);
  return Object.fromEntries(Object.entries(JSON.parse(result.stdout)).map(([name, list]) => [name, median(list)]));
}
