/**
 * --json: one JSON document on stdout and nothing else, for every command; the human report
 * moves to stderr. Never a secret. And --plan --detailed-exitcode for scripts.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "json-bucket";

function secretsInConfig(text: string): string[] {
  return [...text.matchAll(/^(?:aws_secret_access_key|aws_session_token|aws_security_token) = (\S+)$/gm)].map((m) => m[1]!);
}

describe("--json and --detailed-exitcode", () => {
  it("setup --plan --detailed-exitcode says 2 while changes are pending, 0 once applied, 1 on error", async () => {
    const pending = await sandbox.run([...setupArgs(BUCKET), "--plan", "--detailed-exitcode", "--json"]);
    expect(pending.code).toBe(2);
    const plan = JSON.parse(pending.stdout);
    expect(plan).toMatchObject({ command: "setup", ok: true, exitCode: 2, pending: 7, bucket: BUCKET });
    expect(plan.changes.map((c: { id: string; kind: string }) => `${c.id}:${c.kind}`)).toEqual([
      "bucket:create",
      "bucket-hardening:create",
      "bucket-policy:create",
      "managed-policy:create",
      "role:create",
      "attach:create",
      "user:none",
      "inline-policy:create",
    ]);
    expect(pending.calls.writes).toEqual([]);
    expect(pending.stderr).toContain("Stage 1 · Production account 111111111111");

    const setup = await sandbox.run(["--json", ...setupArgs(BUCKET)]);
    expect(setup.code).toBe(0);
    const applied = JSON.parse(setup.stdout);
    expect(applied.ok).toBe(true);
    expect(applied.applied.map((s: { id: string; status: string }) => s.status)).toEqual([
      "created",
      "created",
      "created",
      "created",
      "created",
      "created",
      "unchanged",
      "created",
    ]);
    expect(applied.assumed.arn).toMatch(/assumed-role\/StageRole\//);
    expect(applied.profile).toMatchObject({ name: "TempCred", path: sandbox.configFile });

    const clean = await sandbox.run([...setupArgs(BUCKET), "--plan", "--detailed-exitcode"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("No changes");

    const broken = await sandbox.run([...setupArgs("Bad Bucket"), "--plan", "--detailed-exitcode"]);
    expect(broken.code).toBe(1);
  });

  it("assume, test-get and teardown each print one JSON document, with no secret in any output", async () => {
    await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a.txt", Body: "hello" }));
    const assume = await sandbox.run(["assume", "--write-profile", "--json"]);
    expect(assume.code).toBe(0);
    expect(JSON.parse(assume.stdout)).toMatchObject({ command: "assume", ok: true, assumed: { roleArn: "arn:aws:iam::111111111111:role/StageRole" } });

    const get = await sandbox.run(["test-get", "a.txt", join(sandbox.dir, "a.txt"), "--json"]);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ command: "test-get", ok: true, download: { key: "a.txt", bytes: 5 } });

    const secrets = secretsInConfig(await readFile(sandbox.configFile, "utf8"));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const output of [assume, get]) for (const secret of secrets) expect(output.stdout + output.stderr).not.toContain(secret);

    const plan = await sandbox.run(["teardown", "--plan", "--json"]);
    const planned = JSON.parse(plan.stdout);
    expect(planned.removals.find((r: { id: string }) => r.id === "role")).toMatchObject({ kind: "delete" });
    const teardown = await sandbox.run(["teardown", "--yes", "--delete-objects", "--json"]);
    expect(teardown.code).toBe(0);
    expect(JSON.parse(teardown.stdout).removed.map((s: { id: string }) => s.id)).toContain("bucket");
  });

  it("a failure under --json is still one JSON document, with the message and hint", async () => {
    const result = await sandbox.run(["test-get", "x", "-", "--bucket", BUCKET, "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: "test-get", ok: false, error: { exitCode: 2, message: expect.stringContaining("--json") } });
  });
});
