/**
 * What `npm publish` would ship: the CLI, not the demo or the local AWS harness (src/demo,
 * src/localaws), which exist for the tests, `npm run demo` and the benchmark. Reads
 * `npm pack --dry-run --json` of the built tree (npm test builds first).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("..", import.meta.url));

async function packedFiles(): Promise<string[]> {
  const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return pack!.files.map((file) => file.path);
}

describe("the package", () => {
  it("ships the CLI but none of the demo or the emulator harness", async () => {
    const files = await packedFiles();
    expect(files).toContain("bin/xacct.js");
    expect(files).toContain("dist/main.cjs");
    expect(files.filter((path) => /(^|\/)(localaws|demo)(\/|$)/.test(path))).toEqual([]);
    // Nor their code in a shared chunk: the harness is the only code that talks to moto's control API.
    const scripts = files.filter((path) => path.endsWith(".js"));
    const withHarness: string[] = [];
    for (const path of scripts) if ((await readFile(join(REPO, path), "utf8")).includes("moto-api")) withHarness.push(path);
    expect(withHarness).toEqual([]);
  }, 60_000);
});
