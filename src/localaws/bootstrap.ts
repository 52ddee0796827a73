/**
 * Seeds moto with the two accounts of the recipe (Production and Staging, each with an admin
 * user and access key) and writes a sandbox ~/.aws for them, so the CLI runs as it would
 * against real AWS. Test/demo harness only: it talks to the SDK directly, not via src/aws.
 */
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { XacctError } from "../errors.js";
import { makeDirectory } from "../make-directory.js";

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AccountSpec {
  accountId: string;
  userName: string;
}

export interface BootstrappedAccount extends AccountSpec {
  /** The user's ARN, as GetCallerIdentity reports it. */
  arn: string;
  accessKey: AccessKey;
}

export interface BootstrapOptions {
  production?: AccountSpec;
  staging?: AccountSpec;
  region?: string;
}

export const DEFAULT_REGION = "us-east-1";
export const PRODUCTION: AccountSpec = { accountId: "111111111111", userName: "ProdAdmin" };
export const STAGING: AccountSpec = { accountId: "222222222222", userName: "StageAdmin" };

// moto puts keys it does not know into its default account; any values will do.
const UNKNOWN_KEY: AccessKey = { accessKeyId: "AKIAXACCTBOOTSTRAP00", secretAccessKey: "bootstrap" };

const ADMIN_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

/** Production as `prod` and Staging as `staging`: the names of the sandbox profiles. */
export async function bootstrapAccounts(endpoint: string, opts: BootstrapOptions = {}): Promise<{ prod: BootstrappedAccount; staging: BootstrappedAccount }> {
  const [prod, staging] = await Promise.all([
    bootstrapAccount(endpoint, opts.production ?? PRODUCTION, opts.region),
    bootstrapAccount(endpoint, opts.staging ?? STAGING, opts.region),
  ]);
  return { prod, staging };
}

/**
 * Makes an admin user with an access key in any account. moto lets AssumeRole into a role that
 * does not exist, and the temporary credentials act in the role's account: that is the only
 * way into an account other than its default one.
 */
