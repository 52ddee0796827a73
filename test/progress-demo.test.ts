/**
 * `npm run demo` as it runs in CI logs or piped to a file: plain text. No escape codes (under
 * NO_COLOR or a pipe) and no warning from the AWS SDK (such as its Node.js version warning).
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");

function runDemo(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = execFile("npm", ["run", "demo"], { cwd: ROOT, env, timeout: 180_000, maxBuffer: 10_000_000 });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("close", (code) => done({ code: code ?? 1, output }));
  });
}

/** The environment a person's shell gives: nothing that silences the SDK on its behalf. */
function shellEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"];
  delete env["FORCE_COLOR"];
  return env;
}

describe("npm run demo, piped", () => {
  it.each([
    ["with NO_COLOR", { NO_COLOR: "1" }],
    ["without NO_COLOR", {}],
  ])(
    "prints plain text %s: no escape codes, no SDK warning",
    async (_name, extra) => {
      const { code, output } = await runDemo(shellEnv(extra));
      expect(code, output).toBe(0);
      expect(output).toContain("Setup complete.");
      expect(output).not.toContain("\u001b[");
      expect(output).not.toMatch(/NodeVersionSupportWarning|NodeDeprecationWarning|AWS SDK for JavaScript|Warning:/);
    },
    240_000,
  );
});
