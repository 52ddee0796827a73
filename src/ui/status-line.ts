/**
 * One row at the bottom of a terminal saying what xacct is waiting for, with a spinner, so a
 * slow link never looks like a hang. It lives on one stream (stderr) and is erased before
 * anything else is printed, then drawn again. Without colour it uses no escape codes at all:
 * a carriage return and spaces erase it.
 */
import type { Writable } from "node:stream";
import { visibleWidth } from "./wrap.js";

const FRAMES_COLOR = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAMES_PLAIN = ["-", "\\", "|", "/"];
const INTERVAL_MS = 100;

export class StatusLine {
  private text: string | undefined;
  private frame = 0;
  private drawnWidth = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: Writable & { columns?: number },
    private readonly color: boolean,
  ) {}

  /** What is shown now, if anything. */
  get current(): string | undefined {
    return this.text;
  }

  show(text: string): void {
    this.text = text;
    this.draw();
    // unref: a status line never keeps the process alive.
    this.timer ??= setInterval(() => {
      this.frame += 1;
      this.draw();
    }, INTERVAL_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.erase();
    this.text = undefined;
  }

  /** Runs `write` with the row erased, and draws it again afterwards. */
  around(write: () => void): void {
    if (this.text === undefined) return write();
    this.erase();
    write();
    this.draw();
  }

  private draw(): void {
    if (this.text === undefined) return;
    const frames = this.color ? FRAMES_COLOR : FRAMES_PLAIN;
    const spinner = frames[this.frame % frames.length] ?? "";
    // One row only: \r returns to its start, so it must never wrap.
    const room = Math.max(10, (this.stream.columns ?? 80) - 3);
    const text = visibleWidth(this.text) > room ? `${[...this.text].slice(0, room - 1).join("")}…` : this.text;
    const row = `${this.color ? `\u001b[36m${spinner}\u001b[39m` : spinner} ${text}`;
    const width = visibleWidth(row);
    const tail = this.color ? "\u001b[K" : " ".repeat(Math.max(0, this.drawnWidth - width));
    this.stream.write(`\r${row}${tail}`);
    this.drawnWidth = width;
  }

  private erase(): void {
    if (this.drawnWidth === 0) return;
    this.stream.write(this.color ? "\r\u001b[K" : `\r${" ".repeat(this.drawnWidth)}\r`);
    this.drawnWidth = 0;
  }
}
