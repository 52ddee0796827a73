/**
 * A permission-set setup's trust whose ArnLike patterns were widened in ways no fixed probe
 * ARN hits (a prefix before the set name, any path, a one-letter wildcard): verify compares
 * xacct's own statement with the planned one and fails (exit 1).
 */
import { GetRoleCommand, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, it } from "vitest";
import { parsePolicyDocument, type PolicyDocument, type PolicyStatement } from "../src/policy/index.js";
import { clientsFor } from "./support/accounts.js";
import { BUCKET, setupArgs, useSandbox } from "./support/sandbox.js";

const sandbox = useSandbox();
const STAGING = "222222222222";
const RESERVED = `arn:aws:iam::${STAGING}:role/aws-reserved/sso.amazonaws.com/`;

type Hop = { id: string; ok: boolean | null; title: string; detail: string };
let planned: PolicyDocument;

async function verifyWithPatterns(patterns: string[]) {
  const { iam } = clientsFor(sandbox.moto.endpoint, sandbox.prod);
  const statement: PolicyStatement = structuredClone(planned.Statement[0]!);
  (statement.Condition as Record<string, Record<string, unknown>>)["ArnLike"]!["aws:PrincipalArn"] = patterns;
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "StageRole", PolicyDocument: JSON.stringify({ ...planned, Statement: [statement] }) }));
  const result = await sandbox.run(["verify", "--json"]);
  const hops = JSON.parse(result.stdout).hops as Hop[];
  return { code: result.code, hop: hops.find((h) => h.id === "trust-admits-only-permission-set") };
}

describe("verify, permission-set trust patterns widened past the probes", () => {
  beforeAll(async () => {
    const result = await sandbox.run(setupArgs(BUCKET, ["--trust-sso-permission-set", "Dev"]));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const { iam } = clientsFor(sandbox.moto.endpoint, sandbox.prod);
    planned = parsePolicyDocument((await iam.send(new GetRoleCommand({ RoleName: "StageRole" }))).Role!.AssumeRolePolicyDocument!);
  });

  it.each([
    ["a prefix before the set name", `${RESERVED}AWSReservedSSO_*Dev_????????????????`],
    ["any path", `arn:aws:iam::${STAGING}:role/*/AWSReservedSSO_Dev_????????????????`],
    ["a one-letter wildcard", `${RESERVED}AWSReservedSSO_?ev_????????????????`],
  ])("%s fails the hop (exit 1)", async (_name, pattern) => {
    const { code, hop } = await verifyWithPatterns([pattern]);
    expect(hop?.ok).toBe(false);
    expect(hop?.detail).toMatch(/trust statement .* was changed/);
    expect(code).toBe(1);
  });

  it("the planned patterns, in another order, still hold", async () => {
    const ours = (planned.Statement[0]!.Condition as Record<string, Record<string, string[]>>)["ArnLike"]!["aws:PrincipalArn"]!;
    const { hop } = await verifyWithPatterns([...ours].reverse());
    expect(hop?.ok).toBe(true);
  });
});
