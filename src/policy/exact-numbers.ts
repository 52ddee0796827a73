/**
 * Numbers in other people's policies that JavaScript cannot hold exactly (9007199254740993
 * parses as 9007199254740992). A document holding one is read as usual, but xacct must not
 * write it back: the number would change while the plan says its statement did not. Pure.
 */
import { shownText } from "./documents.js";

const INEXACT = "\u0000xacct-inexact-number";

/** The statements (by Sid, else "#position") of a policy's JSON text that hold such a number. */
export function inexactNumberStatements(text: string): string[] {
  const marked = markInexactNumbers(text);
  if (marked === text) return [];
  const parsed = JSON.parse(marked) as { Statement?: unknown };
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return statements.flatMap((s, i) => {
    if (!JSON.stringify(s).includes(JSON.stringify(INEXACT).slice(1, -1))) return [];
    const sid = (s as { Sid?: unknown } | null)?.Sid;
    return [typeof sid === "string" ? shownText(sid) : `#${i + 1}`];
  });
}

/** The JSON text with every number that would not survive a parse replaced by a marker string. */
function markInexactNumbers(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const token = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i))?.[0] ?? c;
      out += isExact(token) ? token : JSON.stringify(INEXACT);
      i += token.length;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Index just past the string literal that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

/** Whether the number the token names is the number JavaScript reads (and writes back). */
function isExact(token: string): boolean {
  return decimal(token) === decimal(String(Number(token)));
}

/** A canonical decimal form: sign, significant digits, exponent. */
function decimal(token: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!match) return token;
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  const digits = `${whole}${fraction}`;
  const trimmedLeft = digits.replace(/^0+/, "");
  if (trimmedLeft === "") return "0";
  const significant = trimmedLeft.replace(/0+$/, "");
  // The value is 0.<digits> × 10^(whole length + exponent), shifted past leading zeros.
  const scale = whole!.length + Number(exponent) - (digits.length - trimmedLeft.length);
  return `${sign}${significant}e${scale}`;
}
