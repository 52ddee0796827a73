/**
 * A command line split into words as Python's `shlex.split` does (POSIX mode, no comments):
 * the rules the aws CLI uses for `credential_process`, which xacct follows for `mfa_process`
 * and then runs the words without a shell. Pure: no I/O.
 *
 * - Space, tab, CR and LF separate words; quotes and backslashes join what they touch.
 * - '…' keeps everything inside as written.
 * - "…" keeps everything but `\"` and `\\`, which stand for `"` and `\` (`\x` stays `\x`).
 * - Outside quotes, `\x` stands for x.
 */

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

export class ShellSplitError extends Error {}

export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (WHITESPACE.has(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSplitError("a ' is never closed");
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      [word, i] = doubleQuoted(line, i + 1, word);
    } else if (c === "\\") {
      if (i + 1 >= line.length) throw new ShellSplitError("it ends with a lone \\");
      word += line[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** From just after an opening `"`: the word so far with the quoted part added, and where reading goes on. */
function doubleQuoted(line: string, start: number, word: string): [string, number] {
  let i = start;
  for (;;) {
    if (i >= line.length) throw new ShellSplitError('a " is never closed');
    const c = line[i]!;
    if (c === '"') return [word, i + 1];
    if (c === "\\" && i + 1 < line.length) {
      const next = line[i + 1]!;
      word += next === '"' || next === "\\" ? next : `\\${next}`;
      i += 2;
      continue;
    }
    word += c;
    i++;
  }
}
