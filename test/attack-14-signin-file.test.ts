/**
 * `xacct console --signin > FILE`: the sign-in link is a bearer credential, so like
 * `xacct credentials` it is not written into a file other users may read (exit 2, before AWS).
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "./support/xacct-process.js";

const LINE = ["console", "--signin", "--role-arn=arn:aws:iam::111111111111:role/StageRole", "--profile=staging", "--region=us-east-1"];

describe("console --signin into a file others may read", () => {
  it("refuses in one sentence (exit 2) and leaves the file empty", async () => {
    const home = await mkdtemp(join(tmpdir(), "xacct-a14-signin-file-"));
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), "[profile staging]\nregion = us-east-1\n");
    const env = {
      PATH: process.env["PATH"],
      HOME: home,
      AWS_CONFIG_FILE: join(home, ".aws", "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
      XACCT_STATE_FILE: join(home, "state.json"),
      AWS_EC2_METADATA_DISABLED: "true",
      // Nothing listens here: a call that got this far would fail differently (not exit 2).
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    };
    const path = join(home, "link.txt");
    await writeFile(path, "");
    await chmod(path, 0o644);
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = execFile("sh", ["-c", `exec "$0" "$@" > "${path}"`, process.execPath, BIN, ...LINE], { env, timeout: 60_000 });
      let stderr = "";
      child.stderr?.on("data", (d) => (stderr += d));
      child.on("close", (code) => done({ code: code ?? 1, stderr }));
    });
    expect(result.stderr).toMatch(/a file other users may read/);
    expect(result.code).toBe(2);
    expect(await readFile(path, "utf8")).toBe("");
  });
});
