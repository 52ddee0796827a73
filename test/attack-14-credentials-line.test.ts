/**
 * Attack 14 (x2 3-7): where `xacct credentials` prints, where its cache lives, and the
 * credential_process line it is started by.
 * - stdout a regular file others may read: the fast path hands over, the full CLI refuses (x2 5);
 * - a relative XDG_CACHE_HOME / XDG_CONFIG_HOME is ignored, as the XDG spec says (x2 6);
 * - a Node without process.getBuiltinModule goes the full CLI's way, no stack trace (x2 7);
 * - no process-style profile on Windows, whose readers do not read POSIX quotes (x2 3);
 * - a relative PATH entry before the install: the line names xacct by its absolute path (x2 4).
 */
import { execFile } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRefreshingProfile } from "../src/awsconfig/refreshing-profile.js";
import { xacctLauncher } from "../src/awsconfig/xacct-launcher.js";
import { exposedFile } from "../src/credential-process-output.js";
import { serveCachedCredentials } from "../src/credential-process.js";
import { cacheDirectory } from "../src/credentials-cache-read.js";
import { XacctError } from "../src/errors.js";
import { stateFilePath } from "../src/state-read.js";
import { checkProfileStyle } from "../src/validate/index.js";
import { BIN } from "./support/xacct-process.js";

const LINE = ["credentials", "--role-arn=arn:aws:iam::111111111111:role/StageRole", "--profile=staging", "--region=us-east-1"];

async function sandboxEnv(): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(join(tmpdir(), "xacct-a14-line-"));
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "config"), "[profile staging]\nregion = us-east-1\n");
  return {
    PATH: process.env["PATH"],
    HOME: home,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    XACCT_STATE_FILE: join(home, "state.json"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

describe("stdout a file other users may read (x2 5)", () => {
  it("is told apart from a private file and a pipe", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-a14-out-"));
    const open = async (mode: number) => {
      const path = join(dir, `out-${mode.toString(8)}`);
      await writeFile(path, "");
      await chmod(path, mode);
      return openSync(path, "w");
    };
    for (const [mode, exposed] of [
      [0o644, true],
      [0o640, true],
      [0o600, false],
    ] as const) {
      const fd = await open(mode);
      expect(exposedFile(fd)).toBe(exposed);
      closeSync(fd);
    }
  });

  it("the fast path hands the run over", async () => {
    const served = await serveCachedCredentials(LINE, { env: await sandboxEnv(), stdoutIsTerminal: false, stdoutExposed: true, write: () => undefined });
    expect(served).toBe(false);
  });

  it("the full CLI refuses in one sentence (exit 2), and the file stays empty", async () => {
    const env = await sandboxEnv();
    const path = join(env["HOME"]!, "creds.json");
    await writeFile(path, "", { mode: 0o644 });
    await chmod(path, 0o644);
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = execFile("sh", ["-c", `exec "$0" "$@" > "${path}"`, process.execPath, BIN, ...LINE], { env, timeout: 60_000 });
      let stderr = "";
      child.stderr?.on("data", (d) => (stderr += d));
      child.on("close", (code) => done({ code: code ?? 1, stderr }));
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("its output is a file other users may read (or another user's), so it prints nothing.");
    expect(result.stderr).toContain("chmod 600");
    expect(await readFile(path, "utf8")).toBe("");
  });
});

describe("a relative XDG_CACHE_HOME or XDG_CONFIG_HOME (x2 6)", () => {
  it("is ignored: the default under the home is used", () => {
    expect(cacheDirectory({ XDG_CACHE_HOME: ".cache-rel" }, "/home/u")).toBe("/home/u/.cache/xacct/credentials");
    expect(cacheDirectory({ XDG_CACHE_HOME: "/abs/cache" }, "/home/u")).toBe("/abs/cache/xacct/credentials");
    expect(stateFilePath({ XDG_CONFIG_HOME: "cfg" }, "/home/u")).toBe("/home/u/.config/xacct/state.json");
    expect(stateFilePath({ XDG_CONFIG_HOME: "/abs/cfg" }, "/home/u")).toBe("/abs/cfg/xacct/state.json");
  });
});

describe("a Node without process.getBuiltinModule (x2 7)", () => {
  it("runs the full CLI: its own sentence, no stack trace", async () => {
    const env = await sandboxEnv();
    const hook = join(env["HOME"]!, "no-gbm.mjs");
    await writeFile(hook, "delete process.getBuiltinModule;\n");
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = execFile(process.execPath, [BIN, ...LINE], { env: { ...env, NODE_OPTIONS: `--import=${hook}` }, timeout: 60_000 });
      let stderr = "";
      child.stderr?.on("data", (d) => (stderr += d));
      child.on("close", (code) => done({ code: code ?? 1, stderr }));
    });
    expect(result.stderr).not.toMatch(/TypeError|getBuiltinModule|\n\s+at /);
    expect(result.stderr).toMatch(/^✘ /m);
  });
});

