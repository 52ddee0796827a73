/**
 * Writing one profile into a big AWS config file, with the same store xacct uses (built):
 * lock, re-read, edit, backup, fsync, rename. Each run starts from a fresh copy of the file.
 * `benchConfigFileOn(node)` runs it in a child on that Node (`node bench/config-file.mjs RUNS`
 * prints the result as JSON).
 */
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { writeProfile } from "../dist/awsconfig/store.js";
import { fileURLToPath } from "node:url";
import { median, runOk } from "./measure.mjs";

const TEMP_CRED = {
  aws_access_key_id: "ASIABENCHMARK0000000",
  aws_secret_access_key: "benchmark/secret/key/0000000000000000000",
  aws_session_token: "FwoGZXIvYXdzEXAMPLE".repeat(20),
  region: "us-east-1",
};

/** The same measured by a child process on `node`. */
export async function benchConfigFileOn(node, { runs }) {
  const { stdout } = await runOk(node, [fileURLToPath(import.meta.url), String(runs)]);
  return JSON.parse(stdout);
}

/** `{ profiles: { first, median } }` in ms, for 1,000 and 10,000 profiles. */
export async function benchConfigFile({ sizes = [1_000, 10_000], runs = 9 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "xacct-bench-config-"));
  try {
    const result = {};
    for (const profiles of sizes) result[profiles] = await timeWrites(dir, profiles, runs);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median of `runs` writes, and the first write alone (cold code, as in a CLI run). */
async function timeWrites(dir, profiles, runs) {
  const original = join(dir, `config-${profiles}`);
  const lines = [];
  for (let i = 0; i < profiles; i++) {
    lines.push(
      `[profile team-${i}]`,
      `region = eu-west-${(i % 3) + 1}`,
      `role_arn = arn:aws:iam::${String(100000000000 + i)}:role/Dev`,
      "source_profile = default",
      "",
    );
  }
  await writeFile(original, lines.join("\n"), { mode: 0o600 });
  const config = join(dir, "config");
  const times = [];
  for (let i = 0; i < runs + 1; i++) {
    await copyFile(original, config);
    const start = performance.now();
    await writeProfile({ path: config, file: "config", profile: "TempCred", values: TEMP_CRED });
    times.push(performance.now() - start);
  }
  return { first: times[0], median: median(times.slice(1)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchConfigFile({ runs: Number(process.argv[2]) })));
