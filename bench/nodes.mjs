/**
 * Which Node.js the bench runs xacct on: the official 22 and 24 builds (the goals are theirs)
 * and the machine's own node (shown for reference). `--node 22` on the command line picks one.
 */
import { officialNode } from "../scripts/official-node.mjs";

export const OFFICIAL = ["22", "24"];

/**
 * `{ name, node, version, official }` for "22", "24" or "default"; `{ name, problem }` when an
 * official build cannot be fetched or run.
 */
export function resolveNode(name, progress = () => {}) {
  if (name === "default") return { name, node: process.execPath, version: process.version, official: false };
  const found = officialNode(Number(name), progress);
  return found.problem ? { name, problem: found.problem } : { name, node: found.node, version: found.version, official: true };
}

/** The value of `--node X` in argv (X: 22, 24 or default), or undefined; throws on anything else. */
export function nodeOption(argv) {
  const at = argv.indexOf("--node");
  if (at === -1) return undefined;
  const name = argv[at + 1];
  if (![...OFFICIAL, "default"].includes(name)) throw new Error(`--node takes ${[...OFFICIAL, "default"].join(", ")}, not ${name ?? "nothing"}`);
  return name;
}
