/**
 * What one run of `xacct ARGS` loads: from dist/, the files in load order with their sizes
 * and any heavy source among them (read from each file's source map); from Node, the built-in
 * modules a bare `node -e 0` does not load.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runOk } from "./measure.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "xacct.js");
const LIST_MODULES = join(ROOT, "bench", "list-modules.mjs");
const LIST_BUILTINS = join(ROOT, "bench", "list-builtins.mjs");

/** `{ files, bytes, names, sizes, heavy }`; `heavy` lists the sources matching any of `heavyPatterns`. */
export async function loadedModules(args, { env, cwd, node = process.execPath, heavyPatterns = [] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "xacct-bench-modules-"));
  try {
    const list = join(dir, "modules.txt");
    await runOk(node, ["--import", LIST_MODULES, BIN, ...args], { env: { ...env, XACCT_BENCH_MODULE_LIST: list }, cwd });
    const urls = [...new Set((await readFile(list, "utf8")).split("\n").filter((url) => url.startsWith("file:") && url.includes("/dist/")))];
    const sizes = [];
    const heavy = new Set();
    for (const url of urls) {
      const file = fileURLToPath(url);
      sizes.push({ name: relative(ROOT, file), bytes: (await stat(file)).size });
      const { sources } = JSON.parse(await readFile(`${file}.map`, "utf8"));
      for (const source of sources) if (heavyPatterns.some((pattern) => pattern.test(source))) heavy.add(source.replace(/^(\.\.\/)+/, ""));
    }
    return {
      files: sizes.length,
      bytes: sizes.reduce((sum, file) => sum + file.bytes, 0),
      names: sizes.map((file) => file.name),
      sizes,
      heavy: [...heavy],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The built-ins (`child_process`, `internal/tty`, …) `xacct ARGS` loads and `node -e 0` does not, in load order. */
export async function loadedBuiltins(args, { env, cwd, node = process.execPath } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "xacct-bench-builtins-"));
  try {
    const listed = async (name, argv) => {
      const list = join(dir, name);
      await runOk(node, ["--import", LIST_BUILTINS, ...argv], { env: { ...env, XACCT_BENCH_BUILTIN_LIST: list }, cwd });
      return (await readFile(list, "utf8")).split("\n").filter(Boolean);
    };
    const bare = new Set(await listed("node.txt", ["-e", "0"]));
    return (await listed("xacct.txt", [BIN, ...args])).filter((name) => !bare.has(name));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
