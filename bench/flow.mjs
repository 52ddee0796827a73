/**
 * The three stages end to end, timed: xacct's three commands against the same steps done by
 * hand with the aws CLI, as the recipe does them. Each run starts from two empty accounts; the
 * sample object is uploaded (untimed) once the bucket exists. `benchFlows` takes turns between
 * the two and times the parts of xacct's floor in the same loop.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, runOk } from "./measure.mjs";
import { MIN_CALLS, timeCalls } from "./call-latency.mjs";
import { uploadSample } from "./emulator.mjs";

export const BIN = fileURLToPath(new URL("../bin/xacct.js", import.meta.url));
export const BUCKET = "production-test-bucket-101";
/** The object the flows download, uploaded once the bucket exists. */
export const SAMPLE = "Sunset.jpg";
const PROD = "111111111111";
const STAGING = "222222222222";
export const ROLE_ARN = `arn:aws:iam::${PROD}:role/StageRole`;
const POLICY_ARN = `arn:aws:iam::${PROD}:policy/StageRoleReadObjects`;

export const SETUP_ARGS = ["setup", "--production-profile", "prod", "--staging-profile", "staging", "--bucket", BUCKET, "--region", "us-east-1", "--yes"];

/** `xacct ARGS` in the sandbox, on `node` (default: this process's). */
export function xacct(sandbox, args, { node = process.execPath, ...options } = {}) {
  return runOk(node, [BIN, ...args], { env: sandbox.env, cwd: join(sandbox.dir, "work"), ...options });
}

/**
 * `runs` rounds of: the aws CLI route, then for each node xacct's flow, three bare
 * `node -e 0` and rounds of AWS calls from a warm process (the parts of the floor), so load
 * on the machine hits them alike. `{ aws: { ms, invocations }, byNode: { name: { ms, steps,
 * node, call } }, noise }`: medians in ms, `call` of at least 50 calls of each operation.
 */
export async function benchFlows(sandbox, { nodes, runs }) {
  const aws = [];
  let invocations = 0;
  const ours = Object.fromEntries(nodes.map(({ name }) => [name, { totals: [], steps: [], starts: [], calls: [] }]));
  const callsPerRun = Math.ceil(MIN_CALLS / runs);
  let noise = "";
  for (let i = 0; i < runs; i++) {
    await sandbox.reset();
    const byHand = await awsCliFlow(sandbox);
    aws.push(total(byHand.steps));
    invocations = byHand.invocations;
    for (const { name, node } of nodes) {
      await sandbox.reset();
      const flow = await xacctFlow(sandbox, { node });
      noise += flow.noise;
      ours[name].totals.push(total(flow.steps));
      ours[name].steps.push(flow.steps);
      for (let start = 0; start < 3; start++) ours[name].starts.push((await runOk(node, ["-e", "0"])).ms);
      // The flow left a finished setup with the sample object: what the calls need.
      const calls = await timeCalls(node, sandbox, { bucket: BUCKET, key: SAMPLE, roleArn: ROLE_ARN }, callsPerRun);
      ours[name].calls.push(...Object.values(calls).flat());
    }
  }
  const byNode = Object.fromEntries(
    Object.entries(ours).map(([name, o]) => [
      name,
      {
        ms: median(o.totals),
        steps: Object.fromEntries(["setup", "assume", "testGet"].map((step) => [step, median(o.steps.map((s) => s[step]))])),
        node: median(o.starts),
        call: median(o.calls),
      },
    ]),
  );
  return { aws: { ms: median(aws), invocations }, byNode, noise };
}

const total = (steps) => steps.setup + steps.assume + steps.testGet;

