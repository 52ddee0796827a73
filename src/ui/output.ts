/**
 * Everything xacct prints goes through an Output bound to injected streams, so the CLI can
 * run in-process in tests and colours follow the stream, not the process.
 */
import { Chalk, type ChalkInstance } from "chalk";
import type { Writable } from "node:stream";

export interface OutputStreams {
  stdout: Writable;
  stderr: Writable;
}

export class Output {
  readonly color: ChalkInstance;
  readonly debugEnabled: boolean;
  /** Where the human-readable report goes: stdout, or stderr when stdout carries JSON. */
  private readonly report: Writable;

  constructor(
    readonly streams: OutputStreams,
    options: { color?: boolean; debug?: boolean; json?: boolean } = {},
  ) {
    this.color = new Chalk({ level: options.color ? 1 : 0 });
    this.debugEnabled = options.debug ?? false;
    this.report = options.json ? streams.stderr : streams.stdout;
  }

  line(text = ""): void {
    this.report.write(`${text}\n`);
  }

  /** Human lines that must not mix into data on stdout (e.g. an object streamed there). */
  lineToStderr(text: string): void {
    this.streams.stderr.write(`${text}\n`);
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
    this.streams.stderr.write(`${this.color.yellow("!")} ${text}\n`);
  }
  error(text: string): void {
    this.streams.stderr.write(`${this.color.red("✘")} ${text}\n`);
  }
  hint(text: string): void {
    this.streams.stderr.write(`  ${this.color.dim(text)}\n`);
  }
  debug(text: string): void {
    if (this.debugEnabled) this.streams.stderr.write(`${this.color.dim(`debug: ${text}`)}\n`);
  }
  /** Pretty-printed JSON with keys and strings coloured. */
  json(value: unknown, indent = "  "): void {
    const text = JSON.stringify(value, null, 2)
      .replace(/"([^"]+)":/g, (_m, key: string) => `${this.color.blue(`"${key}"`)}:`)
      .replace(/: "([^"]*)"/g, (_m, str: string) => `: ${this.color.green(`"${str}"`)}`);
    for (const line of text.split("\n")) this.line(`${indent}${line}`);
  }
}

/** Colour only for terminals, and never when NO_COLOR is set (FORCE_COLOR forces it). */
export function wantsColor(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  if (env["NO_COLOR"]) return false;
  if (env["FORCE_COLOR"] && env["FORCE_COLOR"] !== "0") return true;
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}
