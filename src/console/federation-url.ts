/**
 * The pieces of a console sign-in through AWS's federation endpoint, as pure functions: where
 * the endpoint is (per partition, or XACCT_FEDERATION_ENDPOINT for tests), the session
 * document it takes, and the login URL built from its sign-in token. No I/O.
 */
import { invalidInput } from "../errors.js";
import type { Partition } from "../policy/arn.js";

const SIGNIN_HOST: Record<Partition, string> = { aws: "signin.aws.amazon.com", "aws-cn": "signin.amazonaws.cn", "aws-us-gov": "signin.amazonaws-us-gov.com" };
const CONSOLE_HOST: Record<Partition, string> = {
  aws: "console.aws.amazon.com",
  "aws-cn": "console.amazonaws.cn",
  "aws-us-gov": "console.amazonaws-us-gov.com",
};

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

export const FEDERATION_ENDPOINT_VARIABLE = "XACCT_FEDERATION_ENDPOINT";

export function signinHost(partition: Partition): string {
  return SIGNIN_HOST[partition];
}

/**
 * The partition's federation endpoint, or the variable's. The endpoint receives the session's
 * keys, so an override must be https, or http only to this machine (a test's stand-in).
 */
export function federationEndpoint(partition: Partition, env: NodeJS.ProcessEnv): string {
  const override = env[FEDERATION_ENDPOINT_VARIABLE];
  if (override === undefined || override === "") return `https://${SIGNIN_HOST[partition]}/federation`;
  let url: URL | undefined;
  try {
    url = new URL(override);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && LOOPBACK.includes(url.hostname);
  const usable = url !== undefined && (url.protocol === "https:" || (url.protocol === "http:" && loopback)) && url.username === "" && url.password === "";
  if (!usable || url!.search !== "" || url!.hash !== "") {
    throw invalidInput(
      `${FEDERATION_ENDPOINT_VARIABLE} must be an https URL (or http to 127.0.0.1, localhost or [::1]) without a query: it receives the role session's keys.`,
      `Unset ${FEDERATION_ENDPOINT_VARIABLE} to use AWS's endpoint.`,
    );
  }
  return `${url!.origin}${url!.pathname}`;
}

/**
 * The host an endpoint sends the session's keys to, when it is neither one of AWS's sign-in
 * hosts (or a regional one under them) nor this machine: the override's user should hear where
 * the keys go. Pure.
 */
export function foreignFederationHost(endpoint: string): string | undefined {
  const host = new URL(endpoint).hostname;
  if (LOOPBACK.includes(host)) return undefined;
  const aws = Object.values(SIGNIN_HOST).some((signin) => host === signin || host.endsWith(`.${signin}`));
  return aws ? undefined : host;
}

export interface SessionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** The `Session` parameter of getSigninToken. */
export function signinSession(keys: SessionKeys): string {
  return JSON.stringify({ sessionId: keys.accessKeyId, sessionKey: keys.secretAccessKey, sessionToken: keys.sessionToken });
}

/** The console's home page in the region (the console moves the user to the region's host itself). */
export function consoleDestination(partition: Partition, region: string): string {
  return `https://${CONSOLE_HOST[partition]}/console/home?${new URLSearchParams({ region }).toString()}`;
}

/** The login URL: a bearer credential for as long as the token lives (AWS: valid for 15 minutes). */
export function loginUrl(endpoint: string, signinToken: string, destination: string): string {
  const params = new URLSearchParams({ Action: "login", Issuer: "xacct", Destination: destination, SigninToken: signinToken });
  return `${endpoint}?${params.toString()}`;
}
