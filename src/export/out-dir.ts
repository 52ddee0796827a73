/**
 * Whether export's folder is the user's alone. The templates decide who may assume the role,
 * so a file or folder another user may change would let them edit the trust before the user
 * deploys it. Checked before any AWS call, and again just before writing.
 */
import { lstat, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Stats } from "node:fs";
import { invalidInput } from "../errors.js";

const STICKY = 0o1000;

/**
 * Refuses, with one sentence each: a folder (or, when it is still to be made, the nearest one
 * above it) that another user than root owns or others may write to, unless it is sticky (then others
 * may not replace our files in it); and an existing file under one of `names` that another
 * user owns. A file with more hard links is fine: it is replaced by rename, never written through.
 */
export async function refuseSharedOutDir(outDir: string, names: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { path: folder, info } = await nearestExisting(outDir);
  const made = folder === outDir ? "" : ` (${outDir} would be made in it)`;
  if (info.uid !== 0 && !ownedByUs(info.uid, env)) {
    throw invalidInput(
      `${folder} belongs to another user (uid ${info.uid}), who could change the exported templates before you deploy them${made}, so xacct export will not write there.`,
      "Choose a folder of your own with --out-dir.",
    );
  }
  if (othersMayWrite(info, env) && (info.mode & STICKY) === 0) {
    throw invalidInput(
      `Other users may write in ${folder} (mode ${(info.mode & 0o7777).toString(8)}) and replace the exported templates before you deploy them${made}, so xacct export will not write there.`,
      `Choose a folder of your own with --out-dir, or run: chmod go-w ${folder}`,
    );
  }
  if (folder !== outDir) return;
  for (const name of names) {
    const file = await lstat(join(outDir, name)).catch(() => undefined);
    if (file && !ownedByUs(file.uid, env)) {
      throw invalidInput(
        `${join(outDir, name)} belongs to another user (uid ${file.uid}), so xacct export will not replace it.`,
        "Remove it or choose another --out-dir.",
      );
    }
  }
}

async function nearestExisting(folder: string): Promise<{ path: string; info: Stats }> {
  for (let current = folder; ; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info || dirname(current) === current) return { path: current, info: info ?? (await stat(current)) };
  }
}

/** Others, or a group that is not our own (a user-private group is just us; under sudo, the caller's). */
function othersMayWrite(info: Stats, env: NodeJS.ProcessEnv): boolean {
  const ourGroup = info.gid === process.getgid?.() || (process.getuid?.() === 0 && String(info.gid) === env["SUDO_GID"]);
  return (info.mode & 0o002) !== 0 || ((info.mode & 0o020) !== 0 && !ourGroup);
}

/** Ours; as root, root's or the sudo caller's (their own folder, and the file keeps being theirs). */
function ownedByUs(uid: number, env: NodeJS.ProcessEnv): boolean {
  const ours = process.getuid?.();
  if (ours === undefined || uid === ours) return true;
  return ours === 0 && env["SUDO_UID"] !== undefined && String(uid) === env["SUDO_UID"];
}
