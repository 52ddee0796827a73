/**
 * How a credential_process line starts xacct, chosen when the line is written so that it
 * keeps working after Node moves (nvm, brew and installers put each version elsewhere):
 * - `xacct`, when the xacct found on PATH is this very install (same file, links resolved);
 * - else this install's bin/xacct.js itself, which runs through its `#!/usr/bin/env node`
 *   line (npm makes a package's bin executable), when a `node` is on PATH to run it;
 * - else the absolute node running now and bin/xacct.js: works until that node is removed.
 */
import { accessSync, constants, readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export function xacctLauncher(bin: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (process.platform === "win32" || onPath("node", env) === undefined) return [process.execPath, bin];
  const xacct = onPath("xacct", env);
  if (xacct !== undefined && sameFile(xacct, bin)) return ["xacct"];
  return runsItself(bin) ? [bin] : [process.execPath, bin];
}

/**
 * The first executable file named `name` on PATH, as a shell would find it; undefined when a
 * relative entry ("", ".", "bin") comes before it. Such an entry means the folder the AWS tool
 * happens to run in, searched first there: a program of that name in any folder would win, so
 * the bare name is never relied on (the absolute form is written).
 */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const folder of (env["PATH"] ?? "").split(delimiter)) {
    if (!isAbsolute(folder)) return undefined;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Executable, and starting with a `#!` line. */
function runsItself(bin: string): boolean {
  try {
    accessSync(bin, constants.X_OK);
    return readFileSync(bin, "utf8").startsWith("#!");
  } catch {
    return false;
  }
}