describe("process-style profiles on Windows (x2 3)", () => {
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error as XacctError;
    }
    return undefined;
  };

  it("--profile-style process is refused on win32 in one sentence (exit 2), and accepted elsewhere", () => {
    const error = refused(() => checkProfileStyle("process", "win32"));
    expect(error).toBeInstanceOf(XacctError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toBe(
      "--profile-style process writes a credential_process line quoted for POSIX shells, which Windows reads differently, so xacct does not write one on Windows yet.",
    );
    expect(checkProfileStyle("process", "linux")).toBe("process");
    expect(checkProfileStyle("role", "win32")).toBe("role");
  });

  it("a process profile reached without the flag (a rerun keeps the style) is refused too", () => {
    const profile = {
      name: "Proc",
      roleArn: "arn:aws:iam::111111111111:role/x&calc&/StageRole",
      sourceProfile: "staging",
      sessionName: "s",
      region: "us-east-1",
    };
    expect(refused(() => checkRefreshingProfile("process", profile, "win32"))?.exitCode).toBe(2);
    expect(refused(() => checkRefreshingProfile("process", profile, "linux"))).toBeUndefined();
  });
});

describe("a relative PATH entry before the install (x2 4)", () => {
  it("the line names xacct by its absolute path, not the bare word a folder's own xacct would answer", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xacct-a14-path-"));
    const bin = join(dir, "bin");
    await mkdir(bin);
    await symlink(BIN, join(bin, "xacct"));
    await symlink(process.execPath, join(bin, "node"));
    expect(xacctLauncher(BIN, { PATH: bin })).toEqual(["xacct"]);
    for (const path of [`.:${bin}`, `:${bin}`, `node_modules/.bin:${bin}`, `${bin.replace(/\/bin$/, "")}/./x:rel:${bin}`]) {
      const launcher = xacctLauncher(BIN, { PATH: path });
      expect({ path, launcher }).toEqual({ path, launcher: [process.execPath, BIN] });
    }
    expect(xacctLauncher(BIN, { PATH: `${bin}::` })).toEqual(["xacct"]);
  });
});

describe("a role ARN path on a POSIX line (x2 3)", () => {
  it("IAM allows any of ! to ~ in a path: each value reads back unchanged through sh and shlex", async () => {
    const { credentialProcessCommand } = await import("../src/awsconfig/refreshing-profile.js");
    const { checkRoleArn } = await import("../src/validate/index.js");
    const path = "/x&calc&|a;b`c`$(d)'e\"f\\g%PATH%^<>*?[]{}~#!=/";
    const roleArn = checkRoleArn(`arn:aws:iam::111111111111:role${path}StageRole`);
    const line = credentialProcessCommand({ name: "P", roleArn, sourceProfile: "staging", sessionName: "s", region: "us-east-1" }, ["/opt/xacct/bin/xacct.js"]);
    const viaSh = await new Promise<string>((done) => execFile("sh", ["-c", `printf '%s\\n' ${line.slice(line.indexOf(" ") + 1)}`], (_e, out) => done(out)));
    expect(viaSh.split("\n")).toContain(`--role-arn=${roleArn}`);
    const viaShlex = await new Promise<string>((done) =>
      execFile("python3", ["-c", "import shlex,sys,json; print(json.dumps(shlex.split(sys.argv[1])))", line], (_e, out) => done(out)),
    );
    expect(JSON.parse(viaShlex) as string[]).toContain(`--role-arn=${roleArn}`);
  });
});
