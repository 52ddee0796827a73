/**
 * The document a credential_process prints (the AWS tools' format, Version 1): the same bytes
 * from the cache-hit path (credential-process.ts) and the full CLI (commands/credentials.ts).
 * Pure.
 */
import { fstatSync } from "node:fs";
import type { TemporaryCredentials } from "./stages/assume-role.js";

export function credentialProcessJson(creds: TemporaryCredentials): string {
  return `${JSON.stringify({
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Expiration: creds.expiration.toISOString(),
  })}\n`;
}

/**
 * Whether descriptor `fd` is a regular file another user may read or write, or another user's:
 * keys go only into a file no one else can open (README "Security"). Not a file (a pipe, a
 * socket), or a descriptor that cannot be examined: false (the terminal check is separate).
 */
export function exposedFile(fd: number): boolean {
  let info;
  try {
    info = fstatSync(fd);
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  const ours = process.getuid?.();
  return (info.mode & 0o077) !== 0 || (ours !== undefined && info.uid !== ours);
}

/** Whether a stream (the command's stdout) is a file others may read: see exposedFile. A stream with no descriptor is not. */
export function exposedStream(stream: unknown): boolean {
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === "number" && exposedFile(fd);
}
