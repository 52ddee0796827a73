/**
 * Entry point for bin/xacct.js: run the CLI on the real process. Built as CommonJS
 * (dist/main.cjs, scripts/build.mjs), so no top-level await: the commands it imports on use
 * are ES modules.
 */
import { runCli } from "./cli.js";
import { takeEndSignal } from "./exit-signal.js";
import { onFirstUse } from "./std-streams.js";

/** Exit code of a process a closed pipe stopped, as shells report SIGPIPE (128 + 13). */
const PIPE_CLOSED_EXIT = 141;

// `xacct list | head -1`: the reader has gone, so there is nobody to tell; end as SIGPIPE would,
// without a stack trace. A closed stderr only loses the messages: the command still finishes.
// Attached when each stream is built: --help builds none (std-streams.ts).
onFirstUse("stdout", (stdout) =>
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(PIPE_CLOSED_EXIT);
    throw error;
  }),
);
onFirstUse("stderr", (stderr) =>
  stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  }),
);

void runCli(process.argv.slice(2)).then(finish);

function finish(code: number): void {
  process.exitCode = code;
  // xacct exec's command died of a signal: die of it too, with the default action restored.
  // A signal Node keeps ignored (SIGPIPE) leaves the process alive: then the exit code says it.
  const signal = takeEndSignal();
  if (signal !== undefined) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    process.exit(code);
  }
  // Stopped by Ctrl-C: an AWS call abandoned in flight must not hold the process open until it answers.
  if (code === 130) process.exit(code);
}
