/**
 * Opens a URL in the user's browser without a shell and without printing it: $BROWSER when set
 * (a colon-separated list of commands, as xdg-utils reads it; words split on spaces, `%s`
 * replaced by the URL, else the URL appended as one argument), else the platform's opener.
 * As xdg-utils does, each entry is tried until one succeeds: an opener that exits non-zero
 * failed; one still running after a short wait (a browser started in the foreground) opened
 * it, and runs on, detached, while xacct returns.
 */
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";
import { XacctError } from "../errors.js";

export interface Opener {
  command: string;
  args: string[];
}

/** The commands to try, in order. Pure. */
export function openersFor(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Opener[] {
  const fromEnv = (env["BROWSER"] ?? "")
    .split(":")
    .map((entry) => entry.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
    .map(([command, ...rest]) => ({
      command: command!,
      args: rest.some((word) => word.includes("%s")) ? rest.map((word) => word.replaceAll("%s", url)) : [...rest, url],
    }));
  if (fromEnv.length > 0) return fromEnv;
  // `cmd /c start URL` would let cmd split the URL at each `&`; rundll32 takes it as one argument.
  if (platform === "win32") return [{ command: "rundll32", args: ["url.dll,FileProtocolHandler", url] }];
  if (platform === "darwin") return [{ command: "open", args: [url] }];
  return [{ command: "xdg-open", args: [url] }];
}

/** xdg-open, open and rundll32 hand the URL over and exit within this; a browser itself runs on. */
const SETTLE_MS = 3_000;

/** Tries each opener in turn; throws, naming how each failed, when none opened the URL. */
export async function openInBrowser(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, settleMs = SETTLE_MS): Promise<void> {
  const failures: string[] = [];
  for (const opener of openersFor(url, env, platform)) {
    const failure = await launch(opener, env, settleMs);
    if (failure === undefined) return;
    failures.push(`${opener.command} ${failure}`);
  }
  throw new XacctError(`Could not open a browser (${failures.join("; ")}), so the sign-in link was shown to no one.`, {
    hint: "Set BROWSER to a command that opens a URL, or run without --open and pipe the link where you want it: xacct console --signin | xclip.",
  });
}

/**
 * Checked before the role is assumed, so a missing opener costs no session and no token.
 * Windows is not checked: rundll32 is part of it.
 */
export async function requireOpener(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === "win32") return;
  const openers = openersFor("", env, platform);
  for (const opener of openers) if (await onPath(opener.command, env)) return;
  throw noOpener(openers, platform);
}

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const candidates = command.includes("/")
    ? [command]
    : (env["PATH"] ?? "")
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, command));
  for (const path of candidates) {
    if (
      await access(path, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

function noOpener(openers: Opener[], platform: NodeJS.Platform): XacctError {
  return new XacctError(`Could not open a browser: ${openers.map((o) => o.command).join(", ")} ${openers.length > 1 ? "were" : "was"} not found.`, {
    hint:
      platform === "linux"
        ? "Install xdg-utils (xdg-open), or set BROWSER to your browser's command (e.g. BROWSER=firefox); or leave --open out and pipe the link: xacct console --signin | xclip."
        : "Set BROWSER to your browser's command, or leave --open out and pipe the link to where you want it.",
  });
}

/**
 * Undefined when the opener exited 0 or still runs after `settleMs` (it then runs on, detached,
 * with no tie to xacct's streams); otherwise why it failed.
 */
function launch(opener: Opener, env: NodeJS.ProcessEnv, settleMs: number): Promise<string | undefined> {
  return new Promise((done) => {
    const child = spawn(opener.command, opener.args, { detached: true, stdio: "ignore", env, shell: false, windowsHide: true });
    let settled = false;
    const settle = (failure: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.unref();
      done(failure);
    };
    const timer = setTimeout(() => settle(undefined), settleMs);
    child.on("error", (error: NodeJS.ErrnoException) => settle(error.code === "ENOENT" ? "was not found" : `could not start (${error.code ?? error.message})`));
    child.once("exit", (code, signal) => settle(code === 0 ? undefined : `exited with ${code ?? signal}`));
  });
}
