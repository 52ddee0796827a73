/**
 * Opens a URL in the user's browser without a shell and without printing it: $BROWSER when set
 * (a colon-separated list of commands, as xdg-utils reads it; words split on spaces, `%s`
 * replaced by the URL, else the URL appended as one argument), else the platform's opener.
 * The child is detached, so xacct returns while the browser runs.
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

export async function openInBrowser(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<void> {
  const openers = openersFor(url, env, platform);
  for (const opener of openers) {
    if (await started(opener, env)) return;
  }
  throw noOpener(openers, platform);
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

/** Whether the command started; it then runs on, detached, with no tie to xacct's streams. */
function started(opener: Opener, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(opener.command, opener.args, { detached: true, stdio: "ignore", env, shell: false, windowsHide: true });
    child.once("error", () => done(false));
    child.once("spawn", () => {
      child.unref();
      done(true);
    });
  });
}
