#!/usr/bin/env node
// No static imports: each `import` of even a Node built-in costs start-up time, and the two
// answers below are given on every run of a shell prompt or an AWS tool.
const args = process.argv.slice(2);

// Node opens its inspector (a debugger any local user can reach at 127.0.0.1:9229) on SIGUSR1
// unless a listener is installed. xacct holds keys from its first line on, so one always is,
// in every command; xacct exec adds its own listener, which passes the signal to its command.
process.on("SIGUSR1", () => {});

// `xacct --version` is run by scripts and shell prompts: answer it without loading the CLI.
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { readFileSync } = await import("node:fs");
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
  process.exit(0);
}

// `xacct credentials` (credential_process) runs before every AWS command of its profile: a
// cached session is printed by one small module with no SDK and no command framework. Any
// doubt (a miss, a flag it does not know, bad input) leaves the run to the full CLI below.
// CommonJS through require(): on this path no built-in pays an ES module import's start-up.
// A Node without process.getBuiltinModule (before 20.16) goes the full CLI's way.
if ((args[0] === "credentials" || args[1] === "credentials") && typeof process.getBuiltinModule === "function") {
  const { serveCachedCredentials } = process.getBuiltinModule("node:module").createRequire(import.meta.url)("../dist/credential-process.cjs");
  if (await serveCachedCredentials(args)) process.exit(0);
}

// Node 22+ keeps compiled code between runs (the SDK takes ~100 ms to compile); absent on Node 20.
const nodeModule = (await import("node:module")).default;
nodeModule.enableCompileCache?.();
// dist/ reaches Node's built-ins through process.getBuiltinModule (scripts/build.mjs), which a
// Node before 20.16 lacks: there require() answers the same for a built-in.
process.getBuiltinModule ??= nodeModule.createRequire(import.meta.url);

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
