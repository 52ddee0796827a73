/**
 * The document a credential_process prints (the AWS tools' format, Version 1): the same bytes
 * from the cache-hit path (credential-process.ts) and the full CLI (commands/credentials.ts).
 * Pure.
 */
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
