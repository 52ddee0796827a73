/**
 * process.stdout and process.stderr are built on first use, and building one for a pipe costs
 * ~3 ms (a net.Socket, with net and Node's streams). Help and version, a few kilobytes written
 * once, go straight to the descriptor instead; everything else uses the streams as always.
 */
import { fstatSync, writeSync } from "node:fs";

/** Runs `attach` on process.stdout or process.stderr when something first uses it. */
export function onFirstUse(name: "stdout" | "stderr", attach: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) {
    attach(process[name]);
    return;
  }
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable ?? true,
    get() {
      Object.defineProperty(process, name, own);
      const stream = process[name];
      attach(stream);
      return stream;
    },
  });
}

/**
 * Writes to stdout's descriptor. What it cannot write (a non-blocking pipe that is full, a
 * reader gone) goes on by process.stdout, whose errors are handled as every other write's.
 */
export function writeStdout(text: string): void {
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(1, rest));
  } catch {
    process.stdout.write(rest);
  }
}

/**
 * Whether the descriptor is a pipe, a socket or a file: never a terminal, which commander
 * asks process.stdout (isTTY) to know, building the stream.
 */
export function isPipeOrFile(fd: number): boolean {
  try {
    const kind = fstatSync(fd);
    return kind.isFIFO() || kind.isFile() || kind.isSocket();
  } catch {
    return false; // closed, or unknown: let the stream say
  }
}
