/**
 * `npm run build`: bundles src/ into dist/ with esbuild. One bundle starts faster than the
 * hundreds of small modules tsc emits (most of start-up is resolving and reading files), and
 * code splitting keeps each command's SDK clients in chunks loaded only when it runs, so
 * `xacct --version` reads one small file. tsc stays the typechecker (`npm run typecheck`).
 */
import { build } from "esbuild";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

// Entry points keep their src/ paths in dist/: the CLI, the demo, and the modules the store's
// multi-process tests and the benchmark (bench/) load directly.
const entryPoints = [
  "src/main.ts",
  "src/demo/run.ts",
  "src/awsconfig/store.ts",
  "src/aws/call-log.ts",
  "src/localaws/moto.ts",
  "src/localaws/bootstrap.ts",
];

// Some CommonJS dependencies `require()` Node built-ins at run time; an ESM bundle has no
// `require`, so each chunk gets one made for it.
const banner = 'import { createRequire as __xacctCreateRequire } from "node:module"; const require = __xacctCreateRequire(import.meta.url);';

const result = await build({
  absWorkingDir: root,
  entryPoints,
  outbase: "src",
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // The SDK's packages publish ESM under "module"; ESM tree-shakes and needs no require shims.
  mainFields: ["module", "main"],
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: banner },
  // Minified: less to read and parse at every start. --debug maps stack traces back to src/.
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
});

// Written in place and pruned afterwards, rather than emptied first: a test or demo running
// the CLI from this tree meanwhile never finds dist/ missing.
const built = new Set(Object.keys(result.metafile.outputs).map((file) => join(root, file)));
for (const entry of await readdir(join(root, "dist"), { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath, entry.name);
  if (entry.isFile() && !built.has(file)) await rm(file, { force: true });
}
