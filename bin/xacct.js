#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry starts Node's ES module loader, and its every
// `import` of a built-in loads the whole of that module, a cost paid on every run of a shell
// prompt or an AWS tool. require() loads built-ins as they are, and the two answers below need
// nothing else.
"use strict";
const args = process.argv.slice(2);

// Node opens its inspector (a debugger any local user can reach at 127.0.0.1:9229) on SIGUSR1
// unless a listener is installed. xacct holds keys from its first line on, so one always is,
// in every command; xacct exec adds its own listener, which passes the signal to its command.
process.on("SIGUSR1", () => {});

if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) printVersion();
else void run();

/**
 * `xacct --version` is run by scripts and shell prompts: answered without loading the CLI, in
 * one write to the descriptor (building process.stdout for a pipe costs more than the rest).
 * A write that fails is lost, as one to a closed pipe always was: the exit code stays 0.
 */
function printVersion() {
  const { readFileSync, writeSync } = require("node:fs");
  const { version } = JSON.parse(readFileSync(require("node:path").join(__dirname, "..", "package.json"), "utf8"));
  try {
    writeSync(1, `${version}\n`);
  } catch {
    // nobody to tell
  }
  process.exit(0);
}

async function run() {
  // `xacct credentials` (credential_process) runs before every AWS command of its profile: a
  // cached session is printed by one small module with no SDK and no command framework. Any
  // doubt (a miss, a flag it does not know, bad input) leaves the run to the full CLI below.
  if (args[0] === "credentials" || args[1] === "credentials") {
    const { serveCachedCredentials } = require("../dist/credential-process.cjs");
    if (await serveCachedCredentials(args)) process.exit(0);
  }

  enableCompileCache();

  // xacct prints only through its own streams. What libraries print (the SDK's Node.js version
  // warning, deprecations, console.warn) is noise to the user, shown with --debug only.
  const debug = process.argv.includes("--debug");
  // Set for xacct alone: recorded, so xacct exec does not hand it to the user's programs.
  if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    globalThis[Symbol.for("xacct.ownVariables")] = ["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"];
  }
  if (debug) {
    process.setSourceMapsEnabled(true); // dist/ is minified: point stack traces into src/
  } else {
    process.removeAllListeners("warning");
    for (const level of ["debug", "info", "log", "warn", "error", "trace"]) console[level] = () => {};
  }
  await import("../dist/main.js");
}

/**
 * Node 22+ keeps compiled code between runs (the SDK takes ~100 ms to compile); absent on
 * Node 20. Kept in a folder of the user's own: Node's default, os.tmpdir()/node-compile-cache,
 * is one any local user can create first and fill, and Node runs the code it finds there.
 * A folder that is not as xacct made it (a link, another user's, open to others) means no cache.
 */
function enableCompileCache() {
  const { enableCompileCache } = require("node:module");
  if (!enableCompileCache) return;
  const folder = privateCacheFolder();
  if (folder !== undefined) enableCompileCache(folder);
}

/** `.../xacct/compile-cache` under XDG_CACHE_HOME or ~/.cache, 0700 and ours, made if missing; else undefined. */
function privateCacheFolder() {
  const { lstatSync, mkdirSync } = require("node:fs");
  const { isAbsolute, join } = require("node:path");
  const xdg = process.env.XDG_CACHE_HOME; // a relative one is invalid (XDG Base Directory spec)
  const root = xdg && isAbsolute(xdg) ? xdg : join(require("node:os").homedir(), ".cache");
  const folders = [join(root, "xacct"), join(root, "xacct", "compile-cache")];
  try {
    // One level at a time, each checked before the next is made in it: mkdir's recursive mode
    // follows links. Above xacct's folder, only the cache root is made (the user's choice).
    makeFolder(root);
    for (const folder of folders) if (!makeFolder(folder) || !isPrivateFolder(folder)) return undefined;
    return folders[1];
  } catch {
    return undefined;
  }

  /** Whether the folder is there now. */
  function makeFolder(folder) {
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if (error.code !== "EEXIST") return false;
    }
    return true;
  }

  function isPrivateFolder(folder) {
    const info = lstatSync(folder);
    const ours = process.getuid === undefined || info.uid === process.getuid();
    return info.isDirectory() && ours && (process.platform === "win32" || (info.mode & 0o777) === 0o700);
  }
}
