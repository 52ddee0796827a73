/**
 * The official Node.js builds (the nodejs.org binaries, which the npm registry serves as the
 * packages node-<os>-<arch>), fetched into node_modules/.cache/node<major> when absent. CI runs
 * the tests on them and the benchmark measures them; the machine's own node stays the default.
 *
 *   node scripts/official-node.mjs 24     prints the path of Node.js 24's `node`, fetching it first
 *
 * `npm ci` empties node_modules, cache included; a fetch again comes from npm's own cache.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACKAGE = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;

/** `{ node, version }`, or `{ problem }` (one sentence) when it cannot be fetched or run. */
export function officialNode(major, progress = () => {}) {
  const prefix = join(ROOT, "node_modules", ".cache", `node${major}`);
  const node = join(prefix, "node_modules", PACKAGE, "bin", process.platform === "win32" ? "node.exe" : "node");
  if (!existsSync(node)) {
    progress(`fetching the official Node.js ${major} build (${PACKAGE}@${major}) into ${prefix}`);
    const npm = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "--prefix", prefix, `${PACKAGE}@${major}`], {
      encoding: "utf8",
      timeout: 300_000,
    });
    if (npm.status !== 0 || !existsSync(node)) {
      const why = `${npm.stderr ?? ""}${npm.error?.message ?? ""}`.trim().split("\n").at(-1);
      return { problem: `could not fetch ${PACKAGE}@${major} (registry unreachable?): ${why}` };
    }
  }
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "";
  return version.startsWith(`v${major}.`) ? { node, version } : { problem: `${node} is ${version || "not runnable"}, not Node.js ${major}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const major = Number(process.argv[2]);
  if (!Number.isInteger(major) || major < 1) {
    process.stderr.write("usage: node scripts/official-node.mjs MAJOR   (e.g. 24)\n");
    process.exit(2);
  }
  const found = officialNode(major, (line) => process.stderr.write(`${line}\n`));
  if (found.problem) {
    process.stderr.write(`${found.problem}\n`);
    process.exit(1);
  }
  process.stdout.write(`${found.node}\n`);
}
