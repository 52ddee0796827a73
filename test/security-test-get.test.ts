/**
 * test-get as an attacker would use it: where the object lands, with what mode, and what it
 * refuses to overwrite. Against the emulator, with the CLI in-process.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { chmod, chown, lstat, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const getObjectCalls = (result: { calls: { calls: { operation: string }[] } }) => result.calls.calls.filter((c) => c.operation === "GetObject").length;

beforeAll(async () => {
  expect((await sandbox.run(setupArgs())).code).toBe(0);
  const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  for (const key of ["-", "dir/-", "obj.txt", ".bashrc", "dir/.."]) {
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "object-bytes" }));
  }
  expect((await sandbox.run(["assume", "--write-profile"])).code).toBe(0);
}, 60_000);

describe("test-get never mixes the object into stdout's JSON", () => {
  it.each([["-"], ["dir/-"]])("key %s with --json: one sentence, exit 2, no download, stdout is only JSON", async (key) => {
    const result = await sandbox.run(["test-get", key, "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: "test-get", ok: false, error: { exitCode: 2 } });
    expect(result.stdout).not.toContain("object-bytes");
    expect(getObjectCalls(result)).toBe(0);
  });

  it("a key whose base name is '-', '.' or '..' needs an output file: it never means stdout by accident", async () => {
    for (const key of ["-", "dir/-", "dir/.."]) {
      const result = await sandbox.run(["test-get", key]);
      expect(result.code, key).toBe(2);
      expect(result.stdout).not.toContain("object-bytes");
      expect(result.stderr).toContain("give an output file");
      expect(getObjectCalls(result)).toBe(0);
    }
    const named = await sandbox.run(["test-get", "-", join(sandbox.dir, "dash.txt")]);
    expect(named.code).toBe(0);
    expect(await readFile(join(sandbox.dir, "dash.txt"), "utf8")).toBe("object-bytes");
  });
});

describe("test-get's files", () => {
  it("creates a new file 0600, whatever the umask", async () => {
    const out = join(sandbox.dir, "new.txt");
    const previous = process.umask(0o022);
    try {
      expect((await sandbox.run(["test-get", "obj.txt", out])).code).toBe(0);
    } finally {
      process.umask(previous);
    }
    expect(await readFile(out, "utf8")).toBe("object-bytes");
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it("refuses to overwrite an existing file, dotfiles included, before downloading anything", async () => {
    const out = join(sandbox.dir, "existing.txt");
    await writeFile(out, "mine");
    const refused = await sandbox.run(["test-get", "obj.txt", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${out} already exists`);
    expect(refused.stderr).toContain("--force");
    expect(getObjectCalls(refused)).toBe(0);
    expect(await readFile(out, "utf8")).toBe("mine");

    await writeFile(join(sandbox.dir, ".bashrc"), "my shell");
    const dotfile = await sandbox.run(["test-get", ".bashrc"]);
    expect(dotfile.code).toBe(2);
    expect(await readFile(join(sandbox.dir, ".bashrc"), "utf8")).toBe("my shell");
  });

  it("with --force, replaces the file and keeps its mode", async () => {
    const out = join(sandbox.dir, "private.txt");
    await writeFile(out, "mine");
    await chmod(out, 0o600);
    const forced = await sandbox.run(["test-get", "obj.txt", out, "--force"]);
    expect(forced.code).toBe(0);
    expect(await readFile(out, "utf8")).toBe("object-bytes");
    expect((await stat(out)).mode & 0o777).toBe(0o600);

    await chmod(out, 0o640);
    expect((await sandbox.run(["test-get", "obj.txt", out, "--force"])).code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o640);
  });

  it.skipIf(process.getuid?.() !== 0)("with --force under sudo, a user's file stays the user's, and setuid bits are never carried over", async () => {
    const out = join(sandbox.dir, "users-file.txt");
    await writeFile(out, "mine");
    await chown(out, 4242, 4242);
    await chmod(out, 0o4755);
    expect((await sandbox.run(["test-get", "obj.txt", out, "--force"])).code).toBe(0);
    const info = await stat(out);
    expect([info.uid, info.gid]).toEqual([4242, 4242]);
    expect(info.mode & 0o7777).toBe(0o755);
  });

  it("through a symlink: refused without --force; with it, the target is replaced, keeps its mode, and the link stays", async () => {
    const target = join(sandbox.dir, "secret-target.txt");
    const link = join(sandbox.dir, "secret-link.txt");
    await writeFile(target, "mine");
    await chmod(target, 0o600);
    await symlink(target, link);
    expect((await sandbox.run(["test-get", "obj.txt", link])).code).toBe(2);
    expect(await readFile(target, "utf8")).toBe("mine");

    expect((await sandbox.run(["test-get", "obj.txt", link, "--force"])).code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, "utf8")).toBe("object-bytes");
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it("a dangling symlink counts as an existing name: refused without --force", async () => {
    const link = join(sandbox.dir, "dangling.txt");
    const target = join(sandbox.dir, "nowhere.txt");
    await symlink(target, link);
    const refused = await sandbox.run(["test-get", "obj.txt", link]);
    expect(refused.code).toBe(2);
    await expect(stat(target)).rejects.toThrow();
    await rm(link);
  });

  it("devices are written to as today, without --force", async () => {
    const result = await sandbox.run(["test-get", "obj.txt", "/dev/null"]);
    expect(result.code).toBe(0);
    expect((await lstat("/dev/null")).isCharacterDevice()).toBe(true);
  });
});
