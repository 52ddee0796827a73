/**
 * dist/THIRD-PARTY-NOTICES.txt: the license (and NOTICE) of every package whose code the
 * bundle holds. The package installs no dependencies, so these files are the only copy of
 * the notices their licenses ask to travel with the code. Identical texts are printed once,
 * under the list of packages they cover.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";

/** `metafiles`: esbuild's, for the bundles written to dist/. */
export async function writeThirdPartyNotices(root, metafiles, file) {
  const packages = new Map();
  for (const metafile of metafiles) {
    for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
      if (!output.startsWith("dist/")) continue;
      for (const input of Object.keys(inputs)) {
        const dir = packageDir(root, input);
        if (dir && !packages.has(dir)) packages.set(dir, describe(dir));
      }
    }
  }
  const byText = new Map();
  for (const pkg of [...packages.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = pkg.texts.join("\n\n") || `(no license file; package.json says: ${pkg.license})`;
    byText.set(key, [...(byText.get(key) ?? []), `${pkg.id} (${pkg.license})`]);
  }
  const sections = [...byText].map(([text, ids]) => `${ids.join("\n")}\n\n${text.trim()}\n`);
  const head = "xacct bundles code from the packages below. Their licenses and notices follow, each once, under the packages it covers.\n";
  await writeFile(file, [head, ...sections].join(`\n${"-".repeat(78)}\n\n`));
}

/** The folder of the node_modules package holding `input` (a path relative to root), or none. */
function packageDir(root, input) {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith("@") ? 3 : 2;
  let dir = join(root, ...parts.slice(0, at + length));
  // A nested package.json (a "dist/es/package.json" with only "type") is not the package's own.
  while (!existsSync(join(dir, "package.json")) && dir !== root) dir = dirname(dir);
  return dir;
}

function describe(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const texts = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /^(licen[cs]e|notice|copying)(\b|_)/i.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(join(dir, name), "utf8").replace(/\r\n/g, "\n").trim());
  const license = typeof pkg.license === "string" ? pkg.license : (pkg.license?.type ?? "see its package");
  return { id: `${pkg.name}@${pkg.version}`, license, texts, dir: dir.split(sep).join("/") };
}