export async function bootstrapAccount(endpoint: string, spec: AccountSpec, region = DEFAULT_REGION): Promise<BootstrappedAccount> {
  const assumed = await withClient(new STSClient({ endpoint, region, credentials: UNKNOWN_KEY }), (sts) =>
    sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${spec.accountId}:role/bootstrap`, RoleSessionName: "xacct-bootstrap" })),
  );
  const inAccount = { endpoint, region, credentials: temporaryKey(assumed.Credentials) };
  const created = await withClient(new IAMClient(inAccount), async (iam) => {
    await iam.send(new CreateUserCommand({ UserName: spec.userName }));
    await iam.send(new PutUserPolicyCommand({ UserName: spec.userName, PolicyName: "AdministratorAccess", PolicyDocument: ADMIN_POLICY }));
    return iam.send(new CreateAccessKeyCommand({ UserName: spec.userName }));
  });
  const accessKey = { accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey! };
  const arn = await verifyAccount(endpoint, accessKey, spec.accountId, region);
  return { ...spec, arn, accessKey };
}

/** Runs `work` and then closes the client's sockets, so harness calls leave nothing open. */
async function withClient<C extends { destroy(): void }, T>(client: C, work: (client: C) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

function temporaryKey(credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): AccessKey {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new XacctError("moto's AssumeRole returned no credentials.");
  }
  return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
}

/** Guards against a moto that ignores the key's account (e.g. MOTO_ACCOUNT_ID set). */
async function verifyAccount(endpoint: string, key: AccessKey, accountId: string, region: string): Promise<string> {
  const identity = await withClient(new STSClient({ endpoint, region, credentials: key }), (sts) => sts.send(new GetCallerIdentityCommand({})));
  if (identity.Account !== accountId || !identity.Arn) {
    throw new XacctError(`The new key for account ${accountId} acts in account ${identity.Account} instead.`, {
      hint: "Start moto without MOTO_ACCOUNT_ID set.",
    });
  }
  return identity.Arn;
}

export interface SandboxProfiles {
  configFile: string;
  credentialsFile: string;
  /**
   * The whole environment for a CLI or SDK run in the sandbox: the base environment with every
   * inherited AWS_* variable removed (an outer AWS_PROFILE or key would otherwise win over the
   * sandbox profiles, or send calls to real AWS), plus the sandbox's own.
   */
  env: NodeJS.ProcessEnv;
}

export interface SandboxOptions {
  region?: string;
  endpoint: string;
  /** Environment to start from; process.env by default. */
  baseEnv?: NodeJS.ProcessEnv;
}

/** Writes `config` and `credentials` in `dir` with one profile per entry of `accounts`. */
export async function writeSandboxProfiles(
  dir: string,
  accounts: Readonly<Record<string, { accessKey: AccessKey }>>,
  opts: SandboxOptions,
): Promise<SandboxProfiles> {
  const region = opts.region ?? DEFAULT_REGION;
  const profiles = Object.entries(accounts);
  const config = profiles.map(([name]) => `[profile ${name}]\nregion = ${region}\n`);
  const credentials = profiles.map(([name, { accessKey }]) => credentialsSection(name, accessKey));
  await makeDirectory(dir, 0o700);
  await chmod(dir, 0o700); // mkdir's mode is masked by the umask and skipped if dir exists
  const configFile = join(dir, "config");
  const credentialsFile = join(dir, "credentials");
  await writePrivateFile(configFile, config.join("\n"));
  await writePrivateFile(credentialsFile, credentials.join("\n"));
  return { configFile, credentialsFile, env: sandboxEnv(configFile, credentialsFile, region, opts) };
}

function credentialsSection(name: string, key: AccessKey): string {
  const token = key.sessionToken === undefined ? "" : `aws_session_token = ${key.sessionToken}\n`;
  return `[${name}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n${token}`;
}

async function writePrivateFile(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

function sandboxEnv(configFile: string, credentialsFile: string, region: string, opts: SandboxOptions): NodeJS.ProcessEnv {
  const base = opts.baseEnv ?? process.env;
  const kept = Object.entries(base).filter(([name]) => !name.startsWith("AWS_"));
  return {
    ...Object.fromEntries(kept),
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_ENDPOINT_URL: opts.endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region, // aws-cli v1 reads this one, not AWS_REGION
    AWS_EC2_METADATA_DISABLED: "true", // a missing profile fails at once instead of probing IMDS
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Puts one object; `body` defaults to a small valid JPEG, the demo's Sunset.jpg. */
export async function uploadSample(
  endpoint: string,
  creds: AccessKey,
  bucket: string,
  key: string,
  body: Uint8Array | string = sampleJpeg(),
  region = DEFAULT_REGION,
): Promise<void> {
  // Path-style: bucket names as DNS labels under 127.0.0.1 would not resolve.
  const contentType = /\.jpe?g$/i.test(key) ? "image/jpeg" : undefined;
  await withClient(new S3Client({ endpoint, region, credentials: creds, forcePathStyle: true }), (s3) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType })),
  );
}

/**
 * An 8×8 mid-grey baseline JPEG, built rather than stored so the repo holds no binaries: one
 * quantisation table of ones, one-code Huffman tables, and a scan of one block (DC 0, EOB).
 */
export function sampleJpeg(): Uint8Array {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCodeTable = (tableClass: number) => [tableClass, 1, ...Array<number>(15).fill(0), 0x00];
  return Uint8Array.from([
    ...[0xff, 0xd8], // SOI
    ...segment(0xdb, [0x00, ...Array<number>(64).fill(1)]), // DQT
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]), // SOF0: 8-bit, 8×8, one component
    ...segment(0xc4, oneCodeTable(0x00)), // DHT: DC table 0
    ...segment(0xc4, oneCodeTable(0x10)), // DHT: AC table 0
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    0x3f, // bits 0 (DC diff 0) and 0 (EOB), padded with ones
    ...[0xff, 0xd9], // EOI
  ]);
}
