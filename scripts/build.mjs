/**
 * `npm run build`: bundles src/ into dist/ with esbuild, and the demo and its local AWS
 * harness (src/demo, src/localaws) into dist-dev/, which the package does not ship. One
 * bundle starts faster than the hundreds of small modules tsc emits (most of start-up is
 * resolving and reading files), and code splitting keeps each command's SDK clients in chunks
 * loaded only when it runs, so `xacct --version` reads one small file. tsc stays the
 * typechecker (`npm run typecheck`).
 */
import { build } from "esbuild";
import { mkdir, readdir, rm, rmdir, writeFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, relative } from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { writeThirdPartyNotices } from "./third-party-notices.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

// Entry points keep their src/ paths in their folder: in dist/ (the package) what the front
// (below) imports on use, and the modules the store's multi-process tests and the benchmark
// (bench/) load directly; in dist-dev/ (never packed: package.json "files" names dist/ only)
// the demo and the emulator harness.
const FRONT_ENTRY = "src/main.ts";
const CREDENTIAL_PROCESS_ENTRY = "src/credential-process.ts";
const builds = {
  dist: ["src/awsconfig/store.ts", "src/aws/call-log.ts"],
  "dist-dev": ["src/demo/run.ts", "src/localaws/moto.ts", "src/localaws/bootstrap.ts"],
};

// Some CommonJS dependencies `require()` Node built-ins at run time; an ESM bundle has no
// `require`, so each chunk gets one made for it (without an ES import: see below).
const requireBanner = 'const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);';

/**
 * Every Node built-in the bundle imports is reached through process.getBuiltinModule, never an
 * ES `import`: Node's ES facade of a built-in reads every export up front, and node:http's
 * WebSocket and fetch getters then load undici. Measured in-process on official Node 22 (24):
 * `import "node:http"` 32 ms (39), getBuiltinModule 3.6 ms (3.9); node:process 7.1 ms against
 * 0.02, node:fs and node:util 3.4 against 0.01.
 */
const builtinsWithoutEsFacade = {
  name: "builtins-without-es-facade",
  setup(build) {
    // One small module per importing file, so it lands in that file's chunk: a module shared
    // by many would get a chunk of its own, one more file to load. Named by a hash of the
    // importer, so the source maps name no folder of the machine that built them.
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, ({ path, importer, kind }) => {
      if (!isBuiltin(path)) return undefined;
      const name = path.replace(/^(node:)?/, "node:");
      const from = createHash("sha256").update(relative(root, importer)).digest("hex").slice(0, 12);
      return { path: `${name.slice(5).replaceAll("/", "-")}-${kind}-${from}`, namespace: "node-builtin", pluginData: { name, kind } };
    });
    build.onLoad({ filter: /.*/, namespace: "node-builtin" }, ({ pluginData: { name, kind } }) => ({
      contents:
        kind === "require-call"
          ? `module.exports = process.getBuiltinModule(${JSON.stringify(name)});`
          : builtinAsEsModule(name, { getters: kind === "import-statement" }),
      loader: "js",
    }));
  },
};

/**
 * An ES module of the built-in's exports, each read when the module loads, and marked pure:
 * the bundle keeps only those its importer names, so no other export's getter runs. An
 * import()'s namespace keeps every export, so there the getters (node:http's WebSocket, which
 * loads undici; node:fs's promises) are left out: reach them through its default export.
 */
function builtinAsEsModule(name, { getters }) {
  const builtin = createRequire(import.meta.url)(name);
  const names = Object.keys(builtin).filter(
    (key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== "default" && (getters || !Object.getOwnPropertyDescriptor(builtin, key)?.get),
  );
  return [
    `const builtin = process.getBuiltinModule(${JSON.stringify(name)});`,
    "export default builtin;",
    ...names.map((key) => `export const ${key} = /* @__PURE__ */ (() => builtin.${key})();`),
  ].join("\n");
}

/**
 * commander requires node:child_process at load, for executable subcommands (`git-style`
 * programs), which xacct has none of: every run paid ~2 ms for child_process and what it
 * loads (dgram, net's handles). Its require is answered by a stand-in that loads the module on
 * first use, so commander works as before if it ever spawns.
 */
const childProcessOnUse = {
  name: "child-process-on-use",
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "child-process-on-use" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "child-process-on-use" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, name) => require("node:child_process")[name] });',
      loader: "js",
      resolveDir: root,
    }));
  },
};

// The front first: the modules it imports on use are entry points of the ES module build.
const front = await buildFront();
builds.dist.push(...importedOnUse(front.metafile));
const built = [front];
for (const [outdir, entryPoints] of Object.entries(builds)) built.push(await bundle(outdir, entryPoints));
assertNothingShared(front.metafile, built[1].metafile);
// `xacct credentials` on a cache hit (bin/xacct.js): one file of its own, never split, so it
// shares no chunk with the CLI and loads nothing but Node's built-ins. CommonJS, because an ES
// module's every `import` of a built-in costs start-up time that require() does not. Its
// metafile is kept for the test that checks what it imports.
built.push(await bundle("dist", [CREDENTIAL_PROCESS_ENTRY], { splitting: false, format: "cjs", banner: null }));
await writeFile(join(root, "dist-dev", "credential-process.meta.json"), JSON.stringify(built.at(-1).metafile));
for (const [outdir] of Object.entries(builds)) {
  const outputs = built.filter((result) => Object.keys(result.metafile.outputs).some((file) => file.startsWith(`${outdir}/`)));
  await prune(outdir, outputs);
}
// The package installs no dependencies (the bundle holds them): their licenses travel in dist/.
await writeThirdPartyNotices(
  root,
  built.map((result) => result.metafile),
  join(root, "dist", "THIRD-PARTY-NOTICES.txt"),
);

