/**
 * test-get of a large object against `aws s3api get-object`, both with the TempCred profile:
 * wall time side by side, and xacct's peak memory, which must not grow with the object.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { median, runOk } from "./measure.mjs";
import { BUCKET, SETUP_ARGS, xacct } from "./flow.mjs";
import { uploadSample } from "./emulator.mjs";

const MB = 1024 * 1024;

export async function benchDownload(sandbox, { node, sizeMb = 256, runs = 3 } = {}) {
  await xacct(sandbox, SETUP_ARGS); // creates the bucket and writes TempCred
  const small = await upload(sandbox, "small.bin", 1);
  const large = await upload(sandbox, "large.bin", sizeMb);
  const work = join(sandbox.dir, "work");
  const times = { xacct: [], aws: [] };
  const rss = { small: [], large: [] };
  let noise = "";
  const out = join(work, "large.out");
  const ours = async () => {
    const result = await xacct(sandbox, ["test-get", large, out, "--force"], { node, peakRss: true });
    times.xacct.push(result.ms);
    rss.large.push(result.rssMb);
    noise += result.stderr;
    await rm(out, { force: true });
  };
  const theirs = async () => {
    const result = await runOk("aws", ["s3api", "get-object", "--bucket", BUCKET, "--key", large, out, "--profile", "TempCred"], {
      env: sandbox.env,
      cwd: work,
    });
    times.aws.push(result.ms);
    await rm(out, { force: true });
  };
  for (let i = 0; i < runs; i++) {
    // Taking turns at going first: neither always meets the emulator's colder caches.
    for (const download of i % 2 === 0 ? [ours, theirs] : [theirs, ours]) await download();
    rss.small.push((await xacct(sandbox, ["test-get", small, join(work, "small.out"), "--force"], { node, peakRss: true })).rssMb);
  }
  return {
    sizeMb,
    xacct: median(times.xacct),
    aws: median(times.aws),
    ratio: median(times.xacct) / median(times.aws),
    rssLarge: median(rss.large),
    rssSmall: median(rss.small),
    noise,
  };
}

async function upload(sandbox, key, sizeMb) {
  const body = Buffer.alloc(sizeMb * MB, 0x5a);
  await uploadSample(sandbox.endpoint, sandbox.accounts.prod.accessKey, BUCKET, key, body);
  return key;
}
