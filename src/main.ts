/**
 * Entry point for bin/xacct.js: run the CLI on the real process. Built as CommonJS
 * (dist/main.cjs, scripts/build.mjs), so no top-level await: the commands it imports on use
 * are ES modules.
 */
import { writeSync } from "node:fs";
import { runCli } from "./cli.js";
import { takeEndSignal } from "./exit-signal.js";
import { onFirstUse } from "./std-streams.js";

/** Exit code of a process a closed pipe stopped, as shells report SIGPIPE (128 + 13). */
const PIPE_CLOSED_EXIT = 141;

// `xacct teardown --yes | head -3`: the reader has gone, so there is nobody to tell; the rest of
// the output is dropped, but the command finishes (stopping there would leave an account half
// changed), and ends as SIGPIPE would, 141 (a failure's own code wins), without a stack trace.
// A closed stderr only loses the messages. Any other failed write (a full disk, EIO) ends the
// run with one line where it can be read. Attached when each stream is built: --help builds
// none (std-streams.ts).
let stdoutClosed = false;
onFirstUse("stdout", (stdout) =>
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || stdoutClosed) {
      stdoutClosed = true;
      // Also when it comes after the run ended (its last write failing): 141, unless it failed.
      if (!process.exitCode) process.exitCode = PIPE_CLOSED_EXIT;
      return;
    }
    outputFailed(error);
  }),
);
onFirstUse("stderr", (stderr) =>
  stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") outputFailed(error);
  }),
);

void runCli(process.argv.slice(2)).then(finish);

function finish(code: number): void {
  process.exitCode = code === 0 && stdoutClosed ? PIPE_CLOSED_EXIT : code;
  // xacct exec's command died of a signal: die of it too, with the default action restored.
  // A signal Node keeps ignored (SIGPIPE) leaves the process alive: then the exit code says it.
  const signal = takeEndSignal();
  if (signal !== undefined) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    process.exit(process.exitCode);
  }
  // Stopped by Ctrl-C: an AWS call abandoned in flight must not hold the process open until it
  // answers. A closed stdout: what is still queued for it would never drain.
  if (code === 130 || stdoutClosed) process.exit(process.exitCode);
}

/** One line on stderr's descriptor if it takes it (not the stream, which may be what failed), and exit 1. */
function outputFailed(error: Error): never {
  try {
    writeSync(2, `✘ xacct could not write its output (${error.message.replace(/, write$/, "")}).\n`);
  } catch {
    // nobody to tell
  }
  process.exit(1);
}
