/**
 * Everything xacct prints goes through an Output bound to injected streams, so the CLI can
 * run in-process in tests and colours follow the stream, not the process. On a terminal,
 * lines wrap to its width between words, and a status line shows what xacct waits for.
 */
import { Chalk, type ChalkInstance } from "chalk";
import type { Readable, Writable } from "node:stream";
import { StatusLine } from "./status-line.js";
import { wrapText } from "./wrap.js";

export interface OutputStreams {
  stdout: Writable;
  stderr: Writable;
}

export class Output {
  readonly color: ChalkInstance;
  readonly debugEnabled: boolean;
  /** Where the human-readable report goes: stdout, or stderr when stdout carries JSON. */
  private readonly report: Writable;
  /** On stderr, and only when it is a terminal and stdout does not carry JSON. */
  private readonly status: StatusLine | undefined;

  constructor(
    readonly streams: OutputStreams,
    options: { color?: boolean; debug?: boolean; json?: boolean; progress?: boolean } = {},
  ) {
    this.color = new Chalk({ level: options.color ? 1 : 0 });
    this.debugEnabled = options.debug ?? false;
    this.report = options.json ? streams.stderr : streams.stdout;
    const progress = options.progress ?? (!options.json && isTerminal(streams.stderr));
    this.status = progress ? new StatusLine(streams.stderr, options.color ?? false) : undefined;
  }

  /**
   * Runs `work` with a status line saying `text` (plain words, no colour) on a terminal;
   * elsewhere it prints nothing. Nested calls show the inner text, then the outer again.
   */
  async progress<T>(text: string, work: () => Promise<T>): Promise<T> {
    const status = this.status;
    if (!status) return work();
    const outer = status.current;
    status.show(text);
    try {
      return await work();
    } finally {
      if (outer === undefined) status.stop();
      else status.show(outer);
    }
  }

  line(text = ""): void {
    this.write(this.report, `${text}\n`);
  }

  /** Human lines that must not mix into data on stdout (e.g. an object streamed there). */
  lineToStderr(text: string): void {
    this.write(this.streams.stderr, `${text}\n`);
  }
  /**
   * A line holding a command meant to be copied: never wrapped to the terminal's width (a real
   * newline inside it would make a paste run something else; the terminal folds it for display only).
   */
  commandLine(text: string, toStderr = false): void {
    this.write(toStderr ? this.streams.stderr : this.report, `${text}\n`, false);
  }
  heading(text: string): void {
    this.line();
    this.line(this.color.bold.cyan(text));
  }
  done(text: string): void {
    this.line(`${this.color.green("✔")} ${text}`);
  }
  skipped(text: string): void {
    this.line(`${this.color.dim("•")} ${text}`);
  }
  warn(text: string): void {
    this.write(this.streams.stderr, `${this.color.yellow("!")} ${text}\n`);
  }
  error(text: string): void {
    this.write(this.streams.stderr, `${this.color.red("✘")} ${text}\n`);
  }
  hint(text: string): void {
    this.write(this.streams.stderr, `  ${this.color.dim(text)}\n`);
  }
  debug(text: string): void {
    if (this.debugEnabled) this.write(this.streams.stderr, `${this.color.dim(`debug: ${text}`)}\n`);
  }
  /** Pretty-printed JSON with keys and strings coloured. */
  json(value: unknown, indent = "  "): void {
    const text = JSON.stringify(value, null, 2)
      .replace(/"([^"]+)":/g, (_m, key: string) => `${this.color.blue(`"${key}"`)}:`)
      .replace(/: "([^"]*)"/g, (_m, str: string) => `: ${this.color.green(`"${str}"`)}`);
    for (const line of text.split("\n")) this.line(`${indent}${line}`);
  }

  /** Every write: the status line steps aside, and a terminal gets rows that fit its width. */
  private write(stream: Writable, text: string, wrap = true): void {
    const width = wrap && isTerminal(stream) ? ((stream as Writable & { columns?: number }).columns ?? 0) : 0;
    const fitted = width > 0 ? wrapText(text, width) : text;
    if (this.status) this.status.around(() => stream.write(fitted));
    else stream.write(fitted);
  }
}

/** Whether the stream is a terminal (a person reads it, or types into it). */
export function isTerminal(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Colour only for terminals, and never when NO_COLOR is set (FORCE_COLOR forces it). */
export function wantsColor(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  if (env["NO_COLOR"]) return false;
  if (env["FORCE_COLOR"] && env["FORCE_COLOR"] !== "0") return true;
  return isTerminal(stream);
}
