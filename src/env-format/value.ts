/**
 * What any environment variable can hold, whatever the shell: no NUL (the C environment ends
 * a value there) and well-formed Unicode (a lone surrogate has no UTF-8 bytes). Pure.
 */
import { invalidInput } from "../errors.js";

/** With the u flag a paired surrogate is one code point, so only a lone half matches. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export function checkEnvValue(name: string, value: string, format: string): string {
  const problem = value.includes("\0") ? "holds a NUL character" : LONE_SURROGATE.test(value) ? "is not valid Unicode text" : undefined;
  if (problem !== undefined) {
    throw invalidInput(
      `The value of ${name} ${problem}, which no environment variable can carry, so xacct will not write it for ${format}.`,
      "Check the value xacct was given for it (flags, setup, environment).",
    );
  }
  return value;
}

/**
 * What every format writes as a plain word, unquoted (`unset NAME`, `set -e -g NAME`,
 * `Env:NAME`, `NAME=`): a name the shells' own rules accept. A name in the environment may hold
 * any byte but = and NUL, and any other would be shell syntax ($(…), ;, *) when evaluated.
 */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkEnvName(name: string, format: string): string {
  if (!ENV_NAME.test(name)) {
    throw invalidInput(
      `The variable name ${JSON.stringify(name)} is not made of letters, digits and _ (not starting with a digit), so xacct will not write it for ${format}, where it would be read as shell syntax.`,
      "Remove or rename that variable in your environment.",
    );
  }
  return name;
}

/** The variables one role session puts in an environment, and the ones it removes. */
export interface EnvChanges {
  /** In order: name and value. */
  set: ReadonlyArray<readonly [string, string]>;
  /** Names to remove, so nothing shadows or competes with `set`. */
  unset: readonly string[];
}
