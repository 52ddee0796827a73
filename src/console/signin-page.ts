/**
 * The page `console --signin --open` hands the browser: a file that redirects to the sign-in
 * link, so the link never sits in an opener's or browser's argv, which every local user can
 * read (ps, /proc/PID/cmdline). The file is 0600 in a 0700 folder beside the session cache
 * (`.../xacct/signin`, the same folder rules), and each run sweeps pages past the link's
 * 15 minutes: the browser may read the page well after the opener returned, so it is not
 * removed at once.
 */
import { randomBytes } from "node:crypto";
import { lstat, open, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ownedByUs } from "../credentials-cache-read.js";
import { cacheDirectory, prepareCacheDirectory } from "../credentials-cache.js";
import { XacctError } from "../errors.js";

/** AWS documents the sign-in link as valid for 15 minutes: a page older than that is dead. */
const PAGE_LIFETIME_MS = 15 * 60_000;
const PAGE_NAME = /^signin-[0-9a-f]{12}\.html$/;

export function signinPageFolder(env: NodeJS.ProcessEnv): string {
  return join(dirname(cacheDirectory(env)), "signin");
}

/** The page's HTML: a meta refresh and a location.replace (so Back does not return to the page). Pure. */
export function signinPageHtml(url: string): string {
  const attribute = url.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const script = JSON.stringify(url).replaceAll("<", "\\u003c");
  return [
    "<!doctype html>",
    '<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${attribute}">`,
    "<title>xacct: signing in to the AWS console</title>",
    `<script>location.replace(${script});</script>`,
    `</head><body><p><a href="${attribute}">Sign in to the AWS console</a></p></body></html>`,
    "",
  ].join("\n");
}

/** Writes the page (0600, a new name each time) and returns its path. */
export async function writeSigninPage(env: NodeJS.ProcessEnv, url: string): Promise<string> {
  const folder = signinPageFolder(env);
  await prepareCacheDirectory(folder);
  const path = join(folder, `signin-${randomBytes(6).toString("hex")}.html`);
  let created = false;
  try {
    const handle = await open(path, "wx", 0o600);
    created = true;
    try {
      await handle.writeFile(signinPageHtml(url));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (created) await rm(path, { force: true });
    throw new XacctError(`Could not write the sign-in page ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: "Check that folder's owner and permissions (ls -ld), point XDG_CACHE_HOME elsewhere, or run without --open and pipe the link.",
      cause: error,
    });
  }
  return path;
}

/** Removes this user's pages older than the link's lifetime; creates nothing, follows no link. */
export async function sweepSigninPages(env: NodeJS.ProcessEnv, now = Date.now()): Promise<void> {
  const folder = signinPageFolder(env);
  const isFolder = await lstat(folder).then(
    (info) => info.isDirectory() && ownedByUs(info.uid),
    () => false,
  );
  if (!isFolder) return;
  for (const name of (await readdir(folder).catch(() => [] as string[])).filter((n) => PAGE_NAME.test(n))) {
    const path = join(folder, name);
    const info = await lstat(path).catch(() => undefined);
    if (info?.isFile() && ownedByUs(info.uid) && now - info.mtimeMs > PAGE_LIFETIME_MS) await rm(path, { force: true });
  }
}

export async function removeSigninPage(path: string): Promise<void> {
  await rm(path, { force: true });
}
