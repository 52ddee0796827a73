/**
 * Soft-wraps a line to a terminal's width at spaces, so the terminal never hard-wraps it in the
 * middle of a word: an ARN, a path or a command stays whole on one row (a word longer than the
 * row gets a row of its own). Colour codes take no room. Pure.
 */

// SGR sequences (colours, bold); the only escape codes Output writes inside a line.
const SGR = /\u001b\[[0-9;]*m/g;

/** How many columns `text` takes on a terminal. */
export function visibleWidth(text: string): number {
  return [...text.replace(SGR, "")].length;
}

/**
 * `line` (no newline in it) as rows of at most `width` columns. Continuation rows are indented
 * two more than the line, so they read as part of it.
 */
export function wrapLine(line: string, width: number): string[] {
  if (width <= 0 || visibleWidth(line) <= width) return [line];
  const lead = /^ */.exec(line.replace(SGR, ""))?.[0].length ?? 0;
  const indent = " ".repeat(Math.min(lead + 2, Math.max(0, width - 20)));
  // Words and the runs of spaces between them; a break replaces a run of spaces.
  const parts = line.match(/ +|[^ ]+/g) ?? [line];
  const rows: string[] = [];
  let row = "";
  let rowWidth = 0;
  let pendingSpace = "";
  for (const part of parts) {
    if (part.startsWith(" ")) {
      pendingSpace = part;
      continue;
    }
    const wordWidth = visibleWidth(part);
    if (rowWidth > 0 && rowWidth + pendingSpace.length + wordWidth > width && rowWidth > indent.length) {
      rows.push(row);
      row = indent + part;
      rowWidth = indent.length + wordWidth;
    } else {
      row += pendingSpace + part;
      rowWidth += pendingSpace.length + wordWidth;
    }
    pendingSpace = "";
  }
  rows.push(row + pendingSpace);
  return rows;
}

/** Every line of `text` wrapped to `width`; the final newline, if any, kept. */
export function wrapText(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => wrapLine(line, width).join("\n"))
    .join("\n");
}
