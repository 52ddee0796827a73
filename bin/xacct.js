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
    readFront(file, install); // whole, as without --debug
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

// The front (dist/main.cjs), compiled with its V8 code cache, and the private folder where
// compiled code is kept. In this file rather than one of its own: a second module costs every
// start ~0.7 ms (Node's CJS resolution and compile), 3% of `node -e 0` on Node 24.

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
 * of such code to its source: --debug loads the front with require(). install.missing(file)
 * and install.damaged(file) say a file of the package is missing or cannot be loaded, and exit.
 */
function runFront(cacheFolder, install) {
  const Module = module.constructor; // Node's Module, without loading node:module's public API
  const { join } = require("node:path");
  const dist = join(__dirname, "..", "dist");
  const file = join(dist, "main.cjs");
  const { source, identity } = readFront(file, install);
  const cache = cacheFolder === undefined ? undefined : frontCache(cacheFolder, identity);
  // The wrapper on a line of its own, and lineOffset -1: lines and columns are the file's.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __xacctImport) {\n${source}\n})`;
  let script;
  try {
    script = new (require("node:vm").Script)(wrapped, { filename: file, lineOffset: -1, cachedData: cache?.data });
  } catch {
    install.damaged("dist/main.cjs"); // its source does not compile: cut short, or not the front
  }
  if (cache && (cache.data === undefined || script.cachedDataRejected)) process.once("exit", () => cache.save(script.createCachedData()));
  const front = new Module(file, module);
  front.filename = file;
  front.loaded = true;
  require.cache[file] = front;
  let firstImport = true;
  const importer = (specifier) => {
    if (firstImport) enableCompileCache(cacheFolder);
    firstImport = false;
    return import(require("node:url").pathToFileURL(join(dist, specifier)).href).catch((error) => {
      if (error?.code === "ERR_MODULE_NOT_FOUND") {
        const missing = missingPackageFile(error, join(dist, specifier));
        if (missing !== undefined) install.missing(missing);
      }
      throw error;
    });
  };
  script.runInThisContext().call(front.exports, front.exports, Module.createRequire(file), front, file, dist, importer);
}

/**
 * The front's source, and its identity: the hash the build wrote in its last lines, with the
 * file's size, times and inode (a front edited by hand keeps its stamp), all from one open file,
 * so an upgrade renaming a new front over it between a read and a stat is not mixed up. The
 * front must end with the build's stamp: one cut short (or empty) may compile, and run nothing.
 */
function readFront(file, install) {
  const { closeSync, fstatSync, openSync, readFileSync } = require("node:fs");
  let fd;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if (error?.code === "ENOENT") install.missing("dist/main.cjs");
    install.damaged("dist/main.cjs");
  }
  let source;
  let info;
  try {
    info = fstatSync(fd);
    source = readFileSync(fd, "utf8");
  } catch {
    install.damaged("dist/main.cjs"); // a folder, or unreadable
  } finally {
    closeSync(fd);
  }
  const stamp = frontStamp(source);
  if (stamp === undefined) install.damaged("dist/main.cjs");
  return { source, identity: `${stamp} ${info.size} ${info.mtimeMs} ${info.ctimeMs} ${info.dev} ${info.ino}` };
}

/** The hash in the front's stamp (scripts/build.mjs), if the source ends with it and the map's line. */
function frontStamp(source) {
  // Line ends as a checkout or an editor may leave them (CRLF, no last one): Node runs those alike.
  return /\n\/\/# xacctFront=([0-9a-f]{16})\r?\n\/\/# sourceMappingURL=main\.cjs\.map(\r?\n)?$/.exec(source.slice(-80))?.[1];
}

/** The file of the package an ERR_MODULE_NOT_FOUND is about ("dist/…"), if it is indeed missing. */
function missingPackageFile(error, asked) {
  const { existsSync } = require("node:fs");
  const { join, relative, sep } = require("node:path");
  const path = typeof error.url === "string" && error.url.startsWith("file:") ? require("node:url").fileURLToPath(error.url) : asked;
  const file = relative(join(__dirname, ".."), path);
  return existsSync(path) || file.startsWith("..") ? undefined : file.split(sep).join("/");
}