/** xacct: setup (unattended), assume --write-profile, test-get. Returns ms per step, and stderr. */
export async function xacctFlow(sandbox, { node } = {}) {
  const steps = {};
  let noise = "";
  const timed = async (step, args) => {
    const result = await xacct(sandbox, args, { node });
    steps[step] = result.ms;
    noise += result.stderr;
  };
  await timed("setup", SETUP_ARGS);
  await uploadSample(sandbox.endpoint, sandbox.accounts.prod.accessKey, BUCKET, SAMPLE);
  await timed("assume", ["assume", "--write-profile"]);
  await timed("testGet", ["test-get", SAMPLE, "SunsetStage.jpg", "--force"]);
  return { steps, noise };
}

const json = (value) => JSON.stringify(value);
const documents = {
  "bucket-policy.json": json({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StagingLocateBucket",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${STAGING}:root` },
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: `arn:aws:s3:::${BUCKET}`,
      },
    ],
  }),
  "read-objects.json": json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }] }),
  "trust.json": json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${STAGING}:root` }, Action: "sts:AssumeRole" }] }),
  "assume.json": json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: ROLE_ARN }] }),
};

/** The same by hand: 16 aws CLI invocations. Returns ms per step and the number of invocations. */
export async function awsCliFlow(sandbox) {
  const dir = join(sandbox.dir, "work");
  for (const [name, text] of Object.entries(documents)) await writeFile(join(dir, name), text);
  const file = (name) => `file://${join(dir, name)}`;
  let invocations = 0;
  const aws = async (...args) => {
    invocations += 1;
    return runOk("aws", [...args, "--output", "json"], { env: sandbox.env, cwd: dir });
  };
  const steps = { setup: 0, assume: 0, testGet: 0 };
  const timed = async (step, ...args) => {
    const result = await aws(...args);
    steps[step] += result.ms;
    return result;
  };
  // Stage 1 and 2: find the accounts, then build both sides.
  await timed("setup", "sts", "get-caller-identity", "--profile", "prod");
  await timed("setup", "sts", "get-caller-identity", "--profile", "staging");
  await timed("setup", "s3api", "list-buckets", "--query", "Owner.ID", "--profile", "prod");
  await timed("setup", "s3api", "create-bucket", "--bucket", BUCKET, "--profile", "prod");
  await timed("setup", "s3api", "put-bucket-policy", "--bucket", BUCKET, "--policy", file("bucket-policy.json"), "--profile", "prod");
  await timed("setup", "iam", "create-policy", "--policy-name", "StageRoleReadObjects", "--policy-document", file("read-objects.json"), "--profile", "prod");
  await timed("setup", "iam", "create-role", "--role-name", "StageRole", "--assume-role-policy-document", file("trust.json"), "--profile", "prod");
  await timed("setup", "iam", "attach-role-policy", "--role-name", "StageRole", "--policy-arn", POLICY_ARN, "--profile", "prod");
  await timed(
    "setup",
    "iam",
    "put-user-policy",
    "--user-name",
    "StageAdmin",
    "--policy-name",
    "AssumeStageRole",
    "--policy-document",
    file("assume.json"),
    "--profile",
    "staging",
  );
  await uploadSample(sandbox.endpoint, sandbox.accounts.prod.accessKey, BUCKET, SAMPLE);
  // Stage 3: assume the role, save the credentials as TempCred, check who we are, download.
  const assumed = await timed("assume", "sts", "assume-role", "--role-arn", ROLE_ARN, "--role-session-name", "by-hand", "--profile", "staging");
  const creds = JSON.parse(assumed.stdout).Credentials;
  for (const [key, value] of [
    ["aws_access_key_id", creds.AccessKeyId],
    ["aws_secret_access_key", creds.SecretAccessKey],
    ["aws_session_token", creds.SessionToken],
    ["region", "us-east-1"],
  ]) {
    await timed("assume", "configure", "set", key, value, "--profile", "TempCred");
  }
  await timed("assume", "sts", "get-caller-identity", "--profile", "TempCred");
  await timed("testGet", "s3api", "get-object", "--bucket", BUCKET, "--key", SAMPLE, "SunsetStage.jpg", "--profile", "TempCred");
  return { steps, invocations };
}
