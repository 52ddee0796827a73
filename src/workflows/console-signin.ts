/**
 * `xacct console --signin`: a fresh role session (the same AssumeRole path as `xacct assume`,
 * with the setup's external ID and MFA), a sign-in token for it from the federation endpoint,
 * and the login URL. The URL is a bearer credential (AWS: valid for 15 minutes): it goes to a
 * pipe, to a terminal only with --force, or to the browser unprinted with --open (through a
 * private page, never in a process's argv: console/signin-page.ts); never into --json, a
 * message or debug output.
 *
 * Lifetime: xacct sends no SessionDuration. The console session then ends with the role
 * session, whose length --duration sets through AssumeRole's DurationSeconds.
 */
import { pathToFileURL } from "node:url";
import { stsClientFor } from "../aws/sts.js";
import { loadProfileView } from "../awsconfig/sdk-view.js";
import { exposedStream } from "../credential-process-output.js";
import { openInBrowser, pageUnreachable, requireOpener, resolvedOpener, xdgDefaultBrowser } from "../console/browser.js";
import { consoleDestination, FEDERATION_ENDPOINT_VARIABLE, federationEndpoint, foreignFederationHost, loginUrl } from "../console/federation-url.js";
import { removeSigninPage, sweepSigninPages, writeSigninPage } from "../console/signin-page.js";
import { requestSigninToken } from "../console/signin-token.js";
import type { CommandContext } from "../commands/context.js";
import { invalidInput } from "../errors.js";
import { DEFAULTS } from "../plan.js";
import { parseRoleArn } from "../policy/arn.js";
import { refuseWithoutRole } from "../setups/no-role.js";
import { resolveSetup } from "../setups/resolve.js";
import { Output } from "../ui/output.js";
import { checkDurationSeconds, checkExternalId, checkMfaSerial, checkProfileName, checkRegion, checkRoleArn, checkTokenCode } from "../validate/index.js";
import { refuseConsoleDurationWithMfa } from "../validate/mfa.js";
import { assumeAndWrite } from "./assume-and-write.js";

export interface SigninOptions {
  setup?: string;
  roleArn?: string;
  profile?: string;
  region?: string;
  duration?: string;
  open?: boolean;
  force?: boolean;
  externalId?: string;
  mfaSerial?: string;
  tokenCode?: string;
  displayName?: string;
}

