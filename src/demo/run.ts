/**
 * `npm run demo`: the whole recipe against a local AWS emulator that this script starts and
 * stops. Every step runs the real CLI (bin/xacct.js) in a child process, unattended, in a
 * sandbox config directory: the user's own ~/.aws is never read or written.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrapAccounts, uploadSample, writeSandboxProfiles } from "../localaws/bootstrap.js";
import { ensureMotoAvailable, startMoto } from "../localaws/moto.js";
import { wantsColor } from "../ui/output.js";

// The demo's own SDK calls (seeding the emulator) would print the SDK's Node.js version
// warning; the CLI it runs silences it the same way (bin/xacct.js). Read as clients are made.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
/** Bold headings on a terminal; plain text in a pipe, a log, or under NO_COLOR. */
const bold = wantsColor(process.stdout, process.env) ? (text: string) => `\u001b[1m${text}\u001b[0m` : (text: string) => text;

const BIN = resolve(fileURLToPath(import.meta.url), "../../../bin/xacct.js");
const BUCKET = "production-test-bucket-101";

async function main(): Promise<number> {
  await ensureMotoAvailable();
  const sandbox = await mkdtemp(join(tmpdir(), "xacct-demo-"));
  say(`Starting the local AWS emulator (moto); sandbox ${sandbox}`);
  const moto = await startMoto();
  try {
    const accounts = await bootstrapAccounts(moto.endpoint);
    const profiles = await writeSandboxProfiles(join(sandbox, "aws"), accounts, { endpoint: moto.endpoint });
    const env = { ...profiles.env, XDG_CONFIG_HOME: join(sandbox, "xdg") };
    say(`Emulator at ${moto.endpoint}: Production ${accounts.prod.accountId} (profile prod), Staging ${accounts.staging.accountId} (profile staging)`);

    const steps: [string[], (() => Promise<void>)?][] = [
      [["setup", "--production-profile", "prod", "--staging-profile", "staging", "--bucket", BUCKET, "--region", "us-east-1", "--yes"]],
      [[], () => uploadSample(moto.endpoint, accounts.prod.accessKey, BUCKET, "Sunset.jpg")],
      [["assume", "--write-profile"]],
      [["test-get", "Sunset.jpg", join(sandbox, "SunsetStage.jpg")]],
    ];
    for (const [args, before] of steps) {
      if (before) {
        say(`(as ProdAdmin) uploading the sample Sunset.jpg to ${BUCKET}`);
        await before();
        continue;
      }
      const code = await runXacct(args, env);
      if (code !== 0) {
        say(`xacct ${args[0]} failed with exit code ${code}; the demo stops here.`);
        return code;
      }
    }
    say("Done: Staging read a Production object through the role, with no long-lived keys shared.");
    return 0;
  } finally {
    await moto.stop();
    await rm(sandbox, { recursive: true, force: true });
    say("Emulator stopped, sandbox removed.");
  }
}

function say(text: string): void {
  process.stdout.write(`\n${bold(`== ${text}`)}\n`);
}

function runXacct(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n${bold(`$ xacct ${args.join(" ")}`)}\n`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", fail);
    child.on("exit", (code) => done(code ?? 1));
  });
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
