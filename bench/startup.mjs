/**
 * Start-up: `xacct --version` and `xacct --help` against bare `node -e 0`, interleaved so load
 * on the machine hits all three alike; and what those two commands load (no SDK, no prompts,
 * no policy evaluator), read from the source maps of the files they actually load.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, runOk } from "./measure.mjs";

const BIN = fileURLToPath(new URL("../bin/xacct.js", import.meta.url));
const LIST_MODULES = fileURLToPath(new URL("./list-modules.mjs", import.meta.url));
/** Sources that must not load just to print a version or help. */
const HEAVY = [/node_modules\/@aws-sdk\//, /node_modules\/@smithy\//, /node_modules\/@inquirer\//, /src\/policy-eval\//, /src\/commands\//];

export async function benchStartup({ runs = 25 } = {}) {
  const env = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const commands = {
    node: [process.execPath, ["-e", "0"]],
    version: [process.execPath, [BIN, "--version"]],
    help: [process.execPath, [BIN, "--help"]],
  };
  const times = { node: [], version: [], help: [] };
  for (let i = 0; i < runs + 2; i++) {
    for (const [name, [cmd, args]] of Object.entries(commands)) {
      const { ms } = await runOk(cmd, args, { env });
      if (i >= 2) times[name].push(ms); // the first two warm the page cache
    }
  }
  const node = median(times.node);
  return {
    node,
    version: median(times.version),
    help: median(times.help),
    versionRatio: median(times.version) / node,
    helpRatio: median(times.help) / node,
    loaded: { version: await loadedModules(["--version"], env), help: await loadedModules(["--help"], env) },
  };
}

/** The files `xacct ARGS` loads from dist/, their total size, and any heavy source among them. */
export async function loadedModules(args, env) {
  const dir = await mkdtemp(join(tmpdir(), "xacct-bench-modules-"));
  try {
    const list = join(dir, "modules.txt");
    await runOk(process.execPath, ["--import", LIST_MODULES, BIN, ...args], { env: { ...env, XACCT_BENCH_MODULE_LIST: list } });
    const urls = [...new Set((await readFile(list, "utf8")).split("\n").filter((url) => url.startsWith("file:") && url.includes("/dist/")))];
    let bytes = 0;
    const heavy = new Set();
    for (const url of urls) {
      const file = fileURLToPath(url);
      bytes += (await stat(file)).size;
      const { sources } = JSON.parse(await readFile(`${file}.map`, "utf8"));
      for (const source of sources) if (HEAVY.some((pattern) => pattern.test(source))) heavy.add(source.replace(/^(\.\.\/)+/, ""));
    }
    return {
      files: urls.length,
      names: urls.map((url) => fileURLToPath(url).slice(fileURLToPath(new URL("..", import.meta.url)).length)),
      bytes,
      heavy: [...heavy],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
