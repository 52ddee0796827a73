/**
 * `mkdir -p` that always ends. Node's recursive mkdir retries forever where the kernel says a
 * directory's parent is missing although it exists (under /proc, `mkdir /proc/nope` fails with
 * ENOENT): it spins at 100% CPU. Here each missing directory is created once, top down, and
 * the first failure is thrown.
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";

export async function makeDirectory(directory: string, mode = 0o777): Promise<void> {
  for (const missing of await missingDirectories(path.resolve(directory))) {
    try {
      await mkdir(missing, { mode });
    } catch (error) {
      if (codeOf(error) === "EEXIST" && (await isDirectory(missing))) continue;
      if (codeOf(error) === "ENOENT") {
        // Its parent exists (we just found or made it): the file system refuses new directories here.
        throw Object.assign(new Error(`the file system there does not allow creating ${missing}`), { code: "ENOTSUP" });
      }
      throw error;
    }
  }
}

/** The directories to create, outermost first; none when `directory` exists. */
async function missingDirectories(directory: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = directory; ; current = path.dirname(current)) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) throw Object.assign(new Error(`${current} is not a directory`), { code: "ENOTDIR" });
      return missing.reverse();
    } catch (error) {
      if (codeOf(error) !== "ENOENT" || path.dirname(current) === current) throw error;
      missing.push(current);
    }
  }
}

async function isDirectory(directory: string): Promise<boolean> {
  return stat(directory).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
