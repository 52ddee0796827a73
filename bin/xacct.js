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
 * A write to a closed pipe is lost, as it always was: the exit code stays 0.
 */
function printVersion() {
  const { readFileSync, writeSync } = require("node:fs");
  let text;
  try {
    text = readFileSync(require("node:path").join(__dirname, "..", "package.json"), "utf8");
  } catch (error) {
    if (error?.code === "ENOENT") incompleteInstall("package.json");
    throw error;
  }
  try {
    writeSync(1, `${JSON.parse(text).version}\n`);
  } catch (error) {
    if (error?.code !== "EPIPE") outputFailed(error);
  }
  process.exit(0);
}

/** A file of the package is gone (a damaged or half-done install): one sentence, no stack trace. */
function incompleteInstall(file) {
  say(`✘ xacct's installation is incomplete (${file} is missing): reinstall xacct.\n`);
  process.exit(1);
}

/** A file of the package is there but cannot be loaded (cut short, unreadable, a folder): as incompleteInstall. */
function damagedInstall(file) {
  say(`✘ xacct's installation is damaged (${file} cannot be loaded): reinstall xacct.\n`);
  process.exit(1);
}

/** Output that cannot be written (a full disk, EIO) other than to a closed pipe: said on stderr if it can be. */
function outputFailed(error) {
  const reason = String(error?.message ?? error).replace(/, write$/, "");
  say(`✘ xacct could not write its output (${reason}).\n`);
  process.exit(1);
}

function say(text) {
  try {
    require("node:fs").writeSync(2, text);
  } catch {
    // nobody to tell
  }
}

async function run() {
  // A write past `ulimit -f` raises SIGXFSZ. Node ignores it, so the write fails (EFBIG) and
  // xacct finishes what it is changing, then says so; but proper-lockfile's exit hook listens
  // for it and, being the only listener, kills xacct with it mid-change. One more listener
  // keeps Node's way.
  if (process.platform !== "win32") process.on("SIGXFSZ", () => {});

  // `xacct credentials` (credential_process) runs before every AWS command of its profile: a
  // cached session is printed by one small module with no SDK and no command framework. Any
  // doubt (a miss, a flag it does not know, bad input) leaves the run to the full CLI below.
  if (args[0] === "credentials" || args[1] === "credentials") {
    const fastPath = loadCredentialProcess();
    if (fastPath && (await fastPath.serveCachedCredentials(args))) process.exit(0);
  }

  // The ES modules of dist/ reach Node's built-ins through process.getBuiltinModule
  // (scripts/build.mjs), which a Node before 20.16 lacks: there require() answers the same.
  process.getBuiltinModule ??= require;

  let front;
  try {
    front = require("./front.js");
  } catch (error) {
    if (error?.code === "MODULE_NOT_FOUND" && !require("node:fs").existsSync(require("node:path").join(__dirname, "front.js")))
      incompleteInstall("bin/front.js");
    damagedInstall("bin/front.js");
  }
  // Empty, or cut short between two functions: it loads, with less than it exports.
  if (!["enableCompileCache", "privateCacheFolder", "readFront", "runFront"].every((name) => typeof front?.[name] === "function"))
    damagedInstall("bin/front.js");
  const { enableCompileCache, privateCacheFolder, runFront } = front;
  const install = { missing: incompleteInstall, damaged: damagedInstall };
  const cacheFolder = privateCacheFolder();

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
    // Node's own loader, which maps stack traces through dist/main.cjs.map; no front cache.
    enableCompileCache(cacheFolder);
    const file = require("node:path").join(__dirname, "..", "dist", "main.cjs");
    front.readFront(file, install); // whole, as without --debug
    try {
      require(file);
    } catch (error) {
      if (error instanceof SyntaxError) damagedInstall("dist/main.cjs");
      throw error;
    }
  } else {
    process.removeAllListeners("warning");
    for (const level of ["debug", "info", "log", "warn", "error", "trace"]) {
      try {
        console[level] = () => {};
      } catch {
        // frozen (node --frozen-intrinsics): left as it is
      }
    }
    runFront(cacheFolder, install);
  }
}

/** dist/credential-process.cjs, or undefined if it cannot be loaded (or is empty): the full CLI serves the request then. */
function loadCredentialProcess() {
  try {
    const fastPath = require("../dist/credential-process.cjs");
    return typeof fastPath?.serveCachedCredentials === "function" ? fastPath : undefined;
  } catch {
    return undefined;
  }
}