export async function consoleSignin(options: SigninOptions, ctx: CommandContext): Promise<void> {
  refuseWhereTheLinkWouldShow(options, ctx);
  const durationSeconds = options.duration !== undefined ? checkDurationSeconds(options.duration) : undefined;
  const state = await resolveSetup(ctx, { command: "console", setup: options.setup, roleArn: options.roleArn, needsRole: true });
  refuseWithoutRole("console", state);
  const roleArn = checkRoleArn(options.roleArn ?? state?.roleArn ?? missing("--role-arn"));
  const profile = checkProfileName(options.profile ?? state?.stagingProfile ?? missing("--profile"));
  const region = checkRegion(options.region ?? state?.region ?? DEFAULTS.region);
  const partition = parseRoleArn(roleArn)!.partition;
  const endpoint = federationEndpoint(partition, ctx.env);
  const remembered = state?.roleArn === roleArn ? state : undefined;
  const foreign = foreignFederationHost(endpoint);
  if (foreign) ctx.out.warn(`${FEDERATION_ENDPOINT_VARIABLE} sends the role session's keys to ${foreign}, not to AWS: unset it unless you run that endpoint.`);
  await sweepSigninPages(ctx.env);
  if (options.open) await requireOpener(ctx.env);

  // With the link on stdout, the report goes to stderr so a pipe gets the link alone.
  const report = options.open ? ctx.out : new Output(ctx.out.streams, { color: ctx.out.color.level > 0, debug: ctx.out.debugEnabled, json: true });
  const view = await loadProfileView(ctx.env);
  refuseConsoleDurationWithMfa(durationSeconds, {
    serial: options.mfaSerial ?? view.settings(profile)?.["mfa_serial"],
    requireMfa: remembered?.requireMfa === true,
  });
  const creds = await assumeAndWrite(
    {
      command: "console --signin",
      view,
      profile,
      roleArn,
      region,
      writeProfile: undefined,
      suggestProfile: false,
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      externalId: options.externalId !== undefined ? checkExternalId(options.externalId) : remembered?.externalId,
      mfaSerial: options.mfaSerial !== undefined ? checkMfaSerial(options.mfaSerial) : undefined,
      tokenCode: options.tokenCode !== undefined ? checkTokenCode(options.tokenCode) : undefined,
      remembered,
    },
    stsClientFor(ctx, profile, region),
    { ...ctx, out: report },
  );
  const token = await requestSigninToken(endpoint, creds, durationSeconds !== undefined);
  const url = loginUrl(endpoint, token, consoleDestination(partition, region));
  const until = `the console session ends with the role session, at ${creds.expiration.toISOString()}`;
  if (options.open) {
    const unreachable = pageUnreachable(ctx.env, await resolvedOpener(ctx.env), xdgDefaultBrowser(ctx.env));
    if (unreachable !== undefined) {
      // The file page cannot work there; the link itself goes in the opener's arguments.
      await openInBrowser(url, ctx.env);
      ctx.result["opened"] = true;
      report.done("Asked the browser to open the console; the sign-in link is valid for 15 minutes.");
      report.line(`  ${report.color.dim(`Signed in as ${creds.assumedRoleArn}; ${until}.`)}`);
      report.line(
        `  ${report.color.dim(`The link went in the browser command's arguments (${unreachable}): other local users can see it while that command runs.`)}`,
      );
      return;
    }
    const page = await openPage(url, ctx.env);
    ctx.result["opened"] = true;
    report.done("Asked the browser to open the console; the sign-in link is valid for 15 minutes.");
    report.line(
      `  ${report.color.dim(`Signed in as ${creds.assumedRoleArn}; ${until}. The link waits in ${page} (yours alone) until a run after those 15 minutes removes it.`)}`,
    );
    return;
  }
  ctx.stdout.write(`${url}\n`);
  report.line(report.color.dim(`The link signs in as ${creds.assumedRoleArn}: it is valid for 15 minutes; ${until}. Treat it like a key.`));
}

/**
 * The browser gets a private page that redirects to the link, not the link (argv is public).
 * The token comes first: an opener is only known to work once it has opened something, and a
 * blank page to test it would be a stray tab; requireOpener already refused a missing one. When
 * none works the page goes, so the link is left nowhere.
 */
async function openPage(url: string, env: NodeJS.ProcessEnv): Promise<string> {
  const page = await writeSigninPage(env, url);
  try {
    await openInBrowser(pathToFileURL(page).href, env);
  } catch (error) {
    await removeSigninPage(page);
    throw error;
  }
  return page;
}

/** Bad input: where the link would be shown to eyes or land in --json, before any AWS call. */
function refuseWhereTheLinkWouldShow(options: SigninOptions, ctx: CommandContext): void {
  if (options.displayName !== undefined) {
    throw invalidInput("--display-name names the role on the switch-role page, and --signin signs in without that page.", "Leave --display-name out.");
  }
  if (options.open) return;
  if (ctx.json) {
    throw invalidInput(
      "--json promises a document without secrets, and the sign-in link is one: anyone holding it gets the console.",
      "Add --open to open it in your browser (the --json document then says so), or leave --json out and pipe the link.",
    );
  }
  if ((ctx.stdout as { isTTY?: boolean }).isTTY && !options.force) {
    throw invalidInput(
      "The sign-in link is a credential (anyone holding it gets the console for 15 minutes), and xacct will not print it to a terminal.",
      "Add --open to open it in your browser without printing it, pipe it (xacct console --signin | pbcopy), or add --force to print it anyway.",
    );
  }
  if (exposedStream(ctx.stdout)) {
    throw invalidInput(
      "The sign-in link is a credential (anyone holding it gets the console for 15 minutes), and its output is a file other users may read (or another user's), so xacct prints nothing.",
      "Make the file private first (chmod 600 FILE), send the link to a pipe, or add --open.",
    );
  }
}

function missing(flag: string): never {
  throw invalidInput(`xacct console --signin does not know which role to sign in to: give ${flag}, or run \`xacct setup\` first.`);
}
