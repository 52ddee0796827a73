/**
 * Keys written twice in one object of another team's policy (two "Condition" blocks in a
 * statement, two "Statement" lists). JSON.parse keeps the last of them, so a document written
 * back from what xacct parsed would lose the others while the plan says their statement did not
 * change. A document holding one is read as usual, and never written back. Pure.
 */
import { shownText } from "./documents.js";

/** The statements (by Sid, else "#position") of a policy's valid JSON text with a key written twice; "the document" for its top level. */
export function duplicateKeyStatements(text: string): string[] {
  const scan = new Scan(text);
  const top = scan.value();
  const found: string[] = top.duplicated ? ["the document"] : [];
  const statement = top.members?.get("Statement");
  const statements = statement?.items ?? (statement ? [statement] : []);
  statements.forEach((s, i) => {
    if (!s.deepDuplicated) return;
    const sid = s.members?.get("Sid")?.string;
    found.push(sid !== undefined ? `statement ${shownText(sid)}` : `statement #${i + 1}`);
  });
  return found;
}

/** How deep objects and arrays nest in valid JSON text, counted without recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < text.length; at += 1) {
    const c = text[at];
    if (c === '"') {
      for (at += 1; at < text.length && text[at] !== '"'; at += text[at] === "\\" ? 2 : 1);
    } else if (c === "{" || c === "[") {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (c === "}" || c === "]") {
      depth -= 1;
    }
  }
  return deepest;
}

interface Value {
  /** A key written twice in this object itself. */
  duplicated: boolean;
  /** In this value or anywhere inside it. */
  deepDuplicated: boolean;
  /** An object's members (the last of a key written twice, as JSON.parse keeps). */
  members?: Map<string, Value>;
  items?: Value[];
  string?: string;
}

/** A reader of JSON text that JSON.parse has accepted: no error handling beyond that. */
class Scan {
  private at = 0;
  constructor(private readonly text: string) {}

  value(): Value {
    this.space();
    const c = this.text[this.at];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return { duplicated: false, deepDuplicated: false, string: this.string() };
    while (this.at < this.text.length && !",]} \t\r\n".includes(this.text[this.at]!)) this.at += 1; // number, true, false, null
    return { duplicated: false, deepDuplicated: false };
  }

  private object(): Value {
    this.at += 1;
    const members = new Map<string, Value>();
    let duplicated = false;
    let deep = false;
    for (this.space(); this.at < this.text.length && this.text[this.at] !== "}"; this.space()) {
      if (this.text[this.at] === ",") {
        this.at += 1;
        continue;
      }
      const key = this.string();
      this.space();
      this.at += 1; // the colon
      const member = this.value();
      if (members.has(key)) duplicated = true;
      members.set(key, member);
      deep ||= member.deepDuplicated;
    }
    this.at += 1;
    return { duplicated, deepDuplicated: duplicated || deep, members };
  }

  private array(): Value {
    this.at += 1;
    const items: Value[] = [];
    for (this.space(); this.at < this.text.length && this.text[this.at] !== "]"; this.space()) {
      if (this.text[this.at] === ",") {
        this.at += 1;
        continue;
      }
      items.push(this.value());
    }
    this.at += 1;
    return { duplicated: false, deepDuplicated: items.some((item) => item.deepDuplicated), items };
  }

  /** A string literal's value (escapes decoded: "\u0041" and "A" are one key to JSON.parse). */
  private string(): string {
    const start = this.at;
    this.at += 1;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === "\\" ? 2 : 1;
    this.at += 1;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private space(): void {
    while (" \t\r\n".includes(this.text[this.at] ?? "x")) this.at += 1;
  }
}
