/**
 * The benchmark's local AWS: one moto server, the recipe's two accounts, and a sandbox
 * directory holding the AWS config files, xacct's state and every download. Built modules
 * from dist-dev/ (npm run build), so the harness is the same code the demo uses.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapAccounts, uploadSample, writeSandboxProfiles } from "../dist-dev/localaws/bootstrap.js";
import { ensureMotoAvailable, startMoto } from "../dist-dev/localaws/moto.js";

export { uploadSample };

/** Starts moto and a sandbox; `reset()` gives both accounts back empty, with fresh keys. */
export async function startEmulator() {
  await ensureMotoAvailable();
  const dir = await mkdtemp(join(tmpdir(), "xacct-bench-"));
  const moto = await startMoto();
  const sandbox = { moto, dir, endpoint: moto.endpoint };
  sandbox.reset = async () => {
    await moto.reset();
    const accounts = await bootstrapAccounts(moto.endpoint);
    // Fresh config files each time: TempCred from a previous run must not linger.
    await rm(join(dir, "aws"), { recursive: true, force: true });
    await rm(join(dir, "xdg"), { recursive: true, force: true });
    const profiles = await writeSandboxProfiles(join(dir, "aws"), accounts, { endpoint: moto.endpoint });
    await mkdir(join(dir, "work"), { recursive: true });
    sandbox.accounts = accounts;
    sandbox.configFile = profiles.configFile;
    // HOME too: neither xacct nor the aws CLI may fall back to the user's own ~/.aws.
    sandbox.env = { ...profiles.env, XDG_CONFIG_HOME: join(dir, "xdg"), HOME: join(dir, "home"), NO_COLOR: "1" };
    delete sandbox.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED; // bin/xacct.js must do it
    return sandbox;
  };
  sandbox.stop = async () => {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return sandbox;
}
