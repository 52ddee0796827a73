/** Entry point for bin/xacct.js: run the CLI on the real process. */
import { runCli } from "./cli.js";

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Stopped by Ctrl-C: an AWS call abandoned in flight must not hold the process open until it answers.
if (code === 130) process.exit(code);
