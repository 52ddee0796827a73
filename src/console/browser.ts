/**
 * Opens a URL in the user's browser without a shell and without printing it: $BROWSER when set
 * (a colon-separated list of commands, as xdg-utils reads it; words split on spaces, `%s`
 * replaced by the URL, else the URL appended as one argument), else the platform's opener.
 * As xdg-utils does, each entry is tried until one succeeds: an opener that exits non-zero
 * failed; one still running after a short wait (a browser started in the foreground) opened
 * it, and runs on, detached, while xacct returns.
 */
import { spawn, spawnSync } from "node:child_process";
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

/**
 * Where a browser cannot read the file:// page in xacct's cache, so the opener must get the
 * https link itself: why, or undefined. WSL (a Windows browser, a Linux path); VS Code remote,
 * Codespaces and dev containers (the $BROWSER helper opens the URL on the user's own machine);
 * a snap browser (the snap `home` interface hides dot-folders such as ~/.cache). `resolved`:
 * the first opener's real path; `defaultBrowser`: what xdg-settings names, when asked. Pure.
 */
export function pageUnreachable(env: NodeJS.ProcessEnv, resolved: string | undefined, defaultBrowser?: string): string | undefined {
  if (env["WSL_DISTRO_NAME"] || env["WSL_INTEROP"]) return "WSL: a Windows browser cannot read a Linux file";
  const browser = env["BROWSER"] ?? "";
  if (env["VSCODE_IPC_HOOK_CLI"] || env["CODESPACES"] || env["REMOTE_CONTAINERS"] || /vscode|code-server|helpers\/browser\.sh/i.test(browser))
    return "VS Code remote, Codespaces or a dev container: the browser runs on another machine";
  if (resolved !== undefined && resolved.startsWith("/snap/")) return "a snap browser cannot read xacct's cache folder";
  if (defaultBrowser !== undefined && /^[a-z0-9-]+_[A-Za-z0-9._-]+\.desktop$/.test(defaultBrowser.trim()))
    return "the default browser is a snap, which cannot read xacct's cache folder";
  return undefined;
}

/** The first opener's path, links resolved, if it is on PATH. */
export async function resolvedOpener(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const first = openersFor("", env, platform)[0];
  if (!first) return undefined;
  const { realpath } = await import("node:fs/promises");
  const candidates = first.command.includes("/")
    ? [first.command]
    : (env["PATH"] ?? "")
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, first.command));
  for (const path of candidates) {
    const real = await realpath(path).catch(() => undefined);
    if (real !== undefined) return real;
  }
  return undefined;
}

/** xdg-open's default browser (`xdg-settings get default-web-browser`), asked only when xdg-open is the opener; undefined when unknown within a second. */
export function xdgDefaultBrowser(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== "linux" || openersFor("", env, platform)[0]?.command !== "xdg-open") return undefined;
  const ran = spawnSync("xdg-settings", ["get", "default-web-browser"], { env, encoding: "utf8", timeout: 1_000, stdio: ["ignore", "pipe", "ignore"] });
  return ran.status === 0 ? ran.stdout.trim() : undefined;
}
