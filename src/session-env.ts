/**
 * The environment a role session gives a program (xacct exec) or a shell (xacct env): the
 * keys, token, expiry and region, and the removal of every variable that would shadow or
 * compete with them in the AWS SDKs and CLIs. Pure: the current environment is passed in.
 *
 * Kept on purpose: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. Keys in the environment
 * come before both files in every SDK's chain, and with AWS_PROFILE gone no profile is chosen
 * over them; the files also hold the user's other settings (output, retries, CA bundle,
 * endpoints), which pointing the tools at other files would silently change.
 */
import type { EnvChanges } from "./env-format/index.js";
import { invalidInput } from "./errors.js";
import { ENV_NAME } from "./env-format/value.js";
import type { TemporaryCredentials } from "./stages/assume-role.js";

/**
 * Variables that choose other credentials, or describe them:
 * - AWS_PROFILE, AWS_DEFAULT_PROFILE: a named profile wins over keys in the JS SDK v3.
 * - AWS_SECURITY_TOKEN: boto's older name for the token. AWS_ACCESS_KEY, AWS_SECRET_KEY: the
 *   Java SDK v1 reads AWS_SECRET_KEY before AWS_SECRET_ACCESS_KEY.
 * - AWS_CREDENTIAL_SCOPE: the JS SDK reads it with the keys (it belonged to other keys).
 * - AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, AWS_WEB_IDENTITY_TOKEN_FILE: web identity.
 * - AWS_CONTAINER_*: ECS and EKS Pod Identity credentials.
 * - AWS_CREDENTIAL_FILE: botocore's oldest credentials file. AWS_SESSION_EXPIRATION: aws-vault's
 *   expiry of its own keys, which prompts show.
 */
export const COMPETING_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SECURITY_TOKEN",
  "AWS_ACCESS_KEY",
  "AWS_SECRET_KEY",
  "AWS_CREDENTIAL_SCOPE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_CREDENTIAL_FILE",
  "AWS_SESSION_EXPIRATION",
] as const;

/** Marks a program run by xacct exec, naming the role, so an exec (or env) inside it is refused. */
export const EXEC_MARKER = "XACCT_EXEC";

/**
 * Inside a command run by xacct exec, another exec or an evaluated env would replace its
 * credentials while the marker still named the outer role: refused unless --allow-nested.
 */
export function refuseNested(command: "exec" | "env", env: NodeJS.ProcessEnv, allowNested: boolean | undefined): void {
  const outer = env[EXEC_MARKER];
  if (outer === undefined || allowNested) return;
  throw invalidInput(
    `This is already a command run by xacct exec with ${outer} (${EXEC_MARKER} is set), and ${command === "exec" ? "an exec" : "xacct env"} inside it would replace those credentials.`,
    "Run it from the outer shell, or pass --allow-nested if you mean to switch.",
  );
}

export interface SessionForEnv {
  creds: TemporaryCredentials;
  region: string;
}

/**
 * `endpoint`: --endpoint-url, when given. The keys work only there, so the program is sent
 * there too: AWS_ENDPOINT_URL, with the per-service variables and the switch that would
 * ignore it removed. Without it, the environment's endpoint variables pass unchanged.
 */
export function sessionEnvChanges(session: SessionForEnv, options: { endpoint?: string | undefined; env: NodeJS.ProcessEnv }): EnvChanges {
  const { creds, region } = session;
  const set: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", creds.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", creds.secretAccessKey],
    ["AWS_SESSION_TOKEN", creds.sessionToken],
    ["AWS_CREDENTIAL_EXPIRATION", creds.expiration.toISOString()],
    ["AWS_REGION", region],
    ["AWS_DEFAULT_REGION", region], // the aws CLI v1 and boto3 read this one
  ];
  const account = /^arn:[^:]+:sts::(\d{12}):/.exec(creds.assumedRoleArn)?.[1];
  // Read with the keys by the JS SDK and botocore (account-based endpoints): the role's account, not another.
  if (account !== undefined) set.push(["AWS_ACCOUNT_ID", account]);
  const unset: string[] = [...COMPETING_VARIABLES];
  if (account === undefined) unset.push("AWS_ACCOUNT_ID");
  if (options.endpoint !== undefined) {
    set.push(["AWS_ENDPOINT_URL", options.endpoint]);
    // Only names a shell reads as one word: env prints them unquoted. No SDK reads any other.
    const perService = Object.keys(options.env).filter((name) => name.startsWith("AWS_ENDPOINT_URL_") && ENV_NAME.test(name));
    unset.push(...perService.sort(), "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  }
  return { set, unset };
}

/** Variables the entry point (bin/xacct.js) set for xacct itself, not the user's: not handed on. */
export function ownVariables(): string[] {
  const own = (globalThis as Record<symbol, unknown>)[Symbol.for("xacct.ownVariables")];
  return Array.isArray(own) ? own.filter((n): n is string => typeof n === "string") : [];
}

/** The program's environment: the current one, without xacct's own and the competing variables, with the session's and the marker. */
export function childEnvironment(env: NodeJS.ProcessEnv, changes: EnvChanges, marker: string, own: readonly string[] = ownVariables()): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env };
  for (const name of own) delete child[name];
  for (const name of changes.unset) delete child[name];
  for (const [name, value] of changes.set) child[name] = value;
  child[EXEC_MARKER] = marker;
  return child;
}
