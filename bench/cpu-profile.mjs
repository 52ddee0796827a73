/**
 * Where a `.cpuprofile` (node --cpu-prof) spends its time: self time summed by the file that
 * ran (dist/ files, Node's built-ins, V8's own work) and by the source it was built from (a
 * package under node_modules, a folder of src/), mapped back through dist/'s source maps.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/**
 * A sample owns the time until the next one, up to this much. A longer silence means the
 * main thread or the profiler's own sampling thread waited for a CPU (a loaded machine) or
 * the disk: counted apart, since charging it to the last function seen would send a reader
 * after the wrong code.
 */
const MAX_SAMPLE_US = 1000;
const GAPS = "(unsampled: gaps over 1 ms between samples, a busy machine)";

/** `{ ms, byFile: Map(name → ms), bySource: Map(name → ms) }` of one profile. */
export function summarizeProfile(profile) {
  const { selfMs, gapMs } = selfTimes(profile);
  const maps = new Map();
  const byFile = new Map([[GAPS, gapMs]]);
  const bySource = new Map([[GAPS, gapMs]]);
  let ms = gapMs;
  for (const node of profile.nodes) {
    const time = selfMs.get(node.id) ?? 0;
    if (time === 0) continue;
    ms += time;
    add(byFile, fileOf(node.callFrame), time);
    add(bySource, sourceOf(node.callFrame, maps), time);
  }
  return { ms, byFile, bySource };
}

/** Adds the summaries of several profiles (several runs of one command) into one. */
export function addSummaries(summaries) {
  const total = { ms: 0, byFile: new Map(), bySource: new Map() };
  for (const summary of summaries) {
    total.ms += summary.ms;
    for (const [name, ms] of summary.byFile) add(total.byFile, name, ms);
    for (const [name, ms] of summary.bySource) add(total.bySource, name, ms);
  }
  return total;
}

/**
 * Self time per node id in ms, each sample counting until the next one (the last until
 * endTime) up to MAX_SAMPLE_US; what is over goes to `gapMs`.
 */
function selfTimes(profile) {
  const selfMs = new Map();
  let gapMs = 0;
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => (at += delta));
  profile.samples.forEach((id, i) => {
    const us = Math.max(0, (i + 1 < stamps.length ? stamps[i + 1] : profile.endTime) - stamps[i]);
    selfMs.set(id, (selfMs.get(id) ?? 0) + Math.min(us, MAX_SAMPLE_US) / 1000);
    gapMs += Math.max(0, us - MAX_SAMPLE_US) / 1000;
  });
  return { selfMs, gapMs };
}

/** The file a frame ran in: a path under the repository, a kind of Node built-in, or V8's own work. */
function fileOf({ url, functionName }) {
  if (url === "" && functionName === "(idle)") return "(idle: waiting for the network, a timer, a child)";
  if (url === "") return functionName.startsWith("(") ? `V8 ${functionName}` : "native code (Node's C++ bindings)";
  if (url.startsWith("node:internal/modules/")) return "node: module loader";
  if (url.startsWith("node:internal/bootstrap/")) return "node: compiling built-ins";
  if (url.startsWith("node:")) return "node: other built-ins";
  if (url.startsWith("file:")) return relative(ROOT, fileURLToPath(url));
  return url;
}

/**
 * The source a frame came from, by the position where its function starts: a package
 * (node_modules/@scope/name) or a folder of src/. Outside dist/, or where the map has no
 * entry (a chunk's top level), the file it ran in.
 */
function sourceOf(frame, maps) {
  if (frame.url === "" && !frame.functionName.startsWith("(")) return `native: ${frame.functionName}`;
  if (frame.url === "") return fileOf(frame);
  if (frame.url.startsWith("node:")) return frame.url.replace(/^(node:(?:internal\/)?[^/]+\/?[^/]*).*/, "$1");
  const file = fileOf(frame);
  if (!file.startsWith("dist/")) return file;
  const map = mapOf(file, maps);
  const original = map?.findEntry(frame.lineNumber, frame.columnNumber).originalSource;
  if (!original) return `${file} (top level)`;
  const path = relative(ROOT, join(ROOT, dirname(file), original.replace(/^file:\/\//, "")));
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  const folder = /^src\/([^/]+)\//.exec(path);
  return folder ? `src/${folder[1]}/` : path;
}

function mapOf(file, maps) {
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(join(ROOT, `${file}.map`), "utf8"))));
    } catch {
      maps.set(file, undefined); // no map: the file itself is the source
    }
  }
  return maps.get(file);
}

function add(map, key, ms) {
  map.set(key, (map.get(key) ?? 0) + ms);
}
