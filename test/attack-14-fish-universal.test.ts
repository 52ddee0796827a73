/**
 * fish: a universal exported AWS_PROFILE (set -Ux) is the user's lasting setting, which
 * `xacct env --format fish` leaves alone; but the JS SDK then uses that profile instead of the
 * role's keys. So the script ends with a failing status when such a variable stays, and
 * `… | source; and cdk deploy` stops. Without one, it succeeds as before.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderEnv } from "../src/env-format/index.js";
import { sessionEnvChanges } from "../src/session-env.js";

const dir = mkdtempSync(join(tmpdir(), "xacct-fish-u-"));
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
const has = spawnSync("sh", ["-c", "command -v fish"]).status === 0;

const script = join(dir, "env.fish");
writeFileSync(
  script,
  renderEnv(
    "fish",
    sessionEnvChanges(
      {
        creds: {
          accessKeyId: "ASIAEXAMPLE",
          secretAccessKey: "s",
          sessionToken: "t",
          expiration: new Date("2030-01-01T00:00:00Z"),
          assumedRoleArn: "arn:aws:sts::111111111111:assumed-role/R/s",
        },
        region: "us-east-1",
      },
      { env: {} },
    ),
  ),
);

function fish(body: string): { stdout: string; stderr: string } {
  const ran = spawnSync("fish", ["-c", body, script], {
    env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, "config"), XDG_DATA_HOME: join(dir, "data") },
    encoding: "utf8",
  });
  return { stdout: ran.stdout, stderr: ran.stderr };
}

describe.runIf(has)("fish with a universal AWS_PROFILE", () => {
  it("the script's status is a failure, so `; and` stops, and stderr says why", () => {
    const ran = fish("set -Ux AWS_PROFILE prod; cat $argv[1] | source; and echo continued; echo end; set -e -U AWS_PROFILE");
    expect(ran.stdout).toBe("end\n");
    expect(ran.stderr).toContain("set -e -U AWS_PROFILE");
  });

  it("without one, the script succeeds and sets the keys", () => {
    const ran = fish("cat $argv[1] | source; and echo continued $AWS_ACCESS_KEY_ID");
    expect(ran.stdout).toBe("continued ASIAEXAMPLE\n");
    expect(ran.stderr).toBe("");
  });
});
