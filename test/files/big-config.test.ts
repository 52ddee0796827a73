/**
 * A config file of many MB: the SDK is handed only the sections it can use (sdk-files.ts), and
 * reads exactly what it would from the whole file for those profiles, also after xacct wrote
 * the file (a later client sees the new profile).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIG_FILE_BYTES, narrowSdkFilesFor } from "../../src/awsconfig/sdk-files.js";
import { clientsFor } from "../support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "../support/sandbox.js";

function filler(bytes: number): string {
  const chunks: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const chunk = `[profile team-${i}]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = default\n\n`;
    chunks.push(chunk);
    size += chunk.length;
  }
  return chunks.join("");
}

describe("narrowing a big config file for the SDK", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "xacct-narrow-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the wanted profile, the profiles it sources from, [default] and non-profile sections; nothing else", async () => {
    const config = join(dir, "config");
    const credentials = join(dir, "credentials");
    const head = [
      "[default]\nregion = us-east-1\n",
      "[sso-session corp]\nsso_region = eu-west-1\n",
      "[services local]\ns3 =\n  endpoint_url = http://localhost:4566\n",
      "[profile app]\nrole_arn = arn:aws:iam::111111111111:role/App\nsource_profile = base\nservices = local\n",
      "[profile base]\nsso_session = corp\nregion = eu-west-2",
    ].join("\n");
    await writeFile(config, `${head}\n${filler(BIG_FILE_BYTES)}[profile app]\noutput = json\n`);
    await writeFile(credentials, "[base]\naws_access_key_id = AKIABASE\n[other]\naws_access_key_id = AKIAOTHER\n");
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    const whole = await loadSharedConfigFiles({ configFilepath: config, filepath: credentials, ignoreCache: true });

    narrowSdkFilesFor("app", env);
    const narrowed = await loadSharedConfigFiles({ configFilepath: config, filepath: credentials, ignoreCache: true });

    expect(Object.keys(narrowed.configFile).sort()).toEqual(["app", "base", "default", "services.local", "sso-session.corp"]);
    for (const name of ["app", "base", "default", "services.local", "sso-session.corp"]) expect(narrowed.configFile[name]).toEqual(whole.configFile[name]);
    expect(narrowed.configFile["app"]).toMatchObject({ output: "json", source_profile: "base" });
    // A small file is read by the SDK as it is.
    expect(narrowed.credentialsFile).toEqual(whole.credentialsFile);
  });
});

describe("xacct with a big config file", () => {
  const sandbox = useSandbox();

  it("assumes, writes TempCred into it, and a later client in the same process reads TempCred", async () => {
    expect((await sandbox.run(setupArgs())).code).toBe(0);
    await appendFile(sandbox.configFile, `\n${filler(3 * BIG_FILE_BYTES)}`);
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "big.txt", Body: "from a big config" }));

    const assumed = await sandbox.run(["assume", "--write-profile"]);
    expect(assumed.stderr).toBe("");
    expect(assumed.code).toBe(0);
    expect(await readFile(sandbox.configFile, "utf8")).toContain("[profile TempCred]");

    const got = await sandbox.run(["test-get", "big.txt", "-", "--profile", "TempCred"]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain("from a big config");
  });
});
