/**
 * One line of shell words that two readers must agree on: the JS SDK runs a
 * `credential_process` line through /bin/sh, the aws CLI splits it with POSIX shlex and runs
 * it without a shell. Single quotes mean the same to both, so every word is single-quoted and
 * a quote inside it is written '\'' (close, escaped quote, reopen). Pure: no I/O.
 *
 * The line also sits in an INI file, which bounds what a word may hold: no line breaks or
 * control characters (refused), and no whitespace directly before '#' or ';' (the JS SDK
 * reads that as a comment), which is avoided by writing such a '#' or ';' escaped outside
 * the quotes.
 */
import { invalidInput } from "./errors.js";

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
/** With the u flag a paired surrogate is one code point, so only a lone half matches. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export function shellWordProblem(word: string): string | undefined {
  if (CONTROL.test(word)) return "contains a line break or control character";
  if (LONE_SURROGATE.test(word)) return "is not valid Unicode text";
  return undefined;
}

/** The word in single quotes, read back unchanged by sh and by shlex.split. */
export function quoteShellWord(word: string): string {
  const problem = shellWordProblem(word);
  if (problem !== undefined) {
    throw invalidInput(
      `The argument ${JSON.stringify(word)} ${problem}, so it cannot be written into a credential_process line.`,
      "Use a value without line breaks or control characters.",
    );
  }
  const quoted = `'${word.replaceAll("'", `'\\''`)}'`;
  // `'a #b'` becomes `'a '\#'b'`: the same word, with no whitespace right before the '#'.
  return quoted.replace(/(\s)([#;])/gu, `$1'\\$2'`);
}

export function shellLine(words: readonly string[]): string {
  return words.map(quoteShellWord).join(" ");
}

/**
 * A word of a command printed for people to copy into a shell: bare when nothing in it means
 * anything to a shell, single-quoted otherwise. Never refuses: it is shown, not written.
 */
export function displayShellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
