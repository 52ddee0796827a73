/**
 * getSigninToken: the role session's keys go to the federation endpoint in a POST form body
 * (never in a URL, where proxies and logs keep them) and a sign-in token comes back. Failures
 * are one sentence naming no secret: neither the keys, nor the answer's body.
 */
import { XacctError } from "../errors.js";
import { signinSession, type SessionKeys } from "./federation-url.js";

const TIMEOUT_MS = 15_000;

/** `durationSet`: --duration chose the session's length, a known reason for AWS to refuse. */
export async function requestSigninToken(endpoint: string, keys: SessionKeys, durationSet: boolean, fetchImpl: typeof fetch = fetch): Promise<string> {
  const host = new URL(endpoint).host;
  let response: Response;
  try {
    response = await fetchImpl(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Action: "getSigninToken", Session: signinSession(keys) }).toString(),
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw failed(`could not reach ${host}`, "Check the network (and a proxy, if you use one), then try again.");
  }
  const text = await response.text().catch(() => "");
  if (response.status !== 200) {
    throw failed(
      `${host} answered HTTP ${response.status}`,
      durationSet
        ? "AWS refuses a sign-in token for a session whose length was set while assuming the role with temporary credentials (a role, SSO or MFA session): try again without --duration."
        : "Try again in a minute; the link needs the role session AWS just gave, so nothing else has to change.",
    );
  }
  const token = signinTokenOf(text);
  if (token === undefined) throw failed(`${host} answered without a SigninToken`, "Try again; if it persists, the endpoint is not AWS's federation endpoint.");
  return token;
}

function signinTokenOf(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as { SigninToken?: unknown }).SigninToken;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}

function failed(why: string, hint: string): XacctError {
  return new XacctError(`No console sign-in token: ${why}.`, { hint });
}
