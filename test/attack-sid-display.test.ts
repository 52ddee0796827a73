/**
 * Another team's Sid reaches the terminal in plans and messages. One holding an escape
 * sequence or a line break would act on the terminal (clear it, start a forged line): it is
 * shown quoted, those characters escaped; an ordinary Sid is shown as it is (attack 15f, F6).
 */
import { CreateBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { shownText } from "../src/policy/index.js";
import { removalByTags } from "../src/resources/state.js";
import { clientsFor } from "./support/accounts.js";
import { setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const prod = () => clientsFor(sandbox.moto.endpoint, sandbox.prod);
const EVIL = "Evil\u001b[2J\n✔ all clear\u202e";

describe("a Sid as xacct shows it", () => {
  it.each([
    ["OtherTeam", "OtherTeam"],
    ["Équipe données", "Équipe données"],
    [EVIL, '"Evil\\u001b[2J\\u000a✔ all clear\\u202e"'],
    ['say "hi"\r', '"say \\"hi\\"\\u000d"'],
  ])("%j is shown as %s", (sid, shown) => {
    expect(shownText(sid)).toBe(shown);
  });

  it("another setup's tag value and an object's Content-Type are escaped alike", () => {
    const note = removalByTags(
      true,
      [
        { Key: "managed-by", Value: "xacct" },
        { Key: "xacct:setup", Value: "b/R\u001b]0;pwned\u0007" },
      ],
      "mine/Role",
    );
    expect(note.note).toBe('made by another xacct setup, "b/R\\u001b]0;pwned\\u0007"');
    expect(shownText("text/plain\u009b2J")).toBe('"text/plain\\u009b2J"');
  });

  it("setup's plan and teardown's notes print another team's Sid escaped", async () => {
    await prod().s3.send(new CreateBucketCommand({ Bucket: "sid-bucket" }));
    const statement = {
      Sid: EVIL,
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::sid-bucket/*",
    };
    await prod().s3.send(new PutBucketPolicyCommand({ Bucket: "sid-bucket", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));

    const setup = await sandbox.run(setupArgs("sid-bucket", ["--role-name", "SidRole"]));
    const teardown = await sandbox.run(["teardown", "--yes"]);

    for (const run of [setup, teardown]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain("\u001b[2J");
      expect(run.stdout + run.stderr).not.toContain("\u202e");
      expect(run.stdout + run.stderr).not.toMatch(/^✔ all clear/m);
    }
    expect(setup.stdout).toContain('statement "Evil\\u001b[2J\\u000a✔ all clear\\u202e" (unchanged)');
    expect(teardown.stdout).toContain('= statement "Evil\\u001b[2J\\u000a✔ all clear\\u202e" (unchanged)');
  });
});
