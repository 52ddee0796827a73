/**
 * Start-up: `xacct --version` and `xacct --help` against bare `node -e 0`, interleaved so load
 * on the machine hits all three alike; and what those two commands load (no SDK, no prompts,
 * no policy evaluator), read from the source maps of the files they actually load.
 */
import { fileURLToPath } from "node:url";
import { loadedModules } from "./loaded-modules.mjs";
import { median, runOk } from "./measure.mjs";

const BIN = fileURLToPath(new URL("../bin/xacct.js", import.meta.url));
/** Sources that must not load just to print a version or help. */
export const HEAVY = [/node_modules\/@aws-sdk\//, /node_modules\/@smithy\//, /node_modules\/@inquirer\//, /src\/policy-eval\//, /src\/commands\//];

/** Medians in ms on `node`, the ratios, and what `--version` and `--help` load. */
export async function benchStartup({ node = process.execPath, runs = 25 } = {}) {
  const env = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const commands = {
    node: [node, ["-e", "0"]],
    version: [node, [BIN, "--version"]],
    help: [node, [BIN, "--help"]],
  };
  const times = { node: [], version: [], help: [] };
  const entries = Object.entries(commands);
  for (let i = 0; i < runs + 2; i++) {
    // Each goes first in turn: none always runs right after the same neighbour.
    for (const [name, [cmd, args]] of [...entries.slice(i % entries.length), ...entries.slice(0, i % entries.length)]) {
      const { ms } = await runOk(cmd, args, { env });
      if (i >= 2) times[name].push(ms); // the first two warm the page cache
    }
  }
  const bare = median(times.node);
  return {
    node: bare,
    version: median(times.version),
    help: median(times.help),
    versionRatio: median(times.version) / bare,
    helpRatio: median(times.help) / bare,
    loaded: {
      version: await loadedModules(["--version"], { env, node, heavyPatterns: HEAVY }),
      help: await loadedModules(["--help"], { env, node, heavyPatterns: HEAVY }),
    },
  };
}
