/**
 * export writes templates that decide who may assume the role, so it never writes where
 * another user could change them before they are deployed: not through a hard link, not into
 * another user's file, not into a folder others may write to (unless sticky). The ownership
 * cases run as a user who is not root (test/support/as-user.ts).
 */
import { chmod, chown, copyFile, link, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { giveToUser, IS_ROOT, runXacctAsUser, userOwnedDir } from "./support/as-user.js";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const TARGET = ["--production-profile", "prod", "--staging-profile", "staging", "--bucket", "export-shared-1", "--region", "us-east-1"];
const exportArgs = (dir: string, extra: string[] = []) => ["export", ...TARGET, "--format", "cloudformation", "--out-dir", dir, ...extra];
const MALLORY = 4343;

/** The sandbox's profiles, copied into a folder of the non-root user, and that user's environment. */
async function userEnv(): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = await userOwnedDir();
  for (const [from, name] of [
    [sandbox.configFile, "config"],
    [sandbox.credentialsFile, "credentials"],
  ] as const) {
    await copyFile(from, join(home, name));
    await giveToUser(join(home, name));
  }
  return {
    home,
    env: {
      ...sandbox.env,
      AWS_CONFIG_FILE: join(home, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      XDG_CONFIG_HOME: join(home, "xdg"),
      HOME: home,
    },
  };
}

describe("export's files and folder are the user's alone", () => {
  it("--force over a hard link to a precious file replaces the name, never the precious file", async () => {
    const dir = join(sandbox.dir, "linked");
    await mkdir(dir);
    const precious = join(sandbox.dir, "precious.txt");
    await writeFile(precious, "precious\n");
    await link(precious, join(dir, "production.json"));
    expect((await sandbox.run(exportArgs(dir))).code).toBe(2);
    expect((await sandbox.run(exportArgs(dir, ["--force"]))).code).toBe(0);
    expect(await readFile(precious, "utf8")).toBe("precious\n");
    expect((await stat(precious)).nlink).toBe(1);
  });

  it("refuses a folder others may write to (0777, not sticky) before any AWS call, writing nothing", async () => {
    const dir = join(sandbox.dir, "open");
    await mkdir(dir);
    await chmod(dir, 0o777);
    const result = await sandbox.run(exportArgs(dir));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`Other users may write in ${dir}`);
    expect(result.calls.calls).toEqual([]);
    await expect(stat(join(dir, "production.json"))).rejects.toThrow();
  });

  it("refuses to make the folder inside one others may write to", async () => {
    const open = join(sandbox.dir, "open-parent");
    await mkdir(open);
    await chmod(open, 0o777);
    const result = await sandbox.run(exportArgs(join(open, "cfn")));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`Other users may write in ${open}`);
    await expect(stat(join(open, "cfn"))).rejects.toThrow();
  });

  it.skipIf(!IS_ROOT)("refuses another user's open folder holding their production.json, which stays theirs and unchanged", async () => {
    const { home, env } = await userEnv();
    const dir = join(home, "mallory");
    await mkdir(dir);
    await writeFile(join(dir, "production.json"), "{}\n", { mode: 0o666 });
    await chown(join(dir, "production.json"), MALLORY, MALLORY);
    await chown(dir, MALLORY, MALLORY);
    await chmod(dir, 0o777);
    const run = await runXacctAsUser(exportArgs(dir, ["--force"]), { env, cwd: home });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${dir} belongs to another user`);
    expect(await readFile(join(dir, "production.json"), "utf8")).toBe("{}\n");
  });

  it.skipIf(!IS_ROOT)("in a sticky shared folder: another user's file is refused; with none, export writes its own", async () => {
    const { home, env } = await userEnv();
    const shared = join(home, "shared");
    await mkdir(shared);
    await chown(shared, 0, 0);
    await chmod(shared, 0o1777);
    await writeFile(join(shared, "production.json"), "{}\n", { mode: 0o644 });
    await chown(join(shared, "production.json"), MALLORY, MALLORY);
    const refused = await runXacctAsUser(exportArgs(shared, ["--force"]), { env, cwd: home });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`${join(shared, "production.json")} belongs to another user`);

    const mine = join(shared, "mine");
    const made = await runXacctAsUser(exportArgs(mine), { env, cwd: home });
    expect(made.code, made.stderr).toBe(0);
    expect((await stat(join(mine, "production.json"))).uid).not.toBe(MALLORY);
  });
});
