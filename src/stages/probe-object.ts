/**
 * A bucket setup has just created is empty, so there is nothing to download as a test. The
 * probe: a small object uploaded as the Production admin, read back by the reader (through the
 * role, or directly in resource-policy mode), and deleted again. A failed delete is reported,
 * never hidden: the object then stays in the bucket.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { toXacctError } from "../aws/errors.js";
import { displayShellWord } from "../shell-words.js";
import type { Output } from "../ui/output.js";

export interface ProbeInput {
  bucket: string;
  /** Writes and deletes the probe: the Production admin. */
  owner: S3Client;
  ownerProfile: string;
  /** Reads it: the temporary profile (role mode) or the Staging profile (resource-policy mode). */
  reader: S3Client;
  /** How the output names the reader: the role, or the Staging profile. */
  readerLabel: string;
}

const PROBE_BODY = "xacct probe: uploaded by setup to test access; deleted right after.\n";

export function probeKey(now = new Date()): string {
  return `xacct-probe-${now.toISOString().replace(/[:.]/g, "-")}.txt`;
}

/** Uploads, reads back and deletes the probe; throws when the read fails (after trying the delete). */
export async function probeAccess(input: ProbeInput, read: (run: () => Promise<number>) => Promise<number>, out: Output, key = probeKey()): Promise<void> {
  const where = `s3://${input.bucket}/${key}`;
  try {
    await input.owner.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: PROBE_BODY, ContentType: "text/plain" }));
  } catch (error) {
    throw toXacctError(error, { action: `uploading the probe object ${where}`, profile: input.ownerProfile });
  }
  out.done(`Uploaded a probe object ${where} as ${input.ownerProfile}`);
  try {
    const bytes = await read(async () => {
      const answer = await input.reader.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
      return (await answer.Body?.transformToByteArray())?.length ?? 0;
    });
    out.done(`Downloaded it through ${input.readerLabel} (${bytes} bytes)`);
  } finally {
    await deleteProbe(input, key, out);
  }
}

async function deleteProbe(input: ProbeInput, key: string, out: Output): Promise<void> {
  const where = `s3://${input.bucket}/${key}`;
  try {
    await input.owner.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key }));
    out.done(`Deleted the probe object`);
  } catch (error) {
    const reason = toXacctError(error, { action: `deleting the probe object ${where}`, profile: input.ownerProfile });
    out.warn(`The probe object ${where} was NOT deleted: ${reason.message}`);
    out.hint(`Delete it with: aws s3 rm ${displayShellWord(where)} --profile ${displayShellWord(input.ownerProfile)}`);
  }
}
