/**
 * The wizard's "without questions" command is one line that reproduces the run: never wrapped to
 * a narrow terminal (a newline pasted runs something else), every flag and answer given so far in
 * it (--endpoint-url among them, and --plain-trust for a No at the hardening question), and after
 * --plan it plans too. The Ctrl-C undo commands are one pasteable command a line.
 */
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CallLog } from "../src/aws/call-log.js";
import { runCli } from "../src/cli.js";
import { runSteps } from "../src/stages/steps.js";
import { Output } from "../src/ui/output.js";
import type { Interrupts } from "../src/ui/interrupt.js";
import { bucketSettings } from "../src/resources/bucket-settings.js";
import { useSandbox } from "./support/sandbox.js";
import { answer, clearInput, promptShowing, screen } from "./support/wizard-screen.js";

const sandbox = useSandbox();

/** A terminal 40 columns wide: Output wraps what it prints to that width. */
function narrowTerminal(): { stream: PassThrough; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 40 });
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

async function runNarrow(argv: string[]) {
  const stdout = narrowTerminal();
  const stderr = narrowTerminal();
  const code = await runCli(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([]),
    env: process.env,
    interactive: true,
    calls: new CallLog(),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The line holding `start`, whole. */
function lineWith(text: string, start: string): string {
  const line = text.split(/[\r\n]/).find((l) => l.includes(start));
  if (line === undefined) throw new Error(`no line with ${start} in:\n${text}`);
  return line;
}

describe("the equivalent command", () => {
  it("keeps every flag and every answer given before a Ctrl-C, on one unwrapped line", async () => {
    const key = "this is a long key with spaces in it, far longer than forty columns.txt";
    const run = runNarrow([
      "setup",
      "--endpoint-url",
      sandbox.moto.endpoint,
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--region",
      "us-east-1",
      "--mode",
      "role",
      "--bucket",
      "meta-bucket-d",
      "--external-id",
      "--test-key",
      key,
    ]);
    await promptShowing("Name of the role in Production");
    clearInput();
    await answer("Name of the role in Production", "MetaRole");
    await promptShowing("Name of the role's read-only policy");
    screen.keypress({ name: "c", ctrl: true });
    const result = await run;
    expect(result.code).toBe(130);
    const line = lineWith(result.stderr, "Your answers, to run again without questions:");
    expect(line).toBe(
      `Your answers, to run again without questions: xacct --endpoint-url ${sandbox.moto.endpoint} setup --production-profile prod --staging-profile staging --region us-east-1 --mode role --bucket meta-bucket-d --role-name MetaRole --external-id --test-key '${key}' --yes`,
    );
  });

  it("answers the hardening question (--plain-trust) and, after --plan, plans", async () => {
    const run = runNarrow([
      "setup",
      "--production-profile",
      "prod",
      "--staging-profile",
      "staging",
      "--region",
      "us-east-1",
      "--mode",
      "role",
      "--bucket",
      "plan-only-c",
      "--plan",
    ]);
    await answer("Name of the role in Production", "");
    await answer("Name of the role's read-only policy", "");
    await answer("Staging user who will assume the role", "");
    await answer("Harden the role's trust", "");
    const result = await run;
    expect(result.code).toBe(0);
    expect(lineWith(result.stdout, "without questions")).toBe(
      "The same plan without questions: xacct setup --production-profile prod --staging-profile staging --region us-east-1 --mode role --bucket plan-only-c --role-name StageRole --policy-name StageRoleReadObjects --staging-user StageAdmin --plain-trust --plan",
    );
  });
});

describe("the undo commands after Ctrl-C", () => {
  it("gives one pasteable command a line, none hidden behind a comment, and none wrapped", async () => {
    const stdout = narrowTerminal();
    const out = new Output({ stdout: stdout.stream, stderr: stdout.stream }, { progress: false });
    const plan = { answers: { bucket: "slow-bucket-e", productionProfile: "prod" } } as never;
    const current = { bucketExists: true, bucketSettings: { publicAccessBlocked: false, encryption: undefined, objectOwnership: "ObjectWriter" } } as never;
    const applied = bucketSettings.apply!({ clients: {} as never, plan, current } as never, { kind: "update" } as never);
    let press = () => {};
    const interrupts: Interrupts = { listen: (on) => ((press = on), () => {}) };
    const steps = [
      { id: "bucket-hardening", title: applied.title, undo: applied.undo, run: async () => (press(), "updated" as const) },
      { id: "next", title: "Next", run: async () => "created" as const },
    ];
    await expect(runSteps(steps, out, [], interrupts)).rejects.toThrow(/Stopped by Ctrl-C/);
    const lines = stdout.text().split("\n");
    const from = lines.findIndex((l) => l.startsWith("To undo what this run changed instead"));
    const commands = lines.slice(from + 1).filter((l) => l.startsWith("  aws "));
    expect(commands).toEqual([
      "  aws s3api delete-public-access-block --bucket slow-bucket-e --profile prod  # or put back the bucket's earlier Block Public Access settings",
      "  aws s3api delete-bucket-encryption --bucket slow-bucket-e --profile prod",
      "  aws s3api put-bucket-ownership-controls --bucket slow-bucket-e --profile prod --ownership-controls 'Rules=[{ObjectOwnership=ObjectWriter}]'",
    ]);
  });
});