/**
 * dist/main.cjs, the front every command runs: the entry point, the command table (cli.ts) and
 * commander, one CommonJS file, which bin/xacct.js compiles with a V8 code cache of its own
 * (see there) and no ES module loader. What runs a command or prints a failure is imported on
 * use from the ES module build: each import() stays in the file, as a call of `__dyni`, which
 * is the importer bin/xacct.js passes in (code compiled by node:vm cannot import() by itself),
 * or import() when Node loads the file as usual. Same length as `import`: the map stays right.
 */
async function buildFront() {
  const result = await bundle("dist", [FRONT_ENTRY], {
    splitting: false,
    format: "cjs",
    banner: null,
    write: false,
    plugins: [importsOnUseExternal()],
  });
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.path.endsWith(".cjs") ? callImporter(file.text) : file.contents);
  }
  return result;
}

/**
 * Every `import("./…")` of the front becomes `__dyni("./…")`, a function declared at the end
 * (hoisted; the lines before, and so the source map, are unchanged); no other import() may remain.
 */
function callImporter(text) {
  const routed = text.replace(/\bimport\((?=["']\.\/)/g, "__dyni(");
  const left = routed.match(/\bimport\s*\(/g) ?? [];
  if (left.length > 0) throw new Error(`the front has ${left.length} import() the build could not route to bin/xacct.js's importer`);
  const importer = 'function __dyni(specifier) { return typeof __xacctImport == "function" ? __xacctImport(specifier) : import(specifier); }\n';
  const mapComment = routed.lastIndexOf("//# sourceMappingURL=");
  const code = `${routed.slice(0, mapComment)}${importer}`;
  return `${code}${frontStamp(code)}${routed.slice(mapComment)}`;
}

/**
 * The front's last line but the map's: a hash of all before it. bin/xacct.js runs a front only
 * when it ends so (one cut short may still compile, and run nothing) and names its code cache
 * by it: V8 checks only a cache's source length, and two builds of one length may share a path
 * and file times (two disk images mounted in turn).
 */
function frontStamp(code) {
  return `//# xacctFront=${createHash("sha256").update(code).digest("hex").slice(0, 16)}\n`;
}

/** The front's import() of its own modules stay import(): each is an entry point of the ES module build, at the same path under dist/. */
function importsOnUseExternal() {
  return {
    name: "imports-on-use-external",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        // dist/main.cjs sits where src/main.ts does: paths from src/ hold from dist/.
        if (dirname(args.importer) !== join(root, "src")) return { errors: [{ text: `import() outside src/'s top folder: ${args.importer}` }] };
        return { path: args.path, external: true };
      });
    },
  };
}

/** The src/ files the front imports on use, from its metafile. */
function importedOnUse(metafile) {
  const paths = Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.kind === "dynamic-import" && i.external).map((i) => i.path));
  return [...new Set(paths)].map((path) => join("src", path.replace(/\.js$/, ".ts")));
}

/**
 * The front and the ES modules are separate bundles: a module in both would be two modules, a
 * class in both two classes (instanceof fails), state in both two states. Only exit-signal.ts
 * may be in both: it keeps its state on the process.
 */
function assertNothingShared(frontMeta, esmMeta) {
  const shared = Object.keys(frontMeta.inputs).filter((input) => input in esmMeta.inputs && input !== "src/exit-signal.ts");
  if (shared.length > 0) throw new Error(`bundled into both dist/main.cjs and the ES modules: ${shared.join(", ")}`);
}

async function bundle(outdir, entryPoints, { splitting = true, format = "esm", banner = requireBanner, write = true, plugins = [] } = {}) {
  return build({
    absWorkingDir: root,
    entryPoints,
    outbase: "src",
    outdir,
    bundle: true,
    splitting,
    format,
    ...(format === "cjs" ? { outExtension: { ".js": ".cjs" } } : {}),
    platform: "node",
    target: "node20",
    // The SDK's packages publish ESM under "module"; ESM tree-shakes and needs no require shims.
    mainFields: ["module", "main"],
    chunkNames: "chunks/[name]-[hash]",
    ...(banner ? { banner: { js: banner } } : {}),
    // Minified: less to read and parse at every start. --debug maps stack traces back to src/.
    minifySyntax: true,
    minifyWhitespace: true,
    // Maps without the sources: --debug's stack traces still name src/ files and lines, the
    // maps are a third of their size and the package half (the sources are in the repository).
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "linked",
    logLevel: "warning",
    metafile: true,
    write,
    // The ES modules reach built-ins without Node's ES facade; the CommonJS files require() them.
    plugins: [childProcessOnUse, ...(format === "esm" ? [builtinsWithoutEsFacade] : []), ...plugins],
  });
}

// Written in place and pruned afterwards, rather than emptied first: a test or demo running
// the CLI from this tree meanwhile never finds dist/ missing.
async function prune(outdir, results) {
  const built = new Set(results.flatMap((result) => Object.keys(result.metafile.outputs)).map((file) => join(root, file)));
  built.add(join(root, outdir, "credential-process.meta.json"));
  built.add(join(root, outdir, "THIRD-PARTY-NOTICES.txt"));
  for (const entry of await readdir(join(root, outdir), { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    if (entry.isFile() && !built.has(file)) await rm(file, { force: true });
  }
  // Folders left empty (an entry point moved to another build) go too, deepest first.
  const folders = (await readdir(join(root, outdir), { recursive: true, withFileTypes: true })).filter((entry) => entry.isDirectory());
  for (const folder of folders.map((entry) => join(entry.parentPath, entry.name)).sort((a, b) => b.length - a.length)) {
    await rmdir(folder).catch(() => undefined);
  }
}
