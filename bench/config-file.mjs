/**
 * Writing one profile into a big AWS config file, with the same store xacct uses (built):
 * lock, re-read, edit, backup, fsync, rename. Each run starts from a fresh copy of the file.
 */
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { writeProfile } from "../dist/awsconfig/store.js";
import { median } from "./measure.mjs";

const TEMP_CRED = {
  aws_access_key_id: "ASIABENCHMARK0000000",
  aws_secret_access_key: "benchmark/secret/key/0000000000000000000",
  aws_session_token: "FwoGZXIvYXdzEXAMPLE".repeat(20),
  region: "us-east-1",
};

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
