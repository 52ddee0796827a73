#!/usr/bin/env node
// The SDK warns about Node versions on every client; xacct states its supported versions instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// dist/ is minified; with --debug, stack traces point into src/ through the source maps.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
await import("../dist/main.js");
