/**
 * The AWS SDK for JavaScript takes configured endpoints (endpoint_url, services,
 * ignore_configured_endpoint_urls) from the profile AWS_PROFILE names (else [default]), not
 * from the profile a client is built for. The aws CLI with --profile uses that profile's own.
 * When the two differ, a named profile's calls (signed, an MFA code included) would go to the
 * other profile's endpoint: xacct refuses before any call.
 */
import { readFileSync, statSync } from "node:fs";
import { XacctError } from "../errors.js";
import { configFilePath } from "./paths.js";
import { readSdkProfiles } from "./sdk-ini.js";

function configuredEndpoint(settings: Record<string, string> | undefined): string {
  if (!settings || settings["ignore_configured_endpoint_urls"]?.toLowerCase() === "true") return "";
  return JSON.stringify([settings["endpoint_url"] ?? "", settings["services"] ?? ""]);
}

/** Answers per file version and pair of profiles: a big config file is parsed once, not per client. */
const answers = new Map<string, boolean>();

function sameEndpoint(path: string, profile: string, sdkProfile: string): boolean {
  let key: string;
  try {
    const info = statSync(path);
    key = JSON.stringify([path, info.mtimeMs, info.size, profile, sdkProfile]);
  } catch {
    return true;
  }
  const known = answers.get(key);
  if (known !== undefined) return known;
  let same = true;
  try {
    const profiles = readSdkProfiles(readFileSync(path, "utf8"), "config");
    same = configuredEndpoint(profiles.settings(profile)) === configuredEndpoint(profiles.settings(sdkProfile));
  } catch {
    // Unreadable: the SDK reads nothing from it either.
  }
  answers.set(key, same);
  return same;
}

export function refuseBorrowedEndpoint(profile: string, env: NodeJS.ProcessEnv = process.env): void {
  // Set in the environment, these apply to every profile alike.
  if (env["AWS_ENDPOINT_URL"] || env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.toLowerCase() === "true") return;
  const sdkProfile = env["AWS_PROFILE"] || "default";
  if (sdkProfile === profile) return;
  if (sameEndpoint(configFilePath(env), profile, sdkProfile)) return;
  const via = env["AWS_PROFILE"] ? `AWS_PROFILE (${sdkProfile})` : "profile default";
  throw new XacctError(
    `Profile ${profile} and ${via} configure different endpoints (endpoint_url, services), and the AWS SDK xacct uses would send profile ${profile}'s calls to the endpoint of ${sdkProfile}, so xacct makes none.`,
    {
      hint: `Run with AWS_PROFILE=${profile} (or unset AWS_PROFILE when ${profile} is default), give --endpoint-url, or set AWS_ENDPOINT_URL.`,
      exitCode: 2,
    },
  );
}
