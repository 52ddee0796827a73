/**
 * Ctrl-C while the probe object is being read: the read is abandoned, the probe is deleted and
 * that is said, and the run ends with exit 130 (no bucket left holding xacct's probe). A second
 * Ctrl-C while the delete is in flight stops at once, with the command that deletes the probe.
 */
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XacctError } from "../src/errors.js";
import { probeAccess } from "../src/stages/probe-object.js";
import type { Interrupts } from "../src/ui/interrupt.js";
import { Output } from "../src/ui/output.js";
import { clientsFor } from "./support/accounts.js";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(sandbox.moto.endpoint);
  await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new CreateBucketCommand({ Bucket: "probe-ctrl-c" }));
});
afterAll(() => proxy.close());

function fakeCtrlC(): { interrupts: Interrupts; press: () => void } {
  let listener = () => {};
  return { interrupts: { listen: (on) => ((listener = on), () => (listener = () => {})) }, press: () => listener() };
}

/** Holds every request for `operations` until released; `seen(op)` resolves when one arrives. */
function hold(operations: string[]) {
  const arrived = new Map<string, () => void>();
  const seen = new Map(operations.map((op) => [op, new Promise<void>((resolve) => arrived.set(op, resolve))]));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  proxy.rule = async (request) => {
    if (!request.action || !operations.includes(request.action)) return undefined;
    arrived.get(request.action)?.();
    await released;
    return undefined;
  };
  return { seen: (op: string) => seen.get(op)!, release };
}

function output(): { out: Output; printed: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { out: new Output({ stdout: stream, stderr: stream }, { progress: false }), printed: () => text };
}

async function keysLeft(): Promise<string[]> {
  const listed = await clientsFor(sandbox.moto.endpoint, sandbox.prod).s3.send(new ListObjectsV2Command({ Bucket: "probe-ctrl-c" }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

function probe(ctrlC: Interrupts, out: Output, key: string) {
  const owner = clientsFor(proxy.endpoint, sandbox.prod).s3;
  const reader = clientsFor(proxy.endpoint, sandbox.prod).s3;
  return probeAccess({ bucket: "probe-ctrl-c", owner, ownerProfile: "prod", reader, readerLabel: "role StageRole" }, (run) => run(), out, key, ctrlC);
}

describe("Ctrl-C during the probe", () => {
  it("while the probe is read: deletes it, says so, and stops with exit 130", async () => {
    const held = hold(["GetObject"]);
    const { interrupts, press } = fakeCtrlC();
    const { out, printed } = output();
    const run = probe(interrupts, out, "xacct-probe-read.txt").catch((error: unknown) => error);
    await held.seen("GetObject");
    press();
    const error = await run;
    held.release();
    expect(error).toBeInstanceOf(XacctError);
    expect((error as XacctError).exitCode).toBe(130);
    expect((error as XacctError).message).toContain("Stopped by Ctrl-C while testing access with the probe object (it was deleted)");
    expect(printed()).toContain("Deleted the probe object");
    expect(await keysLeft()).toEqual([]);
  });

  it("a second Ctrl-C while the delete is in flight stops at once, with the command that deletes the probe", async () => {
    const held = hold(["GetObject", "DeleteObject"]);
    const { interrupts, press } = fakeCtrlC();
    const { out, printed } = output();
    const run = probe(interrupts, out, "xacct-probe-twice.txt").catch((error: unknown) => error);
    await held.seen("GetObject");
    press();
    await held.seen("DeleteObject");
    press();
    const error = await run;
    held.release();
    expect((error as XacctError).exitCode).toBe(130);
    expect(printed()).toContain("Delete the probe object with: aws s3 rm s3://probe-ctrl-c/xacct-probe-twice.txt --profile prod");
  });
});
