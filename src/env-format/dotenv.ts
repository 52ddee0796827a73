/**
 * .env files: NAME=value lines, unquoted. Readers disagree on everything else: `docker run
 * --env-file` keeps quotes as part of the value, Compose and the dotenv libraries strip them
 * and some expand $ and backslashes inside, and an unquoted # may start a comment. So a value
 * is written only when it is made of characters all of them read alike (letters, digits and
 * _ . / : + = @ , % -), which also makes the file valid sh (`set -a; . ./.env`). Keys, session
 * tokens, regions, ARNs, ISO times and most URLs are. Pure.
 */
import { invalidInput } from "../errors.js";
import { checkEnvName, checkEnvValue, type EnvChanges } from "./value.js";

const PLAIN_VALUE = /^[A-Za-z0-9_./:+=@,%-]*$/;

export function dotenvLine(name: string, value: string): string {
  checkEnvValue(name, value, "a .env file");
  if (!PLAIN_VALUE.test(value)) {
    throw invalidInput(
      `The value of ${name} holds characters that docker --env-file, Compose and the dotenv libraries read differently, so xacct will not write it as .env.`,
      "Use --format json, or --format sh for a shell.",
    );
  }
  return `${checkEnvName(name, "a .env file")}=${value}`;
}

/** A .env file cannot remove a variable: its readers start from the values it lists. */
export function renderDotenv(changes: EnvChanges): string {
  return `${changes.set.map(([name, value]) => dotenvLine(name, value)).join("\n")}\n`;
}
