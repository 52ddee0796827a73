/**
 * `xacct assume --write-profile` with a 50 MB AWS config file (hundreds of thousands of
 * profiles, as some organisations generate): the whole command, timed, with its peak RSS;
 * in the static style and the role style (which also cleans the credentials file: it must
 * take about as long, not minutes).
 * Each run starts from a fresh copy of the big file; the profiles xacct needs come first.
 */
import { appendFile, copyFile, readFile, rm } from "node:fs/promises";
import { SETUP_ARGS, xacct } from "./flow.mjs";
import { median } from "./measure.mjs";

export async function benchBigConfig(sandbox, { node, sizeMb = 50, runs = 3, style = "static" } = {}) {
  await xacct(sandbox, SETUP_ARGS);
  const original = `${sandbox.configFile}.big`;
  await copyFile(sandbox.configFile, original);
  await appendFile(original, filler(sizeMb));
  const times = [];
  const rss = [];
  let noise = "";
  try {
    for (let i = 0; i < runs; i++) {
      await copyFile(original, sandbox.configFile);
      const result = await xacct(sandbox, ["assume", "--write-profile", "--profile-style", style], { node, peakRss: true });
      times.push(result.ms);
      rss.push(result.rssMb);
      noise += result.stderr;
    }
    if (!(await readFile(sandbox.configFile, "utf8")).includes("[profile TempCred]")) throw new Error("assume wrote no TempCred into the big config");
  } finally {
    await rm(original, { force: true });
  }
  return { sizeMb, style, ms: median(times), rssMb: median(rss), noise };
}

/** Profiles like a generated organisation-wide config, about `sizeMb` MB of them. */
function filler(sizeMb) {
  const chunks = ["\n"];
  let bytes = 0;
  for (let i = 0; bytes < sizeMb * 1024 * 1024; i++) {
    const chunk = `[profile team-${i}]\nregion = eu-west-${(i % 3) + 1}\nrole_arn = arn:aws:iam::${String(100000000000 + (i % 899999999999))}:role/Dev\nsource_profile = default\n\n`;
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return chunks.join("");
}