/**
 * The front's V8 cache: one file per Node version, node flags and front, named by the front's
 * identity (readFront: a rebuilt, reinstalled or edited front is another, and two installs at
 * one path, as containers sharing a home or disk images mounted in turn, keep one each),
 * holding that identity and the cache's length, then
 * the cache twice. V8 runs a damaged cache as it is (a flipped bit is a crash or other code), so
 * one is used only when its two copies are the same bytes: a comparison in native code, ~0.05 ms
 * where any checksum in JavaScript costs 1.2-1.5 ms of every start (115 KB run by the
 * interpreter) and node:crypto or node:zlib 2-3 ms to load.
 * Read only from a file of the user's own that no one else can write (readPrivateFile); written
 * beside as a new file and renamed over, so a reader never meets half a file; any failure only
 * means no cache, and one refused is made again at the end of the run.
 */
function frontCache(folder, identity) {
  const { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } = require("node:fs");
  const { join } = require("node:path");
  // V8 refuses a cache made under other V8 flags (NODE_OPTIONS=--max-old-space-size=4096 on
  // Node 22, --jitless): runs with other flags keep a cache of their own instead of remaking
  // one. Their order and spacing aside; every option counts, as which touch V8 is Node's to say.
  const flags = [...new Set([...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].filter(Boolean))].sort().join("\0");
  const name = `front-${process.version}-${process.arch}-${checksum(identity)}${flags === "" ? "" : `-${checksum(flags)}`}.v8`;
  const path = join(folder, name);
  let data;
  const stored = readPrivateFile(path);
  if (stored !== undefined) {
    const end = stored.indexOf(10);
    const length = (stored.length - end - 1) / 2;
    if (end > 0 && stored.toString("utf8", 0, end) === `${identity} ${length}`) {
      const payload = stored.subarray(end + 1, end + 1 + length);
      if (payload.equals(stored.subarray(end + 1 + length))) data = payload;
    }
  }
  const save = (made) => {
    // pid and a random part: runs in two containers sharing a home may both be pid 1.
    const temp = `${path}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`;
    let opened = false;
    try {
      const fd = openSync(temp, "wx", 0o600); // a new file, never one that was there (nor a link)
      opened = true;
      try {
        fchmodSync(fd, 0o600); // whatever the umask: readPrivateFile takes 0600 only
        writeFileSync(fd, Buffer.concat([Buffer.from(`${identity} ${made.length}\n`), made, made]));
        fsyncSync(fd); // on disk before its name is: a crash leaves the old cache or the new, whole
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
    } catch {
      if (opened) {
        try {
          unlinkSync(temp);
        } catch {
          // gone already
        }
      }
      return; // a cache only
    }
    removeOldCaches(folder, name, path);
  };
  return { data, save };
}

/**
 * Caches of other Node versions, flags and installs stay while they are in use: one who
 * switches between Node 22 and 24 (nvm) keeps both. A cache file, or a write's leftover, of the
 * user's own written over a month before the one just saved (`saved`: times from one clock,
 * the file system's, whatever the process's clock says) is deleted: a Node or an install since
 * removed; one still in use is made again on its next run, as is one another run saves between
 * the check and the deletion. Nothing else in the folder is touched: other names, links,
 * folders, other users' files.
 */
const CACHE_FILE = /^front-v\d+\.\d+\.\d+(-[\w.]+)?-\w+-[0-9a-f]+(-[0-9a-f]+)?\.v8(\.\d+(\.[0-9a-f]+)?\.tmp)?$/;
function removeOldCaches(folder, keep, saved) {
  const { lstatSync, readdirSync, unlinkSync } = require("node:fs");
  const { join } = require("node:path");
  let names;
  let before;
  try {
    before = lstatSync(saved).mtimeMs - 30 * 24 * 3600 * 1000;
    names = readdirSync(folder);
  } catch {
    return; // kept for now
  }
  for (const other of names) {
    if (other === keep || !CACHE_FILE.test(other)) continue;
    try {
      const at = join(folder, other);
      const info = lstatSync(at);
      const ours = process.getuid === undefined || info.uid === process.getuid();
      if (info.isFile() && ours && info.mtimeMs < before) unlinkSync(at);
    } catch {
      // gone meanwhile, or kept for now
    }
  }
}

/**
 * The file's bytes if it is a regular file of the user's own, 0600, with one name (a hard link
 * is a name someone else may hold), opened without following a link; else undefined.
 */
function readPrivateFile(path) {
  const { closeSync, constants, fstatSync, openSync, readFileSync } = require("node:fs");
  let fd;
  try {
    // Non-blocking: opening a FIFO planted at the path waits for a writer, for ever.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined; // none yet, or a link
  }
  try {
    const info = fstatSync(fd);
    const ours = process.getuid === undefined || info.uid === process.getuid();
    const mode = process.platform === "win32" || (info.mode & 0o777) === 0o600;
    return info.isFile() && ours && mode && info.nlink === 1 ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** FNV-1a of a short string, in hex: tells apart the fronts of several installs. */
function checksum(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

/**
 * `.../xacct/compile-cache` under XDG_CACHE_HOME or ~/.cache, 0700 and ours, made if missing;
 * else undefined, and then nothing is made. Used only when no one but the user and root can
 * change the way to it (as OpenSSH's StrictModes): every folder from / down to the cache root
 * belongs to the user or root and is not writable by group or others (unless sticky, as /tmp),
 * and so is every folder of the path the links on it lead to. Else another user could put a
 * cache of theirs there, code xacct would run (`sudo xacct` keeping HOME), and xacct would make
 * folders as root in their home.
 */
function privateCacheFolder() {
  const { lstatSync, mkdirSync, realpathSync, statSync } = require("node:fs");
  const { dirname, isAbsolute, join } = require("node:path");
  const xdg = process.env.XDG_CACHE_HOME; // a relative one is invalid (XDG Base Directory spec)
  // os.homedir() answers $HOME when it is set: the common case needs no node:os.
  const root = xdg && isAbsolute(xdg) ? xdg : join(process.env.HOME || require("node:os").homedir(), ".cache");
  const xacct = join(root, "xacct");
  const folder = join(xacct, "compile-cache");
  try {
    const rootInfo = lstatSync(root, { throwIfNoEntry: false });
    const existing = rootInfo === undefined ? dirname(root) : root;
    if (!trustedWay(existing, lstatSync, true)) return undefined;
    const real = realpathSync.native(existing); // the same path when no link is on it: checked already
    if (real !== existing && !trustedWay(real, statSync, false)) return undefined;
    // One level at a time, each checked before the next is made in it: mkdir's recursive mode
    // follows links. Above xacct's folder, only the cache root is made (the user's choice).
    if (rootInfo === undefined) mkdirSync(root, { mode: 0o700 });
    if (lstatSync(xacct, { throwIfNoEntry: false }) === undefined) mkdirSync(xacct, { mode: 0o700 });
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

  /**
   * Whether the folder and each above it belongs to the user or root, writable by no one else
   * (sticky aside). A link (lstat) must be the user's or root's too, as its owner may point it
   * elsewhere between this check and the use (in a sticky folder such as /tmp); where it leads
   * is checked apart.
   */
  function trustedWay(path, stat, skipLinks) {
    if (process.platform === "win32" || process.getuid === undefined) return true;
    for (let at = path; ; at = dirname(at)) {
      const info = stat(at);
      if (skipLinks && info.isSymbolicLink()) {
        if (info.uid !== process.getuid() && info.uid !== 0) return false;
      } else {
        if (!info.isDirectory() || (info.uid !== process.getuid() && info.uid !== 0)) return false;
        if ((info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0) return false;
      }
      if (dirname(at) === at) return true;
    }
  }
}
