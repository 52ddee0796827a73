/**
 * xacct's state file tells assume, credentials, test-get and teardown which role, bucket and
 * external ID to use. A state file other users can change is not acted on.
 */
import { chmod, chown, mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();

const planted = {
  version: 1,
  setup: {
    productionProfile: "prod",
    stagingProfile: "staging",
    region: "us-east-1",
    bucket: "attacker-bucket",
    roleName: "AttackerRole",
    policyName: "P",
    roleArn: "arn:aws:iam::333333333333:role/AttackerRole",
    policyArn: "arn:aws:iam::333333333333:policy/P",
    stagingUser: "u",
    tempProfile: "TempCred",
    productionAccountId: "333333333333",
    stagingAccountId: "222222222222",
    updatedAt: "2026-01-01T00:00:00Z",
  },
};

async function plant(mode: number): Promise<void> {
  await mkdir(dirname(sandbox.statePath), { recursive: true });
  await writeFile(sandbox.statePath, JSON.stringify(planted));
  await chmod(sandbox.statePath, mode);
}

describe("the state file", () => {
  it("is not acted on when other users may write it: one sentence, no AWS call", async () => {
    await plant(0o666);
    const result = await sandbox.run(["assume"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("can be changed by other users");
    expect(result.stderr).toContain(`chmod 600 ${sandbox.statePath}`);
    expect(result.calls.calls).toHaveLength(0);
  });

  it.skipIf(process.getuid?.() !== 0)("is not acted on when another user owns it", async () => {
    await plant(0o600);
    await chown(sandbox.statePath, 4242, 4242);
    const result = await sandbox.run(["credentials"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("belongs to another user");
    expect(result.stdout).toBe("");
    expect(result.calls.calls).toHaveLength(0);
  });

  it("is used as before when it is the user's own and private", async () => {
    await plant(0o600);
    await chown(sandbox.statePath, process.getuid!(), process.getgid!());
    const result = await sandbox.run(["assume"]);
    expect(result.stdout).toContain("AttackerRole"); // acted on: the user wrote it
  });
});
