/**
 * Secrets never leak: every command of the flows, in every output mode and on failure paths,
 * is run and its stdout, stderr and the state file are searched for every secret key and
 * session token that exists in the sandbox at that moment.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox, type CliResult } from "./support/sandbox.js";

const sandbox = useSandbox();
const BUCKET = "secret-bucket";

async function readOrEmpty(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}

/** Secret keys and tokens in the sandbox's files right now, plus the bootstrapped admins' keys. */
async function knownSecrets(): Promise<Set<string>> {
  const files = (await readOrEmpty(sandbox.configFile)) + (await readOrEmpty(sandbox.credentialsFile));
  const values = [...files.matchAll(/^\s*(?:aws_secret_access_key|aws_session_token|aws_security_token)\s*=\s*(\S+)/gm)].map((m) => m[1]!);
  return new Set([...values, sandbox.prod.accessKey.secretAccessKey, sandbox.staging.accessKey.secretAccessKey]);
}

describe("no secret in any output", () => {
  it("holds across setup, plan, assume, test-get and teardown, in plain, --json and --debug modes, and on failures", async () => {
    const seen = new Set<string>();
    const outputs: CliResult[] = [];
    const run = async (argv: string[], env?: NodeJS.ProcessEnv) => {
      const result = await sandbox.run(argv, env ? { env } : {});
      outputs.push(result);
      for (const secret of await knownSecrets()) seen.add(secret);
      return result;
    };

    await run(["--debug", ...setupArgs(BUCKET)]);
    await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "s.txt", Body: "s" }));
    await run([...setupArgs(BUCKET), "--plan", "--json"]);
    await run(["--json", ...setupArgs(BUCKET)]);
    await run(["assume", "--write-profile", "--debug"]);
    await run(["assume", "--write-profile", "Other", "--credentials-file", "--json"]);
    await run(["assume", "--write-profile"], { AWS_SESSION_TOKEN: "shadow-token-not-secret" });
    await run(["test-get", "s.txt", join(sandbox.dir, "s.txt"), "--debug"]);
    await run(["test-get", "s.txt", "-"]);
    await run(["test-get", "missing.txt", "-", "--debug"]);
    await run(["test-get", "s.txt", "-", "--profile", "Other", "--json", "--debug"]);
    await run(["assume", "--role-arn", "arn:aws:iam::111111111111:role/NoSuchRole", "--debug"]);
    await run(["teardown", "--plan", "--json"]);
    const state = await readOrEmpty(sandbox.statePath);
    await run(["teardown", "--yes", "--delete-objects", "--debug"]);

    expect(seen.size).toBeGreaterThanOrEqual(6); // admins' keys and several sets of temporary credentials
    const everything = outputs.map((o) => o.stdout + o.stderr).join("\n") + state;
    const leaked = [...seen].filter((secret) => everything.includes(secret));
    expect(leaked).toEqual([]);
    expect(state).toContain(BUCKET); // the state file was really read
  });
});
