/**
 * One emulator per test file, two bootstrapped accounts, and a sandbox HOME-like directory.
 * The CLI runs in-process with argv and captured streams, as a user would run it, but with
 * process.env pointed at the sandbox (each vitest file runs in its own process).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { CallLog } from "../../src/aws/call-log.js";
import { runCli } from "../../src/cli.js";
import { bootstrapAccounts, type BootstrappedAccount, writeSandboxProfiles } from "../../src/localaws/bootstrap.js";
import { startMoto, type MotoServer } from "../../src/localaws/moto.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Every AWS call the run made. */
  calls: CallLog;
}

export interface Sandbox {
  moto: MotoServer;
  dir: string;
  configFile: string;
  credentialsFile: string;
  statePath: string;
  env: NodeJS.ProcessEnv;
  prod: BootstrappedAccount;
  staging: BootstrappedAccount;
  /** Wipes the emulator and bootstraps the two accounts again (new keys, same profile files). */
  reset(): Promise<void>;
  /** Runs `xacct ARGV` in-process, stdin closed and no terminal, unless told otherwise. */
  run(argv: string[], options?: { interactive?: boolean; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
}

export function useSandbox(): Sandbox {
  const sandbox = {} as Sandbox;
  let savedEnv: NodeJS.ProcessEnv;
  let savedCwd: string;
  beforeAll(async () => {
    savedEnv = { ...process.env };
    savedCwd = process.cwd();
    sandbox.moto = await startMoto();
    sandbox.dir = await mkdtemp(join(tmpdir(), "xacct-test-"));
    const bootstrap = async () => {
      const accounts = await bootstrapAccounts(sandbox.moto.endpoint);
      sandbox.prod = accounts.prod;
      sandbox.staging = accounts.staging;
      return writeSandboxProfiles(join(sandbox.dir, "aws"), accounts, { endpoint: sandbox.moto.endpoint });
    };
    const profiles = await bootstrap();
    sandbox.reset = async () => {
      await sandbox.moto.reset();
      await bootstrap();
      await rm(sandbox.statePath, { force: true });
    };
    sandbox.configFile = profiles.configFile;
    sandbox.credentialsFile = profiles.credentialsFile;
    sandbox.env = { ...profiles.env, XDG_CONFIG_HOME: join(sandbox.dir, "xdg"), HOME: sandbox.dir, NO_COLOR: "1" };
    sandbox.statePath = join(sandbox.dir, "xdg", "xacct", "state.json");
    // Downloads without an explicit path land in the working directory: the sandbox's.
    process.chdir(sandbox.dir);
    // The SDK's providers read process.env; the sandbox must be all they see.
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, sandbox.env);
    sandbox.run = (argv, options = {}) => runInProcess(argv, { ...process.env, ...options.env }, options.interactive ?? false);
  });
  afterAll(async () => {
    process.chdir(savedCwd);
    await sandbox.moto?.stop();
    if (sandbox.dir) await rm(sandbox.dir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });
  return sandbox;
}

export async function runInProcess(argv: string[], env: NodeJS.ProcessEnv, interactive = false, stdin?: Readable): Promise<CliResult> {
  const stdout = collect();
  const stderr = collect();
  const calls = new CallLog();
  const code = await runCli(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: stdin ?? Readable.from([]),
    env,
    interactive,
    calls,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text(), calls };
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

export const BUCKET = "production-test-bucket-101";

/** The flags of a complete unattended setup. */
export function setupArgs(bucket = BUCKET, extra: string[] = []): string[] {
  return ["setup", "--production-profile", "prod", "--staging-profile", "staging", "--bucket", bucket, "--region", "us-east-1", "--yes", ...extra];
}
