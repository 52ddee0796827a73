#!/usr/bin/env node
import { readFileSync } from "node:fs";
import module from "node:module";

// `xacct --version` is run by scripts and shell prompts: answer it without loading the CLI.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
  process.exit(0);
}

// Node 22+ keeps compiled code between runs (the SDK takes ~100 ms to compile); absent on Node 20.
module.enableCompileCache?.();

// xacct prints only through its own streams. What libraries print (the SDK's Node.js version
// warning, deprecations, console.warn) is noise to the user, shown with --debug only.
const debug = process.argv.includes("--debug");
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
if (debug) {
  process.setSourceMapsEnabled(true); // dist/ is minified: point stack traces into src/
} else {
  process.removeAllListeners("warning");
  for (const level of ["debug", "info", "log", "warn", "error", "trace"]) console[level] = () => {};
}
await import("../dist/main.js");
