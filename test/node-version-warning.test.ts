/**
 * The pinned AWS SDK warns on every Node.js older than 22 (`NodeVersionSupportWarning`, from
 * @aws-sdk/core, printed through process.emitWarning when a client is made). xacct supports
 * Node.js 20.19 and later, so on Node 20 the warning is the SDK's noise, not the user's
 * problem: bin/xacct.js keeps it off xacct's stderr, with and without --debug. vitest sets
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED for every test; here the spawned CLI runs
 * without it, as a user's shell runs it. CI runs this on Node 20, 22 and 24.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const ROOT = resolve(__dirname, "..");
const MAJOR = Number(process.versions.node.split(".")[0]);

/** `node SCRIPT ARGS` in the sandbox, stdin closed, without the variable vitest sets. */
function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...sandbox.env };
  delete env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"];
  delete env["NODE_OPTIONS"];
  const child = execFile(process.execPath, [resolve(ROOT, script), ...args], { env, cwd: sandbox.dir, timeout: 60_000 });
  child.stdin?.end();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  return new Promise((done) => child.on("close", (code) => done({ code: code ?? 1, stdout, stderr })));
}

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
});

describe(`the SDK's Node.js version warning, on Node ${process.versions.node}`, () => {
  it.runIf(MAJOR < 22)("is printed by the SDK on this Node when nothing silences it (the bundle run without bin/xacct.js)", async () => {
    const bare = await run("dist/main.cjs", ["assume"]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain("NodeVersionSupportWarning");
  });

  it("stays out of xacct's output: assume prints nothing on stderr", async () => {
    const assumed = await run("bin/xacct.js", ["assume"]);
    expect(assumed).toMatchObject({ code: 0, stderr: "" });
    expect(assumed.stdout).not.toContain("NodeVersion");
  });

  it("stays out under --debug too, which keeps Node's other warnings", async () => {
    const assumed = await run("bin/xacct.js", ["assume", "--debug"]);
    expect(assumed.code).toBe(0);
    expect(assumed.stderr).toContain("AWS calls"); // --debug's own report
    expect(assumed.stderr).not.toContain("NodeVersionSupportWarning");
  });
});
