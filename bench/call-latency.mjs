/**
 * One AWS call's latency on the emulator, as a warm process sees it: a child on the Node
 * being measured keeps its SDK clients (and their connections) and makes the calls it is
 * asked for, timing each. The floor of a command is its calls times this.
 *
 * The child reads a number N per line on stdin and answers one JSON line: N timings (ms) of
 * each operation below. The parent interleaves these rounds with the runs it compares them to.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The operations timed: the one call of assume and of test-get, and two reads setup makes. */
export const OPERATIONS = ["STS.AssumeRole", "S3.GetObject", "STS.GetCallerIdentity", "IAM.GetRole"];
/** A median of fewer calls than this, of each operation, is not a latency worth a goal. */
export const MIN_CALLS = 50;

/**
 * Starts the probe on `node` against the sandbox (a finished setup with the sample object).
 * `measure(n)` resolves to `{ operation: [ms…] }`; `stop()` ends the child.
 */
export function startCallProbe(node, sandbox, { bucket, key, roleArn }) {
  const target = { endpoint: sandbox.endpoint, prod: sandbox.accounts.prod.accessKey, staging: sandbox.accounts.staging.accessKey, bucket, key, roleArn };
  const child = spawn(node, [fileURLToPath(import.meta.url), JSON.stringify(target)], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async measure(n) {
      child.stdin.write(`${n}\n`);
      const { value, done } = await answers.next();
      if (done) throw new Error(`the call-latency probe on ${node} exited`);
      return JSON.parse(value);
    },
    stop() {
      child.stdin.end();
    },
  };
}

/** `n` rounds of every operation by a probe started for them alone: `{ operation: [ms…] }`. */
export async function timeCalls(node, sandbox, target, n) {
  const probe = startCallProbe(node, sandbox, target);
  try {
    await probe.measure(1); // its connections and code warm, as in a process that made calls before
    return await probe.measure(n);
  } finally {
    probe.stop();
  }
}

/** The child: clients made once, then rounds of calls on request. */
async function serve(target) {
  const { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const { S3Client, GetObjectCommand } = await import("@aws-sdk/client-s3");
  const { IAMClient, GetRoleCommand } = await import("@aws-sdk/client-iam");
  const common = { endpoint: target.endpoint, region: "us-east-1" };
  const sts = new STSClient({ ...common, credentials: target.staging });
  const s3 = new S3Client({ ...common, credentials: target.prod, forcePathStyle: true });
  const iam = new IAMClient({ ...common, credentials: target.prod });
  const roleName = target.roleArn.split("/").pop();
  const calls = {
    "STS.AssumeRole": () => sts.send(new AssumeRoleCommand({ RoleArn: target.roleArn, RoleSessionName: "bench-latency" })),
    "S3.GetObject": async () => (await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: target.key }))).Body.transformToByteArray(),
    "STS.GetCallerIdentity": () => sts.send(new GetCallerIdentityCommand({})),
    "IAM.GetRole": () => iam.send(new GetRoleCommand({ RoleName: roleName })),
  };
  for await (const line of createInterface({ input: process.stdin })) {
    const times = Object.fromEntries(OPERATIONS.map((operation) => [operation, []]));
    for (let i = 0; i < Number(line); i++) {
      for (const operation of OPERATIONS) {
        const start = performance.now();
        await calls[operation]();
        times[operation].push(performance.now() - start);
      }
    }
    process.stdout.write(`${JSON.stringify(times)}\n`);
  }
  for (const client of [sts, s3, iam]) client.destroy();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serve(JSON.parse(process.argv[2]));
