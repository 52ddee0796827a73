/** Entry point for bin/xacct.js: run the CLI on the real process. */
import { runCli } from "./cli.js";

process.exitCode = await runCli(process.argv.slice(2));
