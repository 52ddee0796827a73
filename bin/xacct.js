#!/usr/bin/env node
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
