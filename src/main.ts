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

// A stream that fails never stops a command half way (that would leave an account half changed,
// with nobody told): what is left to print is dropped, the command finishes, and then:
// - stdout's reader gone (`xacct teardown --yes | head -3`): nobody to tell; 141, as SIGPIPE
//   would (a failure's own code wins), without a stack trace;
// - stderr's reader gone: only the messages are lost;
// - any other failed write (a full disk, EIO): one line where it can be read, and exit 1.
// Attached when each stream is built: --help builds none (std-streams.ts).
let stdoutClosed = false;
let outputError: NodeJS.ErrnoException | undefined;
let finished = false;
onFirstUse("stdout", (stdout) =>
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || stdoutClosed) {
      stdoutClosed = true;
      // Also when it comes after the run ended (its last write failing): 141, unless it failed.
      if (!process.exitCode) process.exitCode = PIPE_CLOSED_EXIT;
      return;
    }
    outputBroke(error);
  }),
);
onFirstUse("stderr", (stderr) =>
  stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") outputBroke(error);
  }),
);

void runCli(process.argv.slice(2)).then(finish);

function outputBroke(error: NodeJS.ErrnoException): void {
  outputError ??= error;
  if (finished) outputFailed(outputError, process.exitCode); // its last write: nothing left to finish
}

function finish(code: number): void {
  finished = true;
  if (outputError) outputFailed(outputError, code);
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

/** One line on stderr's descriptor if it takes it (not the stream, which may be what failed), and exit 1 (or the run's failure code). */
function outputFailed(error: Error, code: number | string | undefined): never {
  try {
    writeSync(2, `✘ xacct could not write its output (${error.message.replace(/, write$/, "")}).\n`);
  } catch {
    // nobody to tell
  }
  process.exit(Number(code) || 1);
}
