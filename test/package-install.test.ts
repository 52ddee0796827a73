/**
 * The package as a user gets it: `npm pack` of a tree that has never been built (a fresh
 * clone: no dist/), installed with `npm install -g --prefix DIR` into an empty prefix, offline
 * and with an empty npm cache (the bundle holds every dependency, so an install downloads
 * nothing), then the installed `DIR/bin/xacct` runs the whole unattended flow against the
 * emulator, on the node that runs this test (CI runs it on Node 20, 22 and 24).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../src/version.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);
const sandbox = useSandbox();

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let work: string;
let packed: Packed;
let prefix: string;
/** Why the install failed, reported by each test that needs the installed CLI. */
let installFailure = "";

/** What a fresh clone holds that packing needs: no dist/, no dist-dev/; node_modules as `npm ci` left it. */
async function freshClone(dir: string): Promise<void> {
  for (const entry of ["package.json", "package-lock.json", "LICENSE", "README.md", "bin", "scripts", "src"]) {
    await cp(join(REPO, entry), join(dir, entry), { recursive: true });
  }
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
}

/** npm, run by the node that runs this test (CI runs the suite under Node 22 and 24 too). */
function npmEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env["PATH"] ?? ""}` };
  for (const key of Object.keys(env)) if (key.toLowerCase().startsWith("npm_")) delete env[key]; // nothing of an outer `npm test`
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

/** The installed CLI, as a user's shell runs it: by its name in DIR/bin, under `#!/usr/bin/env node`. */
async function installed(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  expect(installFailure).toBe("");
  const env: NodeJS.ProcessEnv = {
    ...sandbox.env,
    PATH: `${join(prefix, "bin")}${delimiter}${dirname(process.execPath)}${delimiter}${process.env["PATH"] ?? ""}`,
  };
  delete env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"]; // the installed bin must silence the SDK itself
  const child = execFile(join(prefix, "bin", "xacct"), args, { env, cwd: sandbox.dir, timeout: 60_000 });
  child.stdin?.end();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? 1)));
  return { code, stdout, stderr };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "xacct-package-"));
  const clone = join(work, "clone");
  const tarballs = join(work, "tarballs");
  prefix = join(work, "prefix");
  await mkdir(clone);
  await mkdir(tarballs);
  await freshClone(clone);
  const env = npmEnv(join(work, "npm-cache"));
  const pack = await exec("npm", ["pack", "--json", "--pack-destination", tarballs], { cwd: clone, env, maxBuffer: 64 * 1024 * 1024 });
  packed = (JSON.parse(pack.stdout) as Packed[])[0]!;
  // An empty cache and --offline: any dependency left to download fails the install.
  await exec("npm", ["install", "-g", "--offline", "--prefix", prefix, join(tarballs, packed.filename)], { cwd: work, env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stderr?: string }) => (installFailure = `npm install -g --offline failed: ${error.stderr ?? String(error)}`),
  );
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed and installed package", () => {
  it("ships only what runs: bin/, dist/ without the dev builds, LICENSE, README and package.json", () => {
    const paths = packed.files.map((file) => file.path).sort();
    const outside = paths.filter((path) => !path.startsWith("dist/"));
    // bin/package.json makes bin/xacct.js CommonJS (see there).
    expect(outside).toEqual(["LICENSE", "README.md", "bin/package.json", "bin/xacct.js", "package.json"]);
    const unexpected = paths.filter(
      (path) => path.startsWith("dist/") && !/^dist\/[\w/.-]+\.(js|cjs|js\.map|cjs\.map|LEGAL\.txt)$|^dist\/THIRD-PARTY-NOTICES\.txt$/.test(path),
    );
    expect(unexpected).toEqual([]);
    expect(paths).toContain("dist/main.cjs");
    expect(paths).toContain("dist/credential-process.cjs");
    expect(paths).toContain("dist/THIRD-PARTY-NOTICES.txt");
    // The source maps carry file and line for --debug's stack traces, not the sources themselves.
    expect(packed.size).toBeLessThan(1.5 * 1024 * 1024);
    expect(packed.unpackedSize).toBeLessThan(5 * 1024 * 1024);
  });

  it("installs no dependencies: the bundle holds them all", async () => {
    expect(installFailure).toBe("");
    const pkg = JSON.parse(await readFile(join(prefix, "lib", "node_modules", "xacct", "package.json"), "utf8"));
    expect(pkg.dependencies ?? {}).toEqual({});
    await expect(stat(join(prefix, "lib", "node_modules", "xacct", "node_modules"))).rejects.toThrow(/ENOENT/);
    // Nor does any code it ships load a package by name: only Node's built-ins and its own files.
    const dist = join(prefix, "lib", "node_modules", "xacct", "dist");
    const loaded = new Set<string>();
    for (const file of (await readdir(dist, { recursive: true })).filter((name) => /\.c?js$/.test(name))) {
      const code = await readFile(join(dist, file), "utf8");
      for (const match of code.matchAll(/\b(?:require|import)\(\s*["'`]([^"'`\s]+)["'`]\s*\)|\bfrom\s*["']([^"'\s]+)["']/g))
        loaded.add((match[1] ?? match[2])!);
    }
    const name = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.-]+)*$/;
    const packages = [...loaded].filter((spec) => name.test(spec) && !builtinModules.includes(spec)).sort();
    // Named only in the SDK's error text for SigV4a (multi-Region access points), which xacct never signs for.
    expect(packages).toEqual(["@aws-sdk/signature-v4-crt", "@aws-sdk/signature-v4a"]);
  });

  it("prints its version and help", async () => {
    expect(await installed(["--version"])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const help = await installed(["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    for (const command of ["setup", "assume", "test-get", "teardown"]) expect(help.stdout).toContain(command);
  });

  it("runs setup, assume --write-profile and test-get unattended, with nothing on stderr", async () => {
    const setup = await installed(setupArgs());
    expect(setup).toMatchObject({ code: 0, stderr: "" });
    const prod = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    await prod.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "Sunset.jpg", Body: "jpeg-bytes" }));

    const assumed = await installed(["assume", "--write-profile"]);
    expect(assumed).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(sandbox.configFile, "utf8")).toContain("[profile TempCred]");

    const out = join(sandbox.dir, "Sunset.jpg");
    const got = await installed(["test-get", "Sunset.jpg", out]);
    expect(got).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(out, "utf8")).toBe("jpeg-bytes");
  });
});
