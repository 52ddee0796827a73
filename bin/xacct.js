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

  // The ES modules of dist/ reach Node's built-ins through process.getBuiltinModule
  // (scripts/build.mjs), which a Node before 20.16 lacks: there require() answers the same.
  process.getBuiltinModule ??= require;

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
  } else {
    process.removeAllListeners("warning");
    for (const level of ["debug", "info", "log", "warn", "error", "trace"]) console[level] = () => {};
  }
  if (debug) {
    // Node's own loader, which maps stack traces through dist/main.cjs.map; no front cache.
    enableCompileCache(cacheFolder);
    require("../dist/main.cjs");
  } else runFront(cacheFolder);
}

/**
 * Node 22+ keeps compiled code between runs (the SDK takes ~100 ms to compile); absent on
 * Node 20. Kept in a folder of the user's own (privateCacheFolder): Node's default,
 * os.tmpdir()/node-compile-cache, is one any local user can create first and fill, and Node
 * runs the code it finds there. Enabled before the first ES module is imported: the front
 * has its own cache, and --help and usage errors import none.
 */
function enableCompileCache(folder) {
  const { enableCompileCache } = require("node:module");
  if (enableCompileCache && folder !== undefined) enableCompileCache(folder);
}

/**
 * dist/main.cjs, the front every command runs (the entry point, the command table, commander).
 * Node's compile cache keeps what V8 compiles before a file runs, not the functions the run
 * compiles then (most of commander's, ~6 ms of every start). V8's cache made after a run keeps
 * those: so the front is compiled here, with such a cache from the private folder, remade when
 * V8 refuses it (another Node or V8 flags) or the front is another file. It runs as Node runs
 * a CommonJS module (listed in require.cache too); its import() calls come here (the build
 * routes them), as code compiled by node:vm cannot import on its own. Node maps no stack trace
 * of such code to its source: --debug loads the front with require().
 */
function runFront(cacheFolder) {
  const Module = module.constructor; // Node's Module, without loading node:module's public API
  const { join } = require("node:path");
  const dist = join(__dirname, "..", "dist");
  const file = join(dist, "main.cjs");
  const source = require("node:fs").readFileSync(file, "utf8");
  const cache = cacheFolder === undefined ? undefined : frontCache(cacheFolder, file);
  // The wrapper on a line of its own, and lineOffset -1: lines and columns are the file's.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __xacctImport) {\n${source}\n})`;
  const script = new (require("node:vm").Script)(wrapped, { filename: file, lineOffset: -1, cachedData: cache?.data });
  if (cache && (cache.data === undefined || script.cachedDataRejected)) process.once("exit", () => cache.save(script.createCachedData()));
  const front = new Module(file, module);
  front.filename = file;
  front.loaded = true;
  require.cache[file] = front;
  let firstImport = true;
  const importer = (specifier) => {
    if (firstImport) enableCompileCache(cacheFolder);
    firstImport = false;
    return import(require("node:url").pathToFileURL(join(dist, specifier)).href);
  };
  script.runInThisContext().call(front.exports, front.exports, Module.createRequire(file), front, file, dist, importer);
}

/**
 * The front's V8 cache: one file per Node version and front path, holding the front's identity
 * (size, times, inode: a rebuilt or reinstalled front is another) and the cache. Written beside
 * and renamed over, so a reader never meets half a file; any failure only means no cache.
 */
function frontCache(folder, file) {
  const { readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
  const { size, mtimeMs, ctimeMs, ino } = statSync(file);
  const identity = `${file} ${size} ${mtimeMs} ${ctimeMs} ${ino}\n`;
  const path = require("node:path").join(folder, `front-${process.version}-${process.arch}-${checksum(file)}.v8`);
  let data;
  try {
    const stored = readFileSync(path);
    const end = stored.indexOf(10);
    if (stored.toString("utf8", 0, end + 1) === identity) data = stored.subarray(end + 1);
  } catch {
    // none yet
  }
  const save = (made) => {
    const temp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, Buffer.concat([Buffer.from(identity), made]), { mode: 0o600 });
      renameSync(temp, path);
    } catch {
      // a cache only
    }
  };
  return { data, save };
}

/** FNV-1a of a short string, in hex: tells apart the fronts of several installs. */
function checksum(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

/** `.../xacct/compile-cache` under XDG_CACHE_HOME or ~/.cache, 0700 and ours, made if missing; else undefined. */
function privateCacheFolder() {
  const { lstatSync, mkdirSync } = require("node:fs");
  const { isAbsolute, join } = require("node:path");
  const xdg = process.env.XDG_CACHE_HOME; // a relative one is invalid (XDG Base Directory spec)
  // os.homedir() answers $HOME when it is set: the common case needs no node:os.
  const root = xdg && isAbsolute(xdg) ? xdg : join(process.env.HOME || require("node:os").homedir(), ".cache");
  const xacct = join(root, "xacct");
  const folder = join(xacct, "compile-cache");
  try {
    // One level at a time, each checked before the next is made in it: mkdir's recursive mode
    // follows links. Above xacct's folder, only the cache root is made (the user's choice).
    if (lstatSync(xacct, { throwIfNoEntry: false }) === undefined) {
      if (lstatSync(root, { throwIfNoEntry: false }) === undefined) mkdirSync(root, { mode: 0o700 });
      mkdirSync(xacct, { mode: 0o700 });
    }
    if (!isPrivateFolder(xacct)) return undefined;
    if (lstatSync(folder, { throwIfNoEntry: false }) === undefined) mkdirSync(folder, { mode: 0o700 });
    return isPrivateFolder(folder) ? folder : undefined;
  } catch {
    return undefined; // another process made it meanwhile: the next run uses it
  }

  function isPrivateFolder(path) {
    const info = lstatSync(path);
    const ours = process.getuid === undefined || info.uid === process.getuid();
    return info.isDirectory() && ours && (process.platform === "win32" || (info.mode & 0o777) === 0o700);
  }
}
