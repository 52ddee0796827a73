/**
 * A bucket setup has just created is empty, so there is nothing to download as a test. The
 * probe: a small object uploaded as the Production admin, read back by the reader (through the
 * role, or directly in resource-policy mode), and deleted again. A failed delete is reported,
 * never hidden: the object then stays in the bucket.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { toXacctError } from "../aws/errors.js";
import { XacctError } from "../errors.js";
import { processInterrupts, type Interrupts } from "../ui/interrupt.js";
import { INTERRUPTED_EXIT } from "./steps.js";
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

/**
 * Uploads, reads back and deletes the probe; throws when the read fails (after trying the delete).
 * Ctrl-C stops the read, not the delete: the probe is deleted and the run ends (exit 130). A
 * second Ctrl-C stops at once, with the command that deletes the probe.
 */
export async function probeAccess(
  input: ProbeInput,
  read: (run: () => Promise<number>) => Promise<number>,
  out: Output,
  key = probeKey(),
  interrupts: Interrupts = processInterrupts,
): Promise<void> {
  const where = `s3://${input.bucket}/${key}`;
  const ctrlC = watchCtrlC(interrupts, out, input, key);
  try {
    try {
      await Promise.race([
        input.owner.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: PROBE_BODY, ContentType: "text/plain" })),
        ctrlC.atOnce,
      ]);
    } catch (error) {
      if (error === STOPPED) throw stoppedAtOnce(out, input, key);
      throw toXacctError(error, { action: `uploading the probe object ${where}`, profile: input.ownerProfile });
    }
    out.done(`Uploaded a probe object ${where} as ${input.ownerProfile}`);
    try {
      const reading = read(async () => {
        const answer = await input.reader.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
        return (await answer.Body?.transformToByteArray())?.length ?? 0;
      });
      reading.catch(() => {}); // abandoned at a Ctrl-C: its failure then is nobody's
      const bytes = await Promise.race([reading, ctrlC.first]);
      out.done(`Downloaded it through ${input.readerLabel} (${bytes} bytes)`);
    } catch (error) {
      if (error !== STOPPED) throw error;
    } finally {
      try {
        await Promise.race([deleteProbe(input, key, out), ctrlC.atOnce]);
      } catch (error) {
        if (error === STOPPED) throw stoppedAtOnce(out, input, key);
        throw error;
      }
    }
    if (ctrlC.count > 0) {
      throw new XacctError("Stopped by Ctrl-C while testing access with the probe object (it was deleted).", {
        hint: "Setup's changes are in place and remembered. Test them with `xacct verify --live`, or run the same command again.",
        exitCode: INTERRUPTED_EXIT,
      });
    }
  } finally {
    ctrlC.stop();
  }
}

const STOPPED = Symbol("Ctrl-C");

interface ProbeCtrlC {
  readonly count: number;
  /** Rejects with STOPPED at the first Ctrl-C. */
  readonly first: Promise<never>;
  /** Rejects with STOPPED at the second Ctrl-C. */
  readonly atOnce: Promise<never>;
  stop(): void;
}

function watchCtrlC(interrupts: Interrupts, out: Output, input: ProbeInput, key: string): ProbeCtrlC {
  let first: (reason: unknown) => void = () => {};
  let second: (reason: unknown) => void = () => {};
  const state = {
    count: 0,
    first: new Promise<never>((_resolve, reject) => (first = reject)),
    atOnce: new Promise<never>((_resolve, reject) => (second = reject)),
    stop: () => {},
  };
  // Nobody may be waiting when they come.
  state.first.catch(() => {});
  state.atOnce.catch(() => {});
  state.stop = interrupts.listen(() => {
    state.count += 1;
    if (state.count === 1) {
      out.warn(`Ctrl-C: deleting the probe object s3://${input.bucket}/${key}, then stopping. Press Ctrl-C again to stop at once.`);
      first(STOPPED);
    } else second(STOPPED);
  });
  return state;
}

/** The second Ctrl-C: the probe may still be in the bucket; the command that deletes it is said first (one unwrapped line). */
function stoppedAtOnce(out: Output, input: ProbeInput, key: string): XacctError {
  const where = `s3://${input.bucket}/${key}`;
  out.commandLine(`Delete the probe object with: ${deleteCommand(input, where)}`, true);
  return new XacctError(`Stopped by Ctrl-C at once: the probe object ${where} may still be in the bucket.`, {
    hint: "The command above deletes it.",
    exitCode: INTERRUPTED_EXIT,
  });
}

function deleteCommand(input: ProbeInput, where: string): string {
  return `aws s3 rm ${displayShellWord(where)} --profile ${displayShellWord(input.ownerProfile)}`;
}

async function deleteProbe(input: ProbeInput, key: string, out: Output): Promise<void> {
  const where = `s3://${input.bucket}/${key}`;
  try {
    await input.owner.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key }));
    out.done(`Deleted the probe object`);
  } catch (error) {
    const reason = toXacctError(error, { action: `deleting the probe object ${where}`, profile: input.ownerProfile });
    out.warn(`The probe object ${where} was NOT deleted: ${reason.message}`);
    out.commandLine(`  Delete it with: ${deleteCommand(input, where)}`, true);
  }
}
